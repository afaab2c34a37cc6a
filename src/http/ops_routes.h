// Operational endpoints: /healthz (the process answers), /readyz (dependencies answer) and
// /metrics (Prometheus text). Public, not rate limited, served on the server's health pool.
#pragma once

#include <functional>

#include "core/status.h"
#include "http/metrics.h"
#include "http/router.h"

namespace sonora::http {

void AddOpsRoutes(Router& router, Metrics& metrics, std::function<Status()> ready);

}  // namespace sonora::http

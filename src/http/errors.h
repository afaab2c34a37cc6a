// The one translation of a Status to the wire (STYLE.md rule 7):
//   {"error":{"status":404,"code":"not_found","message":"..."}} with the matching HTTP status
// and headers (WWW-Authenticate on 401, Retry-After on 429/503). Internal errors never leak
// their message: the client sees a generic text and the request id; the log has the detail.
#pragma once

#include <string_view>

#include "core/status.h"
#include "http/response.h"

namespace sonora::http {

int HttpStatusFor(const Status& status);
Response ErrorResponse(const Status& status, std::string_view request_id);
// Errors the HTTP layer raises itself (413, 431, 405 ...), in the same shape.
Response ErrorResponse(int http_status, std::string_view code, std::string_view message);
// The inner error object ({"status","code","message"[,"field"]}) for `status`, as it appears
// per item in batch answers. Client errors only: internal messages are never shown.
Json ErrorObject(const Status& status);

}  // namespace sonora::http

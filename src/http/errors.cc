#include "http/errors.h"

#include <string>

#include "core/log.h"

namespace sonora::http {

int HttpStatusFor(const Status& s) {
  switch (s.code()) {
    case Code::kOk: return 200;
    case Code::kInvalidArgument: return 400;
    case Code::kUnauthenticated: return 401;
    case Code::kPermissionDenied: return 403;
    case Code::kNotFound: return 404;
    case Code::kAlreadyExists: return 409;
    case Code::kAborted: return 412;  // stale snapshot_id: docs/decisions/0002-errors.md
    case Code::kFailedPrecondition: return 409;
    case Code::kPreconditionRequired: return 428;
    case Code::kResourceExhausted: return 429;
    case Code::kUnavailable: return 503;
    case Code::kDeadlineExceeded: return 504;
    case Code::kInternal: return 500;
  }
  return 500;
}

namespace {
std::string_view WireCode(const Status& s) {
  switch (s.code()) {
    case Code::kInvalidArgument: return "invalid_argument";
    case Code::kUnauthenticated: return "unauthenticated";
    case Code::kPermissionDenied: return s.reason().empty() ? "forbidden" : s.reason();
    case Code::kNotFound: return "not_found";
    case Code::kAlreadyExists: return "already_exists";
    case Code::kAborted: return s.reason().empty() ? "aborted" : s.reason();
    case Code::kFailedPrecondition: return s.reason().empty() ? "failed_precondition" : s.reason();
    case Code::kPreconditionRequired: return "precondition_required";
    case Code::kResourceExhausted: return s.reason().empty() ? "rate_limited" : s.reason();
    case Code::kUnavailable: return "unavailable";
    case Code::kDeadlineExceeded: return "timeout";
    default: return "internal";
  }
}
}  // namespace

Response ErrorResponse(int http_status, std::string_view code, std::string_view message) {
  Json body = {{"error", {{"status", http_status}, {"code", code}, {"message", message}}}};
  return Response::Json(http_status, body);
}

Json ErrorObject(const Status& s) {
  const int http_status = HttpStatusFor(s);
  const bool hidden = http_status >= 500 && s.code() != Code::kUnavailable &&
                      s.code() != Code::kDeadlineExceeded;
  Json error = {{"status", http_status},
                {"code", WireCode(s)},
                {"message", hidden ? std::string("internal error") : std::string(s.message())}};
  // The documented shape plus the field, an extra member clients may use.
  if (s.code() == Code::kInvalidArgument && !s.field().empty()) error["field"] = s.field();
  return error;
}

Response ErrorResponse(const Status& s, std::string_view request_id) {
  int http_status = HttpStatusFor(s);
  Json error = ErrorObject(s);
  if (http_status >= 500 && s.code() != Code::kUnavailable &&
      s.code() != Code::kDeadlineExceeded) {
    log::Error("internal error request_id=" + std::string(request_id) + " " + s.ToString());
    error["message"] = "internal error (request id " + std::string(request_id) + ")";
  }
  Response r = Response::Json(http_status, Json{{"error", std::move(error)}});
  if (s.code() == Code::kUnauthenticated) {
    r.SetHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
  }
  if (s.code() == Code::kResourceExhausted || s.code() == Code::kUnavailable) {
    int retry = s.retry_after_seconds() > 0 ? s.retry_after_seconds() : 1;
    r.SetHeader("Retry-After", std::to_string(retry));
  }
  return r;
}

}  // namespace sonora::http

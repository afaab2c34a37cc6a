#include "core/status.h"

#include <utility>

namespace sonora {

std::string_view CodeName(Code code) {
  switch (code) {
    case Code::kOk: return "OK";
    case Code::kInvalidArgument: return "INVALID_ARGUMENT";
    case Code::kUnauthenticated: return "UNAUTHENTICATED";
    case Code::kPermissionDenied: return "PERMISSION_DENIED";
    case Code::kNotFound: return "NOT_FOUND";
    case Code::kAlreadyExists: return "ALREADY_EXISTS";
    case Code::kAborted: return "ABORTED";
    case Code::kFailedPrecondition: return "FAILED_PRECONDITION";
    case Code::kResourceExhausted: return "RESOURCE_EXHAUSTED";
    case Code::kUnavailable: return "UNAVAILABLE";
    case Code::kDeadlineExceeded: return "DEADLINE_EXCEEDED";
    case Code::kPreconditionRequired: return "PRECONDITION_REQUIRED";
    case Code::kInternal: return "INTERNAL";
  }
  return "UNKNOWN";
}

Status::Status(Code code, std::string message, std::string field, std::string reason,
               int retry_after)
    : rep_(std::make_shared<const Rep>(Rep{code, std::move(message), std::move(field),
                                           std::move(reason), retry_after})) {}

Status Status::InvalidArgument(std::string field, std::string message) {
  return Status(Code::kInvalidArgument, std::move(message), std::move(field));
}
Status Status::Unauthenticated(std::string message) {
  return Status(Code::kUnauthenticated, std::move(message));
}
Status Status::PermissionDenied(std::string reason, std::string message) {
  return Status(Code::kPermissionDenied, std::move(message), {}, std::move(reason));
}
Status Status::NotFound(std::string message) { return Status(Code::kNotFound, std::move(message)); }
Status Status::AlreadyExists(std::string message) {
  return Status(Code::kAlreadyExists, std::move(message));
}
Status Status::Aborted(std::string reason, std::string message) {
  return Status(Code::kAborted, std::move(message), {}, std::move(reason));
}
Status Status::FailedPrecondition(std::string reason, std::string message) {
  return Status(Code::kFailedPrecondition, std::move(message), {}, std::move(reason));
}
Status Status::ResourceExhausted(std::string message, int retry_after_seconds) {
  return Status(Code::kResourceExhausted, std::move(message), {}, {}, retry_after_seconds);
}
Status Status::Unavailable(std::string message) {
  return Status(Code::kUnavailable, std::move(message));
}
Status Status::DeadlineExceeded(std::string message) {
  return Status(Code::kDeadlineExceeded, std::move(message));
}
Status Status::PreconditionRequired(std::string message) {
  return Status(Code::kPreconditionRequired, std::move(message));
}
Status Status::Internal(std::string message) { return Status(Code::kInternal, std::move(message)); }

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string out(CodeName(code()));
  out += ": ";
  out += message();
  if (!field().empty()) {
    out += " [field=";
    out += field();
    out += "]";
  }
  if (!reason().empty()) {
    out += " [reason=";
    out += reason();
    out += "]";
  }
  return out;
}

}  // namespace sonora

// Status: the result of an operation that can fail in an expected way.
//
// Codes are chosen by what the caller should do next (docs/decisions/0002-errors.md). The
// one translation to HTTP lives in http/errors.cc. An OK Status allocates nothing.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace sonora {

enum class Code : uint8_t {
  kOk,
  kInvalidArgument,     // bad input; field() names it
  kUnauthenticated,     // missing or invalid credentials
  kPermissionDenied,    // authenticated but not allowed (tier, region, ownership); reason()
  kNotFound,            // unknown id, or an id not visible to the caller
  kAlreadyExists,       // uniqueness violated (username, email)
  kAborted,             // optimistic-concurrency loss: re-read and retry
  kFailedPrecondition,  // state forbids it until something changes; reason()
  kResourceExhausted,   // rate limit, caps; retry_after_seconds()
  kUnavailable,         // a dependency is down; retry later
  kDeadlineExceeded,
  kPreconditionRequired,  // a conditional request lacked If-Match
  kInternal,
};

std::string_view CodeName(Code code);

class [[nodiscard]] Status {
 public:
  Status() = default;

  static Status InvalidArgument(std::string field, std::string message);
  static Status Unauthenticated(std::string message);
  static Status PermissionDenied(std::string reason, std::string message);
  static Status NotFound(std::string message);
  static Status AlreadyExists(std::string message);
  static Status Aborted(std::string reason, std::string message);
  static Status FailedPrecondition(std::string reason, std::string message);
  static Status ResourceExhausted(std::string message, int retry_after_seconds);
  static Status Unavailable(std::string message);
  static Status DeadlineExceeded(std::string message);
  static Status PreconditionRequired(std::string message);
  static Status Internal(std::string message);

  bool ok() const { return rep_ == nullptr; }
  Code code() const { return rep_ ? rep_->code : Code::kOk; }
  std::string_view message() const { return rep_ ? std::string_view(rep_->message) : ""; }
  std::string_view field() const { return rep_ ? std::string_view(rep_->field) : ""; }
  std::string_view reason() const { return rep_ ? std::string_view(rep_->reason) : ""; }
  int retry_after_seconds() const { return rep_ ? rep_->retry_after_seconds : 0; }

  // "NOT_FOUND: no such track" — for logs and test failure messages.
  std::string ToString() const;

  // A deliberate drop of an error; `git grep IgnoreError` lists every one.
  void IgnoreError() const {}

 private:
  struct Rep {
    Code code;
    std::string message;
    std::string field;
    std::string reason;
    int retry_after_seconds = 0;
  };
  Status(Code code, std::string message, std::string field = {}, std::string reason = {},
         int retry_after = 0);

  // shared_ptr keeps copies cheap; a Status is immutable once built.
  std::shared_ptr<const Rep> rep_;
};

inline bool operator==(const Status& a, const Status& b) {
  return a.code() == b.code() && a.message() == b.message();
}

}  // namespace sonora

#define SONORA_STATUS_CONCAT_INNER(a, b) a##b
#define SONORA_STATUS_CONCAT(a, b) SONORA_STATUS_CONCAT_INNER(a, b)

// Returns the status from the enclosing function if `expr` is not OK.
#define SONORA_RETURN_IF_ERROR(expr) \
  SONORA_RETURN_IF_ERROR_IMPL(SONORA_STATUS_CONCAT(sonora_status_, __LINE__), expr)
#define SONORA_RETURN_IF_ERROR_IMPL(tmp, expr) \
  do {                                         \
    ::sonora::Status tmp = (expr);             \
    if (!tmp.ok()) return tmp;                 \
  } while (0)

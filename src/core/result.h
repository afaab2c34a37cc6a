// Result<T>: a T or a non-OK Status. Shaped like C++23 std::expected so a later switch is
// mechanical: has_value(), value(), error(), operator*, operator->, explicit bool.
#pragma once

#include <cstdlib>
#include <optional>
#include <utility>

#include "core/check.h"
#include "core/status.h"

namespace sonora {

template <typename T>
class [[nodiscard]] Result {
 public:
  // Implicit from a value and from a Status, so `return value;` and `return status;` both work.
  Result(T value) : value_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Status status) : status_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    SONORA_CHECK(!status_.ok());  // an OK Result needs a value
  }

  bool has_value() const { return value_.has_value(); }
  bool ok() const { return value_.has_value(); }
  explicit operator bool() const { return has_value(); }

  const Status& error() const { return status_; }
  const Status& status() const { return status_; }

  T& value() & {
    SONORA_CHECK(has_value());
    return *value_;
  }
  const T& value() const& {
    SONORA_CHECK(has_value());
    return *value_;
  }
  T&& value() && {
    SONORA_CHECK(has_value());
    return std::move(*value_);
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  template <typename U>
  T value_or(U&& fallback) const& {
    return has_value() ? *value_ : static_cast<T>(std::forward<U>(fallback));
  }

  void IgnoreError() const {}

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace sonora

// Unwraps a Result into `lhs`, or returns its status from the enclosing function.
#define SONORA_ASSIGN_OR_RETURN(lhs, expr) \
  SONORA_ASSIGN_OR_RETURN_IMPL(SONORA_STATUS_CONCAT(sonora_result_, __LINE__), lhs, expr)
#define SONORA_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  if (!tmp.has_value()) return tmp.error();          \
  lhs = std::move(tmp).value()

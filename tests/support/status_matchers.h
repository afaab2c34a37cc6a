// gmock matchers for Status and Result<T>, after Abseil's status_matchers.h. STYLE.md 3.8:
// errors are checked by code, never with a bare "not OK".
//
//   EXPECT_THAT(db.Execute(sql), StatusIs(Code::kAlreadyExists));   // a Result<T>
//   EXPECT_THAT(service.Delete(id), IsOk());                         // a Status
//   EXPECT_THAT(repo.Count(), IsOkAndHolds(3));
//   SONORA_ASSERT_OK_AND_ASSIGN(QueryResult r, db.Query(sql));
//
// Inside namespace sonora, `testing::` names this namespace (sonora::testing); spell gtest's
// namespace `::testing::`.
#pragma once

#include <ostream>
#include <string>
#include <type_traits>
#include <utility>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/result.h"
#include "core/status.h"

namespace sonora {

// Found by argument-dependent lookup, so gtest prints "NOT_FOUND: no such track" rather than
// object bytes, and a Code by name rather than as a small integer.
inline void PrintTo(Code code, std::ostream* os) { *os << CodeName(code); }
inline void PrintTo(const Status& status, std::ostream* os) { *os << status.ToString(); }
template <typename T>
void PrintTo(const Result<T>& result, std::ostream* os) {
  if (result.ok()) {
    *os << "OK holding " << ::testing::PrintToString(*result);
  } else {
    *os << result.status().ToString();
  }
}

namespace testing {
namespace internal {

inline const Status& GetStatus(const Status& status) { return status; }
template <typename T>
const Status& GetStatus(const Result<T>& result) {
  return result.status();  // OK when the result holds a value
}

class StatusIsMatcher {
 public:
  explicit StatusIsMatcher(Code code) : code_(code) {}

  template <typename T>
  bool MatchAndExplain(const T& value, ::testing::MatchResultListener* listener) const {
    const Status& status = GetStatus(value);
    *listener << "whose status is " << status.ToString();
    return status.code() == code_;
  }
  void DescribeTo(std::ostream* os) const { *os << "has status code " << CodeName(code_); }
  void DescribeNegationTo(std::ostream* os) const {
    *os << "does not have status code " << CodeName(code_);
  }

 private:
  Code code_;
};

template <typename ResultRef>  // const Result<T>&
class IsOkAndHoldsImpl : public ::testing::MatcherInterface<ResultRef> {
 public:
  using ResultType = std::remove_cvref_t<ResultRef>;
  using ValueType = std::remove_cvref_t<decltype(*std::declval<const ResultType&>())>;

  template <typename InnerMatcher>
  explicit IsOkAndHoldsImpl(InnerMatcher&& inner)
      : inner_(::testing::SafeMatcherCast<const ValueType&>(std::forward<InnerMatcher>(inner))) {}

  bool MatchAndExplain(ResultRef result, ::testing::MatchResultListener* listener) const override {
    if (!result.ok()) {
      *listener << "which has status " << result.status().ToString();
      return false;
    }
    ::testing::StringMatchResultListener inner_listener;
    const bool matched = inner_.MatchAndExplain(*result, &inner_listener);
    *listener << "which holds " << ::testing::PrintToString(*result);
    if (!inner_listener.str().empty()) *listener << ", " << inner_listener.str();
    return matched;
  }
  void DescribeTo(std::ostream* os) const override {
    *os << "is OK and holds a value that ";
    inner_.DescribeTo(os);
  }
  void DescribeNegationTo(std::ostream* os) const override {
    *os << "is not OK or holds a value that ";
    inner_.DescribeNegationTo(os);
  }

 private:
  ::testing::Matcher<const ValueType&> inner_;
};

template <typename InnerMatcher>
class IsOkAndHoldsMatcher {
 public:
  explicit IsOkAndHoldsMatcher(InnerMatcher inner) : inner_(std::move(inner)) {}

  // Converts to a Matcher for whichever Result<T> it is used against (Abseil's pattern).
  template <typename ResultType>
  operator ::testing::Matcher<ResultType>() const {  // NOLINT(google-explicit-constructor)
    return ::testing::Matcher<ResultType>(
        new IsOkAndHoldsImpl<const std::remove_cvref_t<ResultType>&>(inner_));
  }

 private:
  InnerMatcher inner_;
};

}  // namespace internal

// Matches a Status or Result<T> whose code is `code`.
inline ::testing::PolymorphicMatcher<internal::StatusIsMatcher> StatusIs(Code code) {
  return ::testing::MakePolymorphicMatcher(internal::StatusIsMatcher(code));
}

// Matches an OK Status, or a Result<T> holding a value.
inline ::testing::PolymorphicMatcher<internal::StatusIsMatcher> IsOk() {
  return StatusIs(Code::kOk);
}

// Matches a Result<T> holding a value that `inner` (a matcher or a plain value) matches.
template <typename InnerMatcher>
internal::IsOkAndHoldsMatcher<std::decay_t<InnerMatcher>> IsOkAndHolds(InnerMatcher&& inner) {
  return internal::IsOkAndHoldsMatcher<std::decay_t<InnerMatcher>>(
      std::forward<InnerMatcher>(inner));
}

}  // namespace testing
}  // namespace sonora

// Evaluates `expr` (a Result<T>), fails the test and returns if it is not OK, else moves its
// value into `lhs` (a declaration or an lvalue). For use in void functions (TEST bodies, SetUp).
#define SONORA_ASSERT_OK_AND_ASSIGN(lhs, expr) \
  SONORA_ASSERT_OK_AND_ASSIGN_IMPL(SONORA_STATUS_CONCAT(sonora_assert_result_, __LINE__), lhs, expr)
#define SONORA_ASSERT_OK_AND_ASSIGN_IMPL(tmp, lhs, expr)             \
  auto tmp = (expr);                                                 \
  ASSERT_TRUE(tmp.ok()) << #expr << ": " << tmp.status().ToString(); \
  lhs = std::move(tmp).value()

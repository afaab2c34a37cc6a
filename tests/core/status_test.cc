// Status, Result<T> and the propagation macros (STYLE.md 3.6).
#include "core/status.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "support/status_matchers.h"

namespace sonora {
namespace {

using ::sonora::testing::IsOk;
using ::sonora::testing::IsOkAndHolds;
using ::sonora::testing::StatusIs;

TEST(StatusTest, DefaultIsOkAndEmpty) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.code(), Code::kOk);
  EXPECT_EQ(s.message(), "");
  EXPECT_EQ(s.field(), "");
  EXPECT_EQ(s.reason(), "");
  EXPECT_EQ(s.retry_after_seconds(), 0);
  EXPECT_EQ(s.ToString(), "OK");
  EXPECT_THAT(s, IsOk());
}

struct ConstructorCase {
  const char* name;
  Status status;
  Code code;
  const char* message;
  const char* field;
  const char* reason;
  int retry_after;
  const char* to_string;
};

TEST(StatusTest, NamedConstructorsCarryTheirParts) {
  const ConstructorCase cases[] = {
      {"invalid_argument", Status::InvalidArgument("email", "bad email"), Code::kInvalidArgument,
       "bad email", "email", "", 0, "INVALID_ARGUMENT: bad email [field=email]"},
      {"unauthenticated", Status::Unauthenticated("no token"), Code::kUnauthenticated, "no token",
       "", "", 0, "UNAUTHENTICATED: no token"},
      {"permission_denied", Status::PermissionDenied("premium_required", "upgrade"),
       Code::kPermissionDenied, "upgrade", "", "premium_required", 0,
       "PERMISSION_DENIED: upgrade [reason=premium_required]"},
      {"not_found", Status::NotFound("no such track"), Code::kNotFound, "no such track", "", "", 0,
       "NOT_FOUND: no such track"},
      {"already_exists", Status::AlreadyExists("taken"), Code::kAlreadyExists, "taken", "", "", 0,
       "ALREADY_EXISTS: taken"},
      {"aborted", Status::Aborted("stale_snapshot", "re-read"), Code::kAborted, "re-read", "",
       "stale_snapshot", 0, "ABORTED: re-read [reason=stale_snapshot]"},
      {"failed_precondition", Status::FailedPrecondition("device_not_bound", "bind first"),
       Code::kFailedPrecondition, "bind first", "", "device_not_bound", 0,
       "FAILED_PRECONDITION: bind first [reason=device_not_bound]"},
      {"resource_exhausted", Status::ResourceExhausted("slow down", 7), Code::kResourceExhausted,
       "slow down", "", "", 7, "RESOURCE_EXHAUSTED: slow down"},
      {"unavailable", Status::Unavailable("db down"), Code::kUnavailable, "db down", "", "", 0,
       "UNAVAILABLE: db down"},
      {"deadline", Status::DeadlineExceeded("too slow"), Code::kDeadlineExceeded, "too slow", "",
       "", 0, "DEADLINE_EXCEEDED: too slow"},
      {"precondition_required", Status::PreconditionRequired("If-Match"),
       Code::kPreconditionRequired, "If-Match", "", "", 0, "PRECONDITION_REQUIRED: If-Match"},
      {"internal", Status::Internal("boom"), Code::kInternal, "boom", "", "", 0, "INTERNAL: boom"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_FALSE(c.status.ok());
    EXPECT_EQ(c.status.code(), c.code);
    EXPECT_EQ(c.status.message(), c.message);
    EXPECT_EQ(c.status.field(), c.field);
    EXPECT_EQ(c.status.reason(), c.reason);
    EXPECT_EQ(c.status.retry_after_seconds(), c.retry_after);
    EXPECT_EQ(c.status.ToString(), c.to_string);
    EXPECT_THAT(c.status, StatusIs(c.code));
  }
}

TEST(StatusTest, CodeNameCoversEveryCode) {
  const std::pair<Code, const char*> cases[] = {
      {Code::kOk, "OK"},
      {Code::kInvalidArgument, "INVALID_ARGUMENT"},
      {Code::kUnauthenticated, "UNAUTHENTICATED"},
      {Code::kPermissionDenied, "PERMISSION_DENIED"},
      {Code::kNotFound, "NOT_FOUND"},
      {Code::kAlreadyExists, "ALREADY_EXISTS"},
      {Code::kAborted, "ABORTED"},
      {Code::kFailedPrecondition, "FAILED_PRECONDITION"},
      {Code::kResourceExhausted, "RESOURCE_EXHAUSTED"},
      {Code::kUnavailable, "UNAVAILABLE"},
      {Code::kDeadlineExceeded, "DEADLINE_EXCEEDED"},
      {Code::kPreconditionRequired, "PRECONDITION_REQUIRED"},
      {Code::kInternal, "INTERNAL"},
  };
  for (const auto& [code, name] : cases) EXPECT_EQ(CodeName(code), name) << name;
}

TEST(StatusTest, CopiesShareTheSameContent) {
  Status a = Status::NotFound("x");
  Status b = a;
  EXPECT_EQ(a, b);
  EXPECT_EQ(b.message(), "x");
  EXPECT_FALSE(a == Status::NotFound("y"));
  EXPECT_FALSE(a == Status::AlreadyExists("x"));
  EXPECT_TRUE(Status() == Status());
}

TEST(ResultTest, HoldsAValue) {
  Result<int> r = 42;
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(r.has_value());
  EXPECT_TRUE(static_cast<bool>(r));
  EXPECT_EQ(*r, 42);
  EXPECT_EQ(r.value(), 42);
  EXPECT_TRUE(r.status().ok());
  EXPECT_EQ(r.value_or(7), 42);
  EXPECT_THAT(r, IsOkAndHolds(42));
}

TEST(ResultTest, HoldsAnError) {
  Result<int> r = Status::NotFound("gone");
  EXPECT_FALSE(r.ok());
  EXPECT_FALSE(r.has_value());
  EXPECT_FALSE(static_cast<bool>(r));
  EXPECT_EQ(r.error().code(), Code::kNotFound);
  EXPECT_EQ(r.status().message(), "gone");
  EXPECT_EQ(r.value_or(7), 7);
  EXPECT_THAT(r, StatusIs(Code::kNotFound));
}

TEST(ResultTest, MoveOnlyValuesAndArrow) {
  Result<std::unique_ptr<std::string>> r = std::make_unique<std::string>("abc");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)->size(), 3u);
  std::unique_ptr<std::string> owned = std::move(r).value();
  EXPECT_EQ(*owned, "abc");

  Result<std::string> s = std::string("hello");
  EXPECT_EQ(s->size(), 5u);
}

using ResultDeathTest = ::testing::Test;

TEST_F(ResultDeathTest, OkStatusWithoutValueDies) {
  EXPECT_DEATH(
      {
        Result<int> r{Status()};
        r.IgnoreError();
      },
      "SONORA_CHECK failed");
}

TEST_F(ResultDeathTest, ValueOfAnErrorDies) {
  EXPECT_DEATH(
      {
        Result<int> r = Status::Internal("x");
        int v = r.value();
        (void)v;
      },
      "SONORA_CHECK failed");
}

// Helpers that exercise the macros; `calls` counts how far each got.
Status Step(bool fail, int* calls) {
  ++*calls;
  return fail ? Status::Aborted("stale_snapshot", "step failed") : Status();
}

Status TwoSteps(bool fail_first, bool fail_second, int* calls) {
  SONORA_RETURN_IF_ERROR(Step(fail_first, calls));
  SONORA_RETURN_IF_ERROR(Step(fail_second, calls));
  return Status();
}

Result<int> Half(int x) {
  if (x % 2 != 0) return Status::InvalidArgument("x", "odd");
  return x / 2;
}

Result<int> Quarter(int x, int* reached) {
  SONORA_ASSIGN_OR_RETURN(int half, Half(x));
  ++*reached;
  SONORA_ASSIGN_OR_RETURN(int quarter, Half(half));
  ++*reached;
  return quarter;
}

Result<std::unique_ptr<int>> MakeBox(int v) { return std::make_unique<int>(v); }

Result<int> Unbox(int v) {
  SONORA_ASSIGN_OR_RETURN(std::unique_ptr<int> box, MakeBox(v));
  return *box;
}

TEST(MacroTest, ReturnIfErrorShortCircuits) {
  struct Case {
    bool fail_first, fail_second;
    int calls;
    Code code;
  };
  const Case cases[] = {{false, false, 2, Code::kOk},
                        {true, false, 1, Code::kAborted},
                        {false, true, 2, Code::kAborted},
                        {true, true, 1, Code::kAborted}};
  for (const auto& c : cases) {
    int calls = 0;
    Status s = TwoSteps(c.fail_first, c.fail_second, &calls);
    EXPECT_EQ(s.code(), c.code) << c.fail_first << c.fail_second;
    EXPECT_EQ(calls, c.calls) << c.fail_first << c.fail_second;
    if (!s.ok()) {
      EXPECT_EQ(s.reason(), "stale_snapshot");
    }
  }
}

TEST(MacroTest, AssignOrReturnUnwrapsOrPropagates) {
  struct Case {
    int input;
    int reached;
    Code code;
    int value;
  };
  const Case cases[] = {
      {8, 2, Code::kOk, 2}, {6, 1, Code::kInvalidArgument, 0}, {3, 0, Code::kInvalidArgument, 0}};
  for (const auto& c : cases) {
    int reached = 0;
    Result<int> r = Quarter(c.input, &reached);
    EXPECT_EQ(r.status().code(), c.code) << c.input;
    EXPECT_EQ(reached, c.reached) << c.input;
    if (r.ok()) {
      EXPECT_EQ(*r, c.value);
    } else {
      EXPECT_EQ(r.status().field(), "x");
    }
  }
  EXPECT_THAT(Unbox(5), IsOkAndHolds(5));
}

TEST(MacroTest, TwoAssignsOnDistinctLinesCompile) {
  auto f = []() -> Result<int> {
    SONORA_ASSIGN_OR_RETURN(int a, Half(4));
    SONORA_ASSIGN_OR_RETURN(int b, Half(8));
    return a + b;
  };
  EXPECT_THAT(f(), IsOkAndHolds(6));
}

}  // namespace
}  // namespace sonora

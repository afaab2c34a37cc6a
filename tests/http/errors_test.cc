// The one Status -> wire translation (STYLE.md rule 7), for every Code.
#include "http/errors.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "core/json.h"

namespace sonora::http {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

struct MappingCase {
  const char* name;
  Status status;
  int http;
  const char* wire_code;
  const char* message;  // what the client sees
  const char* www_authenticate;
  const char* retry_after;
};

TEST(ErrorResponseTest, MapsEveryCode) {
  const MappingCase cases[] = {
      {"invalid_argument", Status::InvalidArgument("limit", "bad limit"), 400, "invalid_argument",
       "bad limit", "", ""},
      {"unauthenticated", Status::Unauthenticated("no token"), 401, "unauthenticated", "no token",
       "Bearer error=\"invalid_token\"", ""},
      {"permission_denied+reason", Status::PermissionDenied("premium_required", "upgrade"), 403,
       "premium_required", "upgrade", "", ""},
      {"permission_denied", Status::PermissionDenied("", "nope"), 403, "forbidden", "nope", "", ""},
      {"not_found", Status::NotFound("no such track"), 404, "not_found", "no such track", "", ""},
      {"already_exists", Status::AlreadyExists("taken"), 409, "already_exists", "taken", "", ""},
      {"aborted+reason", Status::Aborted("stale_snapshot", "re-read"), 412, "stale_snapshot",
       "re-read", "", ""},
      {"aborted", Status::Aborted("", "lost"), 412, "aborted", "lost", "", ""},
      {"failed_precondition+reason", Status::FailedPrecondition("device_not_bound", "bind"), 409,
       "device_not_bound", "bind", "", ""},
      {"failed_precondition", Status::FailedPrecondition("", "state"), 409, "failed_precondition",
       "state", "", ""},
      {"precondition_required", Status::PreconditionRequired("If-Match needed"), 428,
       "precondition_required", "If-Match needed", "", ""},
      {"resource_exhausted", Status::ResourceExhausted("slow down", 7), 429, "rate_limited",
       "slow down", "", "7"},
      {"resource_exhausted no hint", Status::ResourceExhausted("slow down", 0), 429, "rate_limited",
       "slow down", "", "1"},
      {"unavailable", Status::Unavailable("database down"), 503, "unavailable", "database down", "",
       "1"},
      {"deadline_exceeded", Status::DeadlineExceeded("took too long"), 504, "timeout",
       "took too long", "", ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(HttpStatusFor(c.status), c.http);
    Response r = ErrorResponse(c.status, "req123");
    EXPECT_EQ(r.status, c.http);
    EXPECT_EQ(r.content_type, "application/json");
    auto body = ParseJsonObject(r.body);
    ASSERT_TRUE(body.ok()) << r.body;
    const Json& err = (*body)["error"];
    EXPECT_EQ(err["status"], c.http);
    EXPECT_EQ(err["code"], c.wire_code);
    EXPECT_EQ(err["message"], c.message);
    EXPECT_EQ(r.GetHeader("WWW-Authenticate"), c.www_authenticate);
    EXPECT_EQ(r.GetHeader("Retry-After"), c.retry_after);
    if (c.status.code() == Code::kInvalidArgument) {
      EXPECT_EQ(err["field"], "limit");
    } else {
      EXPECT_FALSE(err.contains("field")) << r.body;
    }
  }
}

TEST(ErrorResponseTest, InternalErrorsDoNotLeakTheirMessage) {
  Response r =
      ErrorResponse(Status::Internal("sqlite: no such column users.secret_col"), "req-abc");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(HttpStatusFor(Status::Internal("x")), 500);
  auto body = ParseJsonObject(r.body);
  ASSERT_TRUE(body.ok()) << r.body;
  EXPECT_EQ((*body)["error"]["code"], "internal");
  EXPECT_EQ((*body)["error"]["status"], 500);
  EXPECT_THAT(r.body, Not(HasSubstr("secret_col")));
  EXPECT_THAT(r.body, Not(HasSubstr("sqlite")));
  EXPECT_THAT((*body)["error"]["message"].get<std::string>(), HasSubstr("req-abc"));
  EXPECT_EQ(r.GetHeader("Retry-After"), "");
}

TEST(ErrorResponseTest, OkMapsTo200) { EXPECT_EQ(HttpStatusFor(Status()), 200); }

TEST(ErrorResponseTest, HttpLayerErrorsShareTheShape) {
  Response r = ErrorResponse(413, "payload_too_large", "body over 1 MiB");
  EXPECT_EQ(r.status, 413);
  auto body = ParseJsonObject(r.body);
  ASSERT_TRUE(body.ok());
  EXPECT_EQ(
      *body,
      Json::parse(
          R"({"error":{"status":413,"code":"payload_too_large","message":"body over 1 MiB"}})"));
}

TEST(ErrorResponseTest, MessagesWithQuotesAndControlCharsStayValidJson) {
  Response r = ErrorResponse(Status::NotFound("no \"x\"\n\x01 here \xFF"), "id");
  auto body = ParseJsonObject(r.body);
  ASSERT_TRUE(body.ok()) << r.body;
  EXPECT_EQ((*body)["error"]["status"], 404);
}

}  // namespace
}  // namespace sonora::http

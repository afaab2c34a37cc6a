// Response builders and case-insensitive headers.
#include "http/response.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace sonora::http {
namespace {

TEST(ResponseTest, Builders) {
  Response j = Response::Json(201, Json{{"a", 1}});
  EXPECT_EQ(j.status, 201);
  EXPECT_EQ(j.content_type, "application/json");
  EXPECT_EQ(j.body, R"({"a":1})");

  Response n = Response::NoContent();
  EXPECT_EQ(n.status, 204);
  EXPECT_EQ(n.content_type, "");
  EXPECT_EQ(n.body, "");

  Response t = Response::Text(200, "text/plain; version=0.0.4", "x 1\n");
  EXPECT_EQ(t.content_type, "text/plain; version=0.0.4");
  EXPECT_EQ(t.body, "x 1\n");
}

TEST(ResponseTest, HeadersAreCaseInsensitiveAndReplaced) {
  Response r;
  r.SetHeader("Retry-After", "1");
  r.SetHeader("retry-after", "5");
  EXPECT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.GetHeader("RETRY-AFTER"), "5");
  EXPECT_EQ(r.GetHeader("Retry-Afte"), "");
  EXPECT_EQ(r.GetHeader("missing"), "");
  r.SetHeader("ETag", "\"abc\"");
  EXPECT_EQ(r.headers.size(), 2u);
  EXPECT_EQ(r.GetHeader("etag"), "\"abc\"");
}

}  // namespace
}  // namespace sonora::http

// Request target parsing and the shared query helpers.
#include "http/request.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "support/status_matchers.h"

namespace sonora::http {
namespace {

using ::sonora::testing::IsOk;
using ::sonora::testing::StatusIs;
using Pairs = std::vector<std::pair<std::string, std::string>>;

TEST(ParseTargetTest, Table) {
  struct Case {
    const char* target;
    const char* path;
    Pairs query;
  };
  const Case cases[] = {
      {"/api/v1/tracks", "/api/v1/tracks", {}},
      {"/", "/", {}},
      {"/p?", "/p", {}},
      {"/p?x=1", "/p", {{"x", "1"}}},
      {"/a%20b?x=1&y=two%20words&z=a+b", "/a b", {{"x", "1"}, {"y", "two words"}, {"z", "a b"}}},
      {"/p?flag", "/p", {{"flag", ""}}},
      {"/p?a=1&&b=2&", "/p", {{"a", "1"}, {"b", "2"}}},
      {"/p?a=1=2", "/p", {{"a", "1=2"}}},
      {"/p?a=1&a=2", "/p", {{"a", "1"}, {"a", "2"}}},
      {"/p?ids=a%2Cb", "/p", {{"ids", "a,b"}}},
      {"/p?k%20ey=v", "/p", {{"k ey", "v"}}},
      {"/p+q", "/p+q", {}},  // '+' is a space only in the query
      {"/%2e%2e/etc", "/../etc", {}},
      {"/caf%C3%A9", "/caf\xC3\xA9", {}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.target);
    Request req;
    ASSERT_THAT(req.ParseTarget(c.target), IsOk());
    EXPECT_EQ(req.path, c.path);
    EXPECT_EQ(req.query, c.query);
  }
}

TEST(ParseTargetTest, RejectsBadEscapesAndUtf8NamingThePart) {
  const std::pair<const char*, const char*> cases[] = {
      {"/p%", "path"},       {"/p%4", "path"},
      {"/p%zz", "path"},     {"/%ff", "path"},
      {"/%c0%af", "path"},   {"/p?a=%", "query"},
      {"/p?a=%4", "query"},  {"/p?%=1", "query"},
      {"/p?x=%ff", "query"}, {"/p?x=%ed%a0%80", "query"},
  };
  for (const auto& [target, field] : cases) {
    Request req;
    Status s = req.ParseTarget(target);
    EXPECT_THAT(s, StatusIs(Code::kInvalidArgument)) << target;
    EXPECT_EQ(s.field(), field) << target;
  }
}

TEST(ParseTargetTest, ReparsingReplacesTheQuery) {
  Request req;
  ASSERT_THAT(req.ParseTarget("/a?x=1"), IsOk());
  ASSERT_THAT(req.ParseTarget("/b?y=2"), IsOk());
  EXPECT_EQ(req.path, "/b");
  EXPECT_EQ(req.query, (Pairs{{"y", "2"}}));
}

TEST(RequestTest, Accessors) {
  Request req;
  req.headers = {{"authorization", "Bearer a"}, {"x-dup", "1"}, {"x-dup", "2"}};
  req.query = {{"limit", "5"}, {"limit", "6"}};
  req.path_params = {{"id", "track_1"}};
  EXPECT_EQ(req.Header("authorization"), std::optional<std::string_view>("Bearer a"));
  EXPECT_EQ(req.Header("x-dup"), std::optional<std::string_view>("1"));  // first wins
  EXPECT_EQ(req.Header("missing"), std::nullopt);
  EXPECT_EQ(req.QueryParam("limit"), std::optional<std::string_view>("5"));
  EXPECT_EQ(req.QueryParam("offset"), std::nullopt);
  EXPECT_EQ(req.PathParam("id"), "track_1");
  EXPECT_EQ(req.PathParam("nope"), "");
}

TEST(MethodTest, RoundTrips) {
  for (Method m : {Method::kGet, Method::kHead, Method::kPost, Method::kPut, Method::kPatch,
                   Method::kDelete, Method::kOptions}) {
    EXPECT_EQ(ParseMethod(MethodName(m)), m) << MethodName(m);
  }
  EXPECT_EQ(ParseMethod("get"), Method::kOther);  // methods are case-sensitive (RFC 9110)
  EXPECT_EQ(ParseMethod("TRACE"), Method::kOther);
  EXPECT_EQ(ParseMethod(""), Method::kOther);
}

Request WithQuery(const char* target) {
  Request req;
  Status s = req.ParseTarget(target);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return req;
}

TEST(ParsePageTest, Table) {
  struct Case {
    const char* target;
    Code code;
    int64_t limit, offset;
    const char* field;
  };
  const Case cases[] = {
      {"/p", Code::kOk, 20, 0, ""},
      {"/p?limit=1", Code::kOk, 1, 0, ""},
      {"/p?limit=50&offset=100", Code::kOk, 50, 100, ""},
      {"/p?offset=0", Code::kOk, 20, 0, ""},
      {"/p?limit=0", Code::kInvalidArgument, 0, 0, "limit"},
      {"/p?limit=51", Code::kInvalidArgument, 0, 0, "limit"},
      {"/p?limit=-1", Code::kInvalidArgument, 0, 0, "limit"},
      {"/p?limit=abc", Code::kInvalidArgument, 0, 0, "limit"},
      {"/p?limit=", Code::kInvalidArgument, 0, 0, "limit"},
      {"/p?limit=1.5", Code::kInvalidArgument, 0, 0, "limit"},
      {"/p?limit=99999999999999999999", Code::kInvalidArgument, 0, 0, "limit"},
      {"/p?offset=-1", Code::kInvalidArgument, 0, 0, "offset"},
      {"/p?offset=abc", Code::kInvalidArgument, 0, 0, "offset"},
      {"/p?limit=0&offset=-1", Code::kInvalidArgument, 0, 0, "limit"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.target);
    auto page = ParsePage(WithQuery(c.target));
    EXPECT_THAT(page, StatusIs(c.code));
    if (page.ok()) {
      EXPECT_EQ(page->limit, c.limit);
      EXPECT_EQ(page->offset, c.offset);
    } else {
      EXPECT_EQ(page.status().field(), c.field);
      EXPECT_THAT(std::string(page.status().message()), ::testing::HasSubstr(c.field));
    }
  }
  EXPECT_EQ(kDefaultPageLimit, 20);
  EXPECT_EQ(kMaxPageLimit, 50);
}

TEST(ParsePageTest, CustomMaximum) {
  auto page = ParsePage(WithQuery("/p?limit=100"), 100);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->limit, 100);
  EXPECT_THAT(ParsePage(WithQuery("/p?limit=101"), 100), StatusIs(Code::kInvalidArgument));
}

TEST(QueryIntTest, BoundsAndAbsence) {
  auto absent = QueryInt(WithQuery("/p"), "year", 1900, 2100);
  ASSERT_TRUE(absent.ok());
  EXPECT_EQ(*absent, std::nullopt);
  auto in = QueryInt(WithQuery("/p?year=1900"), "year", 1900, 2100);
  ASSERT_TRUE(in.ok());
  EXPECT_EQ(*in, std::optional<int64_t>(1900));
  auto out = QueryInt(WithQuery("/p?year=2101"), "year", 1900, 2100);
  EXPECT_THAT(out, StatusIs(Code::kInvalidArgument));
  EXPECT_EQ(out.status().field(), "year");
}

TEST(RequireKnownParamsTest, Table) {
  EXPECT_THAT(RequireKnownParams(WithQuery("/p"), {}), IsOk());
  EXPECT_THAT(RequireKnownParams(WithQuery("/p?limit=1&offset=2"), {"limit", "offset"}), IsOk());
  EXPECT_THAT(RequireKnownParams(WithQuery("/p?limit=1&limit=2"), {"limit"}), IsOk());
  const std::pair<const char*, const char*> bad[] = {
      {"/p?sort=name", "sort"},
      {"/p?limit=1&owner_id=x", "owner_id"},
      {"/p?LIMIT=1", "LIMIT"},  // names are exact
      {"/p?x", "x"},
  };
  for (const auto& [target, field] : bad) {
    Status s = RequireKnownParams(WithQuery(target), {"limit", "offset"});
    EXPECT_THAT(s, StatusIs(Code::kInvalidArgument)) << target;
    EXPECT_EQ(s.field(), field) << target;
  }
}

}  // namespace
}  // namespace sonora::http

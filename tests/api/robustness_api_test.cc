// Every route of docs/api/routes.md (which routes_test.cc keeps equal to the router's table),
// fed malformed input over a real socket: odd path segments (NUL, invalid UTF-8, traversal,
// CRLF, overlong, numeric extremes), bad query parameters, and bodies that are not JSON, the
// wrong JSON type, deeply nested, or that carry NUL characters, lone surrogates, numbers past
// every integer range and fields of the wrong type. Each answer must be a 2xx or a 4xx with the
// JSON error of PRODUCT.md §2, never a 5xx, a dropped connection or a hang, and the server must
// be alive at the end. Every route also refuses a query parameter it does not read with a 400
// naming it, every route that needs a token answers 401 without one, and every admin route 403
// to a listener, checked live rather than in the route table. Both backends:
// PostgreSQL refuses NUL in text, for one, where SQLite stores it. The failures are listed together
// so one run shows them all.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "api/api_fixture.h"
#include "store/database.h"

namespace sonora::testing {
namespace {

struct RouteRow {
  std::string method;
  std::string pattern;
  std::string auth;  // public, user or admin
};

// The table rows of docs/api/routes.md: "| GET | `/path/{param}` | `action` | auth |".
std::vector<RouteRow> ReadRoutes() {
  std::ifstream in(std::string(SONORA_SOURCE_DIR) + "/docs/api/routes.md");
  std::vector<RouteRow> routes;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.starts_with("| ") || line.find('`') == std::string::npos) continue;
    std::vector<std::string> cells;
    std::stringstream ss(line.substr(1));
    std::string cell;
    while (std::getline(ss, cell, '|')) {
      const size_t b = cell.find_first_not_of(" `");
      const size_t e = cell.find_last_not_of(" `");
      cells.push_back(b == std::string::npos ? "" : cell.substr(b, e - b + 1));
    }
    if (cells.size() >= 4) routes.push_back({cells[0], cells[1], cells[3]});
  }
  return routes;
}

// Path segments no route should trip over; each is already percent-encoded where it must be.
std::vector<std::string> OddSegments() {
  return {"x",
          "%00",
          "%FF%FE",
          "..%2F..%2Fetc%2Fpasswd",
          "..",
          std::string(600, 'a'),
          "-1",
          "99999999999999999999",
          "%F0%9F%8E%B5",
          "a%0D%0AX-Injected:%201",
          "%25",
          "%"};
}

std::vector<std::string> OddQueries() {
  return {"?limit=-1",
          "?limit=abc&offset=-5",
          "?limit=99999999999999999999999&offset=99999999999999999999999",
          "?offset=1e309&limit=0",
          "?ids=",
          "?ids=,,,%00,%FF",
          "?ids=" + std::string(5000, 'x'),
          "?q=%00%FF&type=bogus",
          "?q=" + std::string(2000, 'q') + "&type=track,album,%FF",
          "?q=&type=&market=%00",
          "?market=zz&country=%FF&locale=%00",
          "?seed_tracks=x,y&seed_artists=..&seed_genres=%00",
          "?after=x&before=-1&since=abc&cursor=%00",
          "?time_range=bogus&include_groups=%FF",
          "?%%%=&&==&limit=1&limit=2",
          "?quality=9999kbps&context=%00"};
}

std::vector<std::string> OddBodies() {
  return {
      "",
      "{",
      "[]",
      "null",
      "\"text\"",
      "123",
      std::string(5000, '[') + std::string(5000, ']'),
      R"({"name":"a\u0000b","description":"\u0000","username":"\u0000","password":"\u0000",
          "email":"a\u0000@b.c","track_id":"\u0000","device_id":"\u0000","country":"\u0000"})",
      R"({"name":"\ud800","description":"\udfff","track_id":"\ud800","device_id":"\ud800"})",
      R"({"name":{},"description":[],"public":"yes","collaborative":3,"track_ids":"x",
          "uris":{},"ids":5,"range_start":"a","insert_before":[],"range_length":{},
          "snapshot_id":[],"position_ms":"x","track_id":7,"events":{},"quality":[],
          "context":"x","device_id":{},"tier":5,"subscription_tier":[],"username":[],
          "password":{},"email":1,"refresh_token":2,"country":{},"is_playing":"no",
          "progress_ms":"x","timestamp":"x","shuffle":4,"repeat":[]})",
      R"({"range_start":-1,"insert_before":99999999999999999999,"range_length":-5,
          "position_ms":-1,"progress_ms":1e400,"timestamp":-1e400,"ids":[],"track_ids":[],
          "uris":[],"events":[],"tier":"platinum","subscription_tier":"platinum",
          "context":{"uri":"sonora:album:x","position":99999999999},
          "quality":"9999kbps","snapshot_id":""})",
      R"({"events":[{},null,1,{"event_id":null,"event_type":{},"type":[],"track_id":[],
          "timestamp":"x","position_ms":1e400,"duration_ms":-1,"playback_session_id":7}],
          "ids":["",null,1,"%00"],"track_ids":["\u0000",{}],"uris":["sonora:track:",""],
          "context":{"type":[],"id":{},"uri":"sonora:playlist:\u0000","position":-1},
          "track_id":"nope","quality":null})",
      "{\"name\":\"" + std::string(200000, 'n') + "\"}",
  };
}

bool IsBodyMethod(const std::string& method) {
  return method == "POST" || method == "PUT" || method == "DELETE" || method == "PATCH";
}

class RobustnessApiTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    std::vector<std::string> args = {"catalog", "generate", "--tracks", "12"};
    for (const auto& a : StorageArgs()) args.push_back(a);
    CommandResult r = RunSonora(args, {}, std::chrono::seconds(30));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    WithDatabase([&](store::Database& db) {
      auto first = [&](const char* sql) {
        auto rows = db.Query(sql);
        EXPECT_TRUE(rows.ok() && !rows->rows.empty()) << sql;
        return rows.ok() && !rows->rows.empty() ? rows->rows[0].GetString(0) : std::string("x");
      };
      track_ = first("SELECT track_id FROM tracks ORDER BY track_id");
      album_ = first("SELECT album_id FROM albums ORDER BY album_id");
      artist_ = first("SELECT artist_id FROM artists ORDER BY artist_id");
    });
    CreateUserWithCli("sweeper", false, "premium");
    CreateUserWithCli("boss", true);
    ASSERT_NO_FATAL_FAILURE(StartServer({{"SONORA_RATE_LIMIT_API_PER_SECOND", "0"}}));
    Json other = Register("other");
    ASSERT_TRUE(other.is_object());
    other_user_ = other["user"]["user_id"];
    Json user = Login("sweeper");
    Json admin = Login("boss");
    ASSERT_TRUE(user.is_object() && admin.is_object());
    user_token_ = user["access_token"];
    admin_token_ = admin["access_token"];
  }

  // A playlist of the sweeper's own, made fresh for each route so that a route that deletes
  // or rewrites one leaves the next route a real one to work on.
  std::string FreshPlaylist() {
    HttpResponse r =
        client().Post("/api/v1/playlists", Json{{"name", "sweep"}}, Bearer(user_token_));
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? r.json()["playlist_id"].get<std::string>() : std::string("x");
  }

  // The pattern with every {param} replaced: by `segment` when given, else by a real id of the
  // right kind (what the route's prefix names), so that a body or query reaches the handler.
  std::string Fill(const std::string& pattern, const std::string* segment,
                   const std::string& playlist) const {
    std::string out;
    size_t i = 0;
    while (i < pattern.size()) {
      if (pattern[i] != '{') {
        out.push_back(pattern[i++]);
        continue;
      }
      const size_t end = pattern.find('}', i);
      const std::string name = pattern.substr(i + 1, end - i - 1);
      i = end + 1;
      if (segment) {
        out += *segment;
      } else if (name == "user_id") {
        out += other_user_;
      } else if (name == "artist_id") {
        out += artist_;
      } else if (name == "track_id") {
        out += track_;
      } else if (pattern.starts_with("/api/v1/playlists/")) {
        out += playlist;
      } else if (pattern.starts_with("/api/v1/albums/")) {
        out += album_;
      } else if (pattern.starts_with("/api/v1/artists/")) {
        out += artist_;
      } else if (pattern.starts_with("/api/v1/tracks/")) {
        out += track_;
      } else {
        out += "x";
      }
    }
    return out;
  }

  // Sends one request and records what breaks the contract. False when the server stopped
  // answering (the rest of the sweep would only repeat that).
  bool Probe(const RouteRow& route, const std::string& target, const std::string& body) {
    HeaderList headers;
    if (route.auth != "public") {
      headers = Bearer(route.auth == "admin" ? admin_token_ : user_token_);
    }
    const std::string shown_body = body.size() > 120 ? body.substr(0, 120) + "..." : body;
    const std::string shown_target = target.size() > 160 ? target.substr(0, 160) + "..." : target;
    HttpResponse r = client().Send(route.method, target, body, headers);
    ++probes_;
    auto fail = [&](const std::string& why) {
      failures_.push_back(route.method + " " + shown_target + " body=" + shown_body + ": " + why);
    };
    if (r.status == 0) {
      fail("no response (" + client().last_error() + ")");
      return false;
    }
    if (r.status >= 500) {
      fail(std::to_string(r.status) + " " + r.body.substr(0, 300));
    } else if (r.status >= 400) {
      Json j = Json::parse(r.body, nullptr, false);
      const bool shaped = j.is_object() && j.contains("error") && j["error"].is_object() &&
                          j["error"].value("status", 0) == r.status &&
                          j["error"].contains("code") && j["error"]["code"].is_string();
      if (!shaped)
        fail(std::to_string(r.status) + " without the JSON error: " + r.body.substr(0, 300));
    } else if (r.status < 200) {
      fail("status " + std::to_string(r.status));
    }
    return true;
  }

  // The route, filled with real ids: with a query parameter it does not read (400 naming it,
  // before the handler: SECURITY.md), without a token (401) and, for admin routes, with a
  // listener's token (403).
  void ProbeAccess(const RouteRow& route) {
    const std::string target = Fill(route.pattern, nullptr, FreshPlaylist());
    const std::string body = IsBodyMethod(route.method) ? "{}" : "";
    HeaderList headers;
    if (route.auth != "public") {
      headers = Bearer(route.auth == "admin" ? admin_token_ : user_token_);
    }
    HttpResponse unknown = client().Send(route.method, target + "?sweep_unknown=1", body, headers);
    ++probes_;
    const Json error = Json::parse(unknown.body, nullptr, false);
    if (unknown.status != 400 || !error.is_object() ||
        error.value("/error/field"_json_pointer, std::string()) != "sweep_unknown") {
      failures_.push_back(route.method + " " + target +
                          "?sweep_unknown=1: " + std::to_string(unknown.status) + " " +
                          unknown.body.substr(0, 200) + ", not a 400 naming the parameter");
    }
    if (route.auth == "public") return;
    HttpResponse anonymous = client().Send(route.method, target, body);
    ++probes_;
    if (anonymous.status != 401) {
      failures_.push_back(route.method + " " + target +
                          " without a token: " + std::to_string(anonymous.status) + ", not 401");
    }
    if (route.auth != "admin") return;
    HttpResponse listener = client().Send(route.method, target, body, Bearer(user_token_));
    ++probes_;
    if (listener.status != 403) {
      failures_.push_back(route.method + " " + target + " with a listener's token: " +
                          std::to_string(listener.status) + ", not 403");
    }
  }

  // Every route; logout, which ends the sweeper's session, last. Stops early when the server
  // stops answering or a route other than logout left a token unusable.
  void Sweep(const std::vector<RouteRow>& routes) {
    auto is_logout = [](const RouteRow& r) { return r.pattern == "/api/v1/auth/logout"; };
    std::vector<const RouteRow*> ordered;
    for (const RouteRow& r : routes) {
      if (!is_logout(r)) ordered.push_back(&r);
    }
    for (const RouteRow& r : routes) {
      if (is_logout(r)) ordered.push_back(&r);
    }
    for (const RouteRow* route : ordered) {
      if (!is_logout(*route)) {
        for (const std::string* token : {&user_token_, &admin_token_}) {
          if (client().Get("/api/v1/me", Bearer(*token)).status != 200) {
            failures_.push_back("a token stopped working before " + route->method + " " +
                                route->pattern);
            return;
          }
        }
      }
      ProbeAccess(*route);
      // Odd path segments, with no body and no query.
      if (route->pattern.find('{') != std::string::npos) {
        for (const std::string& segment : OddSegments()) {
          if (!Probe(*route, Fill(route->pattern, &segment, ""), "")) return;
        }
      }
      // Odd queries and bodies against real resources.
      const std::string target = Fill(route->pattern, nullptr, FreshPlaylist());
      for (const std::string& query : OddQueries()) {
        if (!Probe(*route, target + query, "")) return;
      }
      if (IsBodyMethod(route->method)) {
        for (const std::string& body : OddBodies()) {
          if (!Probe(*route, target, body)) return;
        }
      }
    }
  }

  std::string track_, album_, artist_, other_user_;
  std::string user_token_, admin_token_;
  std::vector<std::string> failures_;
  int probes_ = 0;
};

TEST_P(RobustnessApiTest, EveryRouteAnswersMalformedInputWithA4xxJsonErrorNeverA5xx) {
  const std::vector<RouteRow> routes = ReadRoutes();
  ASSERT_GT(routes.size(), 50u) << "docs/api/routes.md not found or not parsed";
  Sweep(routes);
  EXPECT_EQ(client().Get("/healthz").status, 200) << "the server did not survive the sweep";
  std::string report;
  for (const auto& f : failures_) report += "  " + f + "\n";
  EXPECT_TRUE(failures_.empty()) << failures_.size() << " of " << probes_
                                 << " requests broke the contract:\n"
                                 << report;
  EXPECT_GT(probes_, 1000);
}

INSTANTIATE_TEST_SUITE_P(Backends, RobustnessApiTest, ::testing::ValuesIn(AllBackends()),
                         ParamName);

}  // namespace
}  // namespace sonora::testing

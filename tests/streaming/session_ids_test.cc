// Self-describing playback session ids: what an id claims comes back only for the user it was
// issued to, a changed byte anywhere voids it, and the track binding holds.
#include "streaming/session_ids.h"

#include <gtest/gtest.h>

#include <set>

#include "core/strings.h"

namespace sonora::streaming {
namespace {

const std::string kSecret(32, 's');
constexpr int64_t kCreated = 1762948800123;

TEST(SessionIdsTest, OpensForItsUserWithItsClaims) {
  SessionIds ids(kSecret);
  for (bool encrypted : {false, true}) {
    for (const char* quality : {"96kbps", "160kbps", "320kbps", "lossless", ""}) {
      const std::string id = ids.Issue("user_a", "track_x", {kCreated, encrypted, quality});
      EXPECT_TRUE(id.starts_with("play_")) << id;
      EXPECT_LE(id.size(), 64u) << "ids stay within the well-formed id length";
      auto claims = ids.Open(id, "user_a");
      ASSERT_TRUE(claims.has_value()) << id;
      EXPECT_EQ(claims->created_at_ms, kCreated);
      EXPECT_EQ(claims->encrypted, encrypted);
      EXPECT_EQ(claims->quality, quality);
      auto peeked = SessionIds::Peek(id);
      ASSERT_TRUE(peeked.has_value());
      EXPECT_EQ(peeked->created_at_ms, kCreated);
      EXPECT_EQ(peeked->encrypted, encrypted);
      EXPECT_EQ(peeked->quality, quality);
      EXPECT_TRUE(ids.IsFor(id, "track_x"));
      EXPECT_FALSE(ids.IsFor(id, "track_y"));
    }
  }
}

TEST(SessionIdsTest, AnotherUserOrAnotherSecretCannotOpenIt) {
  SessionIds ids(kSecret);
  const std::string id = ids.Issue("user_a", "track_x", {kCreated, true, "320kbps"});
  EXPECT_FALSE(ids.Open(id, "user_b").has_value());
  EXPECT_FALSE(ids.Open(id, "user_a ").has_value());
  EXPECT_FALSE(ids.Open(id, "").has_value());
  SessionIds other(std::string(32, 't'));
  EXPECT_FALSE(other.Open(id, "user_a").has_value());
}

TEST(SessionIdsTest, AnyChangedByteVoidsIt) {
  SessionIds ids(kSecret);
  const std::string id = ids.Issue("user_a", "track_x", {kCreated, false, "160kbps"});
  auto raw = Base64UrlDecode(std::string_view(id).substr(5));
  ASSERT_TRUE(raw.has_value());
  for (size_t i = 0; i < raw->size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string changed = *raw;
      changed[i] = static_cast<char>(changed[i] ^ (1 << bit));
      EXPECT_FALSE(ids.Open("play_" + Base64UrlEncode(changed), "user_a").has_value())
          << "byte " << i << " bit " << bit;
    }
  }
}

TEST(SessionIdsTest, MalformedIdsAreRefused) {
  SessionIds ids(kSecret);
  const std::string good = ids.Issue("user_a", "track_x", {kCreated, false, "160kbps"});
  const std::string body = good.substr(5);
  for (const std::string& bad :
       {std::string(), std::string("play_"), "sess_" + body, "play_" + body.substr(1),
        "play_" + body + "A", "play_" + body.substr(0, body.size() - 1) + "!",
        std::string("play_doesnotexist000000000"), "play_" + std::string(43, 'A')}) {
    EXPECT_FALSE(ids.Open(bad, "user_a").has_value()) << bad;
    EXPECT_FALSE(ids.IsFor(bad, "track_x")) << bad;
    EXPECT_FALSE(SessionIds::Peek(bad).has_value()) << bad;
  }
  // The version byte is checked: a well-formed body of another version is not an id.
  auto raw = Base64UrlDecode(body);
  ASSERT_TRUE(raw.has_value());
  (*raw)[0] = 2;
  EXPECT_FALSE(SessionIds::Peek("play_" + Base64UrlEncode(*raw)).has_value());
}

TEST(SessionIdsTest, EveryIssueIsANewId) {
  SessionIds ids(kSecret);
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    EXPECT_TRUE(seen.insert(ids.Issue("user_a", "track_x", {kCreated, false, "96kbps"})).second);
  }
}

}  // namespace
}  // namespace sonora::streaming

// One listener's own evidence, as the recommenders read it: what they heard in a window (and
// how many of those listens counted as plays), their Liked Songs, the artists they follow.
// The one place recommend/ reads listens, saved_tracks and artist_follows per user.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/database.h"

namespace sonora::recommend {

struct HeardTrack {
  std::string track_id;
  int64_t counted = 0;  // listens that counted as plays (30 s or completed); 0: only skips
};

class UserSignals {
 public:
  explicit UserSignals(store::Database& db) : db_(db) {}

  // Every track with a listen starting at or after `since_ms`, most counted plays first (then
  // by id), counted or not.
  Result<std::vector<HeardTrack>> HeardSince(const std::string& user_id, int64_t since_ms);
  // Liked Songs, newest first.
  Result<std::vector<std::string>> Liked(const std::string& user_id);
  Result<std::vector<std::string>> FollowedArtists(const std::string& user_id);

 private:
  store::Database& db_;
};

}  // namespace sonora::recommend

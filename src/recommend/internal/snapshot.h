// The immutable snapshot RecommendationService ranks over, shared by the files that implement
// its endpoints (recommendation_service.cc, daily_mix.cc, release_radar.cc). Internal to the
// module: callers outside src/recommend never see it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "recommend/cf_model.h"
#include "recommend/interactions.h"
#include "recommend/recommendation_service.h"
#include "recommend/vector_index.h"

namespace sonora::recommend {

// FileMtime of a missing file. (file_clock's epoch is not 1970: real times can be negative.)
inline constexpr int64_t kNoFile = INT64_MIN;

// Everything a request ranks over, indexed by a dense track number t in [0, tracks).
struct RecommendationService::Snapshot {
  int64_t built_ms = 0;
  int64_t factor_mtime = kNoFile;

  std::vector<std::string> track_ids, titles;
  std::unordered_map<std::string, int32_t> track_index;
  std::vector<std::vector<int32_t>> track_artists;  // artist numbers, primary first
  std::vector<std::vector<int32_t>> track_genres;   // genre numbers (track ∪ album genres)
  std::vector<std::string> primary_genre;
  std::vector<int> popularity;
  std::vector<int64_t> release_ms;
  std::vector<int32_t> track_album;  // album number, into album_ids
  std::vector<std::string> album_ids;
  std::vector<int32_t> by_popularity;              // all tracks, most popular first
  std::vector<std::vector<int32_t>> genre_tracks;  // genre -> its tracks, most popular first

  std::unordered_map<std::string, int32_t> artist_index;
  std::vector<std::vector<int32_t>> artist_tracks;  // by popularity, most popular first
  std::vector<std::string> artist_ids;              // artist number -> id
  std::unordered_map<std::string, int32_t> genre_index;
  std::vector<std::string> genre_names;  // genre number -> name

  // Listening: the matrix and its item <-> track maps.
  InteractionMatrix matrix;
  IdMap users;
  std::vector<int32_t> track_item;        // track -> matrix item, -1 when never played
  std::vector<int32_t> item_track;        // matrix item -> track, -1 when no longer in the catalog
  std::vector<int32_t> listeners;         // matrix item -> users with positive evidence
  std::vector<int32_t> artist_listeners;  // artist -> users with a positive play of any track

  // ALS factors, when a factor file exists and names its rows.
  bool has_model = false;
  FactorModel model;
  std::unordered_map<std::string, int32_t> model_users;
  std::vector<int32_t> track_model_item;  // -1 when the model has no row for the track

  // Unit-length audio-feature vectors; has_audio[t] says whether t has one.
  std::vector<float> audio;
  std::vector<uint8_t> has_audio;

  // Markets as masks, one byte per track (1: playable there), so eligibility is a copy and not
  // a string search per track. A track without a market list plays everywhere: a market no
  // track names gets `unrestricted` (those tracks), the empty market (no filter) `everywhere`.
  std::unordered_map<std::string, std::vector<uint8_t>> market_playable;
  std::vector<uint8_t> unrestricted, everywhere;
  const std::vector<uint8_t>& PlayableIn(const std::string& market) const {
    if (market.empty()) return everywhere;
    auto it = market_playable.find(market);
    return it == market_playable.end() ? unrestricted : it->second;
  }

  // Candidate generation by nearest neighbours (catalogs of at least
  // RecommendationOptions::ann_min_tracks tracks; `ann` false: every track is scored).
  // factor_index holds the model's item factors (row = model item, inner product) and
  // audio_index the audio vectors of the tracks that have one (row -> audio_track, cosine).
  // Either is null when there is nothing to index. Shared with the previous snapshot when
  // their input did not change (same factor file, same audio vectors).
  bool ann = false;
  std::shared_ptr<const VectorIndex> factor_index;
  std::vector<int32_t> model_item_track;  // model item -> track, -1 when not in the catalog
  std::shared_ptr<const VectorIndex> audio_index;
  std::vector<int32_t> audio_track;  // audio_index row -> track
};

}  // namespace sonora::recommend

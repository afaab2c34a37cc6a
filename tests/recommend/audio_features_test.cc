// Audio-feature vectors on both backends: standardized per dimension, unreadable rows skipped
// and counted, and a cosine index over them finds the track that sounds alike.
#include "recommend/audio_features.h"

#include <cmath>
#include <string>

#include "recommend/vector_index.h"
#include "support/status_matchers.h"
#include "support/test_database.h"

namespace sonora::recommend {
namespace {

using testing::Backend;
using testing::IsOk;

class AudioFeaturesTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    SONORA_OPEN_TEST_DB(tdb_, GetParam());
    Exec("INSERT INTO artists (artist_id, name, created_at_ms) VALUES ('ar', 'A', 0)");
    Exec(
        "INSERT INTO albums (album_id, title, artist_id, created_at_ms) VALUES ('al', 'L', 'ar', "
        "0)");
  }
  void Exec(std::string_view sql, const store::Params& params = {}) {
    ASSERT_THAT(tdb_->db().Execute(sql, params), IsOk()) << sql;
  }
  // A track whose features are all driven by one "character" value, plus a key.
  void Track(const std::string& id, double character, int key, const std::string& mfcc,
             const std::string& chroma) {
    Exec(
        "INSERT INTO tracks (track_id, title, album_id, duration_ms, created_at_ms)"
        " VALUES (?, ?, 'al', 180000, 0)",
        {id, id});
    Exec(
        "INSERT INTO audio_features (track_id, tempo, tempo_ambiguous, musical_key, mode,"
        " key_confidence, time_signature, loudness, energy, danceability, valence,"
        " acousticness, instrumentalness, speechiness, liveness, spectral_centroid,"
        " spectral_rolloff, mfcc, chroma)"
        " VALUES (?, ?, 0, ?, 1, 0.5, 4, ?, ?, ?, ?, ?, 0.1, 0.05, 0.1, ?, ?, ?, ?)",
        {id, 80 + 80 * character, key, -20 + 12 * character, character, character,
         0.3 + 0.4 * character, 1 - character, 1000 + 3000 * character, 2000 + 6000 * character,
         mfcc, chroma});
  }
  std::unique_ptr<testing::TestDatabase> tdb_;
};

std::string List(int n, double base) {
  std::string s;
  for (int k = 0; k < n; ++k) s += (k ? "," : "") + std::to_string(base + 0.1 * k);
  return s;
}

TEST_P(AudioFeaturesTest, StandardizesSkipsJunkAndFindsTheLookalike) {
  Track("t1", 0.90, 0, List(13, 1.0), List(12, 0.5));
  Track("t2", 0.85, 11, List(13, 1.1), List(12, 0.5));  // key B sits next to C on the circle
  Track("t3", 0.10, 6, List(13, -2.0), List(12, 0.1));
  Track("t4", 0.20, 5, List(13, -1.5), List(12, 0.2));
  Track("t5", 0.50, 2, "1,2,3", List(12, 0.2));  // too few MFCCs
  Track("t6", 0.50, 2, List(13, 0.0), List(12, 0.2) + ",x");

  auto v = LoadAudioFeatureVectors(tdb_->db());
  ASSERT_THAT(v, IsOk());
  EXPECT_EQ(v->skipped, 2);
  ASSERT_EQ(v->track_ids, (std::vector<std::string>{"t1", "t2", "t3", "t4"}));
  ASSERT_EQ(v->values.size(), 4u * kAudioFeatureDim);
  for (int d = 0; d < kAudioFeatureDim; ++d) {
    double sum = 0, sq = 0;
    for (int t = 0; t < 4; ++t) {
      sum += v->values[t * kAudioFeatureDim + d];
      sq += v->values[t * kAudioFeatureDim + d] * v->values[t * kAudioFeatureDim + d];
    }
    EXPECT_NEAR(sum, 0.0, 1e-4) << "dimension " << d;
    // Standardized dimensions have variance 1; constant ones (here: mode) are all 0.
    EXPECT_TRUE(std::abs(sq / 4 - 1.0) < 1e-3 || sq < 1e-9) << "dimension " << d;
  }

  auto index = VectorIndex::Build(v->values, 4, kAudioFeatureDim, {.metric = Metric::kCosine});
  ASSERT_THAT(index, IsOk());
  std::vector<int64_t> self = {0};
  auto found =
      (*index)->Search(std::span<const float>(v->values.data(), kAudioFeatureDim), 1, self);
  ASSERT_THAT(found, IsOk());
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ(v->track_ids[(*found)[0].id], "t2");
  self = {2};
  found = (*index)->Search(
      std::span<const float>(v->values.data() + 2 * kAudioFeatureDim, kAudioFeatureDim), 1, self);
  ASSERT_THAT(found, IsOk());
  EXPECT_EQ(v->track_ids[(*found)[0].id], "t4");
}

TEST_P(AudioFeaturesTest, NoAnalysedTracksIsEmpty) {
  auto v = LoadAudioFeatureVectors(tdb_->db());
  ASSERT_THAT(v, IsOk());
  EXPECT_TRUE(v->track_ids.empty());
  EXPECT_TRUE(v->values.empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, AudioFeaturesTest, ::testing::ValuesIn(testing::AllBackends()),
                         testing::BackendParamName());

}  // namespace
}  // namespace sonora::recommend

// Candidate generation by nearest neighbours (RecommendationService on the ANN path), on both
// backends, over a planted catalog: 6 genres x 10 artists x 40 tracks, each genre with its own
// sound (audio features) and taste direction (ALS factors written as a factor file), listeners
// who stay in their genre, and markets that leave SE 65% and FI 10% of the catalog. The same
// database is ranked twice: by a service on the exact path (every track scored) and by one
// whose ANN threshold the catalog passes, with HNSW graphs for both indexes. The ANN lists must
// recall at least 90% of the exact ones and keep every rule: the market, the exclusions, the
// artist cap, and a full list for a listener with no history.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "recommend/cf_model.h"
#include "recommend/discover_weekly.h"
#include "recommend/recommendation_service.h"
#include "recommend_db_fixture.h"
#include "support/status_matchers.h"

namespace sonora::recommend {
namespace {

using testing::Backend;
using testing::IsOk;

constexpr int kGenres = 6;
constexpr int kArtistsPerGenre = 10;
constexpr int kTracksPerArtist = 40;
constexpr int kUsersPerGenre = 8;
constexpr int kListensPerUser = 20;
constexpr int kFactors = 16;
constexpr int64_t kAnnFrom = 1000;  // the ANN service's threshold: the catalog has 2,400 tracks

std::string TrackId(int g, int a, int j) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "t%d_%02d_%02d", g, a, j);
  return buf;
}
std::string ArtistId(int g, int a) { return "ar" + std::to_string(g) + "_" + std::to_string(a); }
std::string UserId(int g, int i) { return "u" + std::to_string(g) + "_" + std::to_string(i); }
std::string Genre(int g) { return "genre" + std::to_string(g); }

// The markets of track j of an artist: NO everywhere it is listed; SE for 65%, FI for 10%
// (half of those through an empty list, which plays everywhere).
std::string Markets(int j) {
  const int k = j % 10;
  if (k <= 2) return "NO";
  if (k <= 8) return "SE,NO";
  return j % 20 == 9 ? "" : "FI,SE,NO";
}
bool PlayableIn(int j, const std::string& market) {
  const std::string m = Markets(j);
  if (m.empty()) return true;
  return m.find(market) != std::string::npos;
}

std::string Numbers(const std::vector<double>& v) {
  std::string out;
  for (double x : v) {
    if (!out.empty()) out += ",";
    out += std::to_string(x);
  }
  return out;
}

class AnnCandidatesTest : public RecommendDbTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(OpenDatabase());
    std::mt19937 rng(11);
    std::normal_distribution<double> noise(0.0, 1.0);
    std::uniform_int_distribution<int> pop(0, 100);
    // Per genre: a sound (MFCC and chroma patterns, tempo, energy) and a taste direction.
    std::vector<std::vector<double>> mfcc(kGenres), chroma(kGenres), taste(kGenres);
    for (int g = 0; g < kGenres; ++g) {
      for (int d = 0; d < 13; ++d) mfcc[g].push_back(3 * noise(rng));
      for (int d = 0; d < 12; ++d) chroma[g].push_back(0.5 + 0.2 * noise(rng));
      for (int d = 0; d < kFactors; ++d) taste[g].push_back(noise(rng) / 2);
    }
    FactorModel model;
    model.factors = kFactors;
    ASSERT_THAT(tdb_->db().Transact([&](store::Session& tx) -> Status {
      auto exec = [&tx](std::string_view sql, const store::Params& params) {
        return tx.Query(sql, params).status();
      };
      for (int g = 0; g < kGenres; ++g) {
        for (int a = 0; a < kArtistsPerGenre; ++a) {
          const std::string artist = ArtistId(g, a), album = "al" + artist.substr(2);
          SONORA_RETURN_IF_ERROR(exec(
              "INSERT INTO artists (artist_id, name, genres, created_at_ms) VALUES (?, ?, ?, 0)",
              {artist, artist, Genre(g)}));
          SONORA_RETURN_IF_ERROR(
              exec("INSERT INTO albums (album_id, title, artist_id, genres, release_date,"
                   " created_at_ms) VALUES (?, ?, ?, ?, '2020-01-01', 0)",
                   {album, album, artist, Genre(g)}));
          std::vector<double> offset;  // the artist's own corner of the genre
          for (int d = 0; d < kFactors; ++d) offset.push_back(0.15 * noise(rng));
          for (int j = 0; j < kTracksPerArtist; ++j) {
            const std::string id = TrackId(g, a, j);
            tracks_.push_back(id);
            SONORA_RETURN_IF_ERROR(
                exec("INSERT INTO tracks (track_id, title, album_id, duration_ms, popularity,"
                     " available_countries, created_at_ms) VALUES (?, ?, ?, 180000, ?, ?, 0)",
                     {id, "Title " + id, album, pop(rng), Markets(j)}));
            SONORA_RETURN_IF_ERROR(
                exec("INSERT INTO track_artists (track_id, artist_id, position) VALUES (?, ?, 0)",
                     {id, artist}));
            std::vector<double> m = mfcc[g], c = chroma[g];
            for (double& x : m) x += 0.8 * noise(rng);
            for (double& x : c) x += 0.08 * noise(rng);
            SONORA_RETURN_IF_ERROR(exec(
                "INSERT INTO audio_features (track_id, tempo, tempo_ambiguous, musical_key, mode,"
                " key_confidence, time_signature, loudness, energy, danceability, valence,"
                " acousticness, instrumentalness, speechiness, liveness, spectral_centroid,"
                " spectral_rolloff, mfcc, chroma)"
                " VALUES (?, ?, 0, ?, ?, 0.5, 4, ?, ?, ?, ?, ?, 0.1, 0.05, 0.1, ?, ?, ?, ?)",
                {id, 70 + 15 * g + 5 * noise(rng), (2 * g) % 12, g % 2, -25 + 3 * g + noise(rng),
                 0.1 + 0.15 * g + 0.05 * noise(rng), 0.8 - 0.1 * g + 0.05 * noise(rng),
                 0.5 + 0.05 * noise(rng), 0.9 - 0.15 * g + 0.05 * noise(rng),
                 1000 + 500 * g + 100 * noise(rng), 3000 + 900 * g + 200 * noise(rng), Numbers(m),
                 Numbers(c)}));
            model.item_ids.push_back(id);
            for (int d = 0; d < kFactors; ++d) {
              model.item_factors.push_back(
                  static_cast<float>(taste[g][d] + offset[d] + 0.1 * noise(rng)));
            }
          }
        }
      }
      // Listeners: each plays kListensPerUser tracks of two of their genre's artists and likes
      // one more.
      int session = 0;
      for (int g = 0; g < kGenres; ++g) {
        for (int i = 0; i < kUsersPerGenre; ++i) {
          const std::string u = UserId(g, i);
          SONORA_RETURN_IF_ERROR(
              exec("INSERT INTO users (user_id, email, email_lower, username, username_lower,"
                   " display_name, country, password_hash, created_at_ms)"
                   " VALUES (?, ?, ?, ?, ?, ?, 'SE', 'x', 0)",
                   {u, u + "@x", u + "@x", u, u, u}));
          std::set<std::string> played;
          for (int k = 0; k < kListensPerUser; ++k) {
            const int a = (i + k % 2) % kArtistsPerGenre;
            const std::string t = TrackId(g, a, static_cast<int>(rng() % kTracksPerArtist));
            played.insert(t);
            SONORA_RETURN_IF_ERROR(
                exec("INSERT INTO listens (session_id, user_id, track_id, started_at_ms,"
                     " last_event_at_ms, duration_played_ms, completed, skipped, counted)"
                     " VALUES (?, ?, ?, ?, ?, 60000, 1, 0, 1)",
                     {"planted" + std::to_string(++session), u, t, kNowMs - 86'400'000,
                      kNowMs - 86'400'000}));
          }
          const std::string liked = TrackId(g, (i + 2) % kArtistsPerGenre, i);
          SONORA_RETURN_IF_ERROR(
              exec("INSERT INTO saved_tracks (user_id, track_id, added_at_ms) VALUES (?, ?, 0)",
                   {u, liked}));
          heard_[u] = played;
          heard_[u].insert(liked);
          model.user_ids.push_back(u);
          for (int d = 0; d < kFactors; ++d)
            model.user_factors.push_back(static_cast<float>(taste[g][d] + 0.1 * noise(rng)));
        }
      }
      return Status();
    }),
                IsOk());
    model.items = static_cast<int32_t>(model.item_ids.size());
    model.users = static_cast<int32_t>(model.user_ids.size());
    ASSERT_THAT(SaveFactorModel(model, FactorModelPath(dir_.path())), IsOk());

    exact_ = std::make_unique<RecommendationService>(
        tdb_->db(), *repo_, *clock_, dir_.path(),
        RecommendationOptions{.ann_min_tracks = int64_t{1} << 40});
    ann_ =
        std::make_unique<RecommendationService>(tdb_->db(), *repo_, *clock_, dir_.path(),
                                                RecommendationOptions{.ann_min_tracks = kAnnFrom});
    auto exact_source = exact_->Candidates();
    ASSERT_THAT(exact_source, IsOk());
    EXPECT_FALSE(exact_source->ann);
    auto source = ann_->Candidates();
    ASSERT_THAT(source, IsOk());
    ASSERT_EQ(source->tracks, kGenres * kArtistsPerGenre * kTracksPerArtist);
    ASSERT_TRUE(source->ann) << "2,400 tracks pass the ANN service's threshold";
    ASSERT_TRUE(source->factors_hnsw) << "the item factors are searched in an HNSW graph";
    ASSERT_TRUE(source->audio_hnsw) << "the audio features are searched in an HNSW graph";
  }

  static std::vector<std::string> Ids(const std::vector<Recommendation>& recs) {
    std::vector<std::string> ids;
    for (const auto& r : recs) ids.push_back(r.track.track_id);
    return ids;
  }

  // |ann ∩ exact| / |exact|.
  static double Recall(const std::vector<std::string>& ann, const std::vector<std::string>& exact) {
    if (exact.empty()) return ann.empty() ? 1.0 : 0.0;
    const std::set<std::string> truth(exact.begin(), exact.end());
    size_t hits = 0;
    for (const auto& id : ann) hits += truth.count(id);
    return static_cast<double>(hits) / static_cast<double>(truth.size());
  }

  // Discover Weekly's call, on `service`.
  Result<std::vector<Recommendation>> Weekly(RecommendationService& service, const std::string& u,
                                             const std::string& market) {
    return service.ForUser(u, market, kNowMs - kDiscoverWeeklyHistoryDays * kDayMs,
                           kDiscoverWeeklyTracks, kDiscoverWeeklyMaxPerArtist);
  }

  // The j of a track id ("t<g>_<aa>_<jj>").
  static int TrackNumber(const std::string& id) { return std::stoi(id.substr(id.size() - 2)); }

  std::vector<std::string> tracks_;
  std::map<std::string, std::set<std::string>> heard_;
  std::unique_ptr<RecommendationService> exact_, ann_;
};

TEST_P(AnnCandidatesTest, AnnRecallsTheExactTopResults) {
  std::mt19937 rng(5);
  std::vector<std::pair<std::string, double>> recalls;  // what, recall@k
  auto compare = [&](const std::string& what, const Result<std::vector<Recommendation>>& ann,
                     const Result<std::vector<Recommendation>>& exact) {
    ASSERT_THAT(ann, IsOk()) << what;
    ASSERT_THAT(exact, IsOk()) << what;
    ASSERT_FALSE(exact->empty()) << what;
    EXPECT_EQ(ann->size(), exact->size()) << what;
    recalls.emplace_back(what, Recall(Ids(*ann), Ids(*exact)));
  };
  for (int g = 0; g < kGenres; ++g) {
    // One track, three tracks, an artist, a genre; a listener of the genre and a stranger.
    std::vector<Seeds> seeds = {
        {.tracks = {TrackId(g, 1, 4)}},
        {.tracks = {TrackId(g, 2, 5), TrackId(g, 3, 6), TrackId(g, 4, 7)}},
        {.artists = {ArtistId(g, 5)}},
        {.genres = {Genre(g)}},
    };
    for (size_t k = 0; k < seeds.size(); ++k) {
      for (const std::string& user : {UserId(g, 0), std::string("stranger")}) {
        compare("genre " + std::to_string(g) + " seeds " + std::to_string(k) + " user " + user,
                ann_->Recommend(user, seeds[k], "SE", 20),
                exact_->Recommend(user, seeds[k], "SE", 20));
      }
    }
    for (int i = 0; i < 2; ++i) {
      const std::string u = UserId(g, static_cast<int>(rng() % kUsersPerGenre));
      compare("weekly " + u, Weekly(*ann_, u, "SE"), Weekly(*exact_, u, "SE"));
    }
  }
  double sum = 0;
  for (const auto& [what, recall] : recalls) {
    sum += recall;
    EXPECT_GE(recall, 0.6) << what << ": one list far from exact";
  }
  const double mean = sum / static_cast<double>(recalls.size());
  std::printf("ANN vs exact: mean recall@k %.3f over %zu lists\n", mean, recalls.size());
  EXPECT_GE(mean, 0.9);
}

TEST_P(AnnCandidatesTest, MarketExclusionsAndArtistCapHoldOnTheAnnPath) {
  for (const char* market_name : {"SE", "FI"}) {
    const std::string market = market_name;
    for (int g = 0; g < kGenres; ++g) {
      const std::string seed = TrackId(g, 0, 3);
      auto recs = ann_->Recommend("stranger", {.tracks = {seed}}, market, 20);
      ASSERT_THAT(recs, IsOk());
      EXPECT_EQ(recs->size(), 20u) << market << ": the market has enough tracks for a full list";
      for (const auto& id : Ids(*recs)) {
        EXPECT_TRUE(PlayableIn(TrackNumber(id), market)) << id << " is not playable in " << market;
        EXPECT_NE(id, seed);
      }
      auto radio = ann_->RadioCycle("stranger", seed, market);
      ASSERT_THAT(radio, IsOk());
      EXPECT_GE(radio->size(), 100u) << market << ": a radio cycle from the ANN candidates";
      for (const auto& id : Ids(*radio)) {
        EXPECT_TRUE(PlayableIn(TrackNumber(id), market)) << id << " is not playable in " << market;
        EXPECT_NE(id, seed);
      }
      const std::string u = UserId(g, 1);
      auto weekly = Weekly(*ann_, u, market);
      ASSERT_THAT(weekly, IsOk());
      EXPECT_EQ(weekly->size(), static_cast<size_t>(kDiscoverWeeklyTracks)) << market;
      std::map<std::string, int> per_artist;
      for (const auto& r : *weekly) {
        const std::string& id = r.track.track_id;
        EXPECT_TRUE(PlayableIn(TrackNumber(id), market)) << id << " is not playable in " << market;
        EXPECT_EQ(heard_[u].count(id), 0u) << id << " was heard or liked by " << u;
        ASSERT_FALSE(r.track.artists.empty());
        EXPECT_LE(++per_artist[r.track.artists.front().artist_id], kDiscoverWeeklyMaxPerArtist)
            << id;
      }
    }
  }
}

TEST_P(AnnCandidatesTest, ListenerWithNoHistoryStillGetsAFullList) {
  auto weekly = Weekly(*ann_, "nobody", "SE");
  ASSERT_THAT(weekly, IsOk());
  EXPECT_EQ(weekly->size(), static_cast<size_t>(kDiscoverWeeklyTracks));
  for (const auto& r : *weekly) EXPECT_TRUE(PlayableIn(TrackNumber(r.track.track_id), "SE"));
  auto by_genre = ann_->Recommend("nobody", {.genres = {Genre(3)}}, "FI", 10);
  ASSERT_THAT(by_genre, IsOk());
  ASSERT_EQ(by_genre->size(), 10u);
  for (const auto& r : *by_genre) {
    EXPECT_TRUE(PlayableIn(TrackNumber(r.track.track_id), "FI")) << r.track.track_id;
  }
  // A market no track names still has the tracks that play everywhere.
  auto elsewhere = Weekly(*ann_, "nobody", "JP");
  ASSERT_THAT(elsewhere, IsOk());
  EXPECT_EQ(elsewhere->size(), static_cast<size_t>(kDiscoverWeeklyTracks));
  for (const auto& r : *elsewhere) EXPECT_EQ(Markets(TrackNumber(r.track.track_id)), "");
}

TEST_P(AnnCandidatesTest, ARefreshRebuildsOnlyTheIndexWhoseInputChanged) {
  auto first = ann_->Candidates();
  ASSERT_THAT(first, IsOk());
  EXPECT_EQ(first->indexes_built, 2) << "item factors and audio features";
  // New listens and ten minutes: the snapshot is rebuilt, its indexes are the previous ones.
  Listen(UserId(0, 0), TrackId(0, 0, 3));
  clock_->Advance(std::chrono::minutes(10));
  auto refreshed = ann_->Candidates();
  ASSERT_THAT(refreshed, IsOk());
  EXPECT_EQ(refreshed->indexes_built, 2);
  auto recs = ann_->Recommend("stranger", {.tracks = {TrackId(1, 1, 4)}}, "SE", 20);
  ASSERT_THAT(recs, IsOk());
  EXPECT_EQ(recs->size(), 20u);
  // A new factor file (a later mtime): the factor graph is rebuilt, the audio one is kept.
  const std::string path = FactorModelPath(dir_.path());
  std::filesystem::last_write_time(path,
                                   std::filesystem::last_write_time(path) + std::chrono::hours(1));
  auto retrained = ann_->Candidates();
  ASSERT_THAT(retrained, IsOk());
  EXPECT_EQ(retrained->indexes_built, 3);
  EXPECT_TRUE(retrained->factors_hnsw);
}

INSTANTIATE_TEST_SUITE_P(Backends, AnnCandidatesTest, ::testing::ValuesIn(testing::AllBackends()),
                         testing::BackendParamName());

}  // namespace
}  // namespace sonora::recommend

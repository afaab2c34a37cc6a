// Seeded recommendations (GET /api/v1/recommendations, seed 000 §5): candidates from
// co-listening, content (audio features + genres) and the ALS model, pooled and scored by
// blend.h, filtered to the caller's market, genre-diversified, each with its reason.
//
// The service keeps an immutable snapshot of what it ranks over (the catalog's playable facts,
// the listening matrix, the ALS factors from <data-dir>/recommend/als_factors.bin, the audio
// feature vectors). A snapshot is rebuilt when it is older than `refresh_ms` or the factor
// file's modification time changes, so `sonora recommend train` is picked up without a
// restart; the request that notices rebuilds while concurrent ones use the previous snapshot.
// With no factor file the model share falls back to popularity within the seeds'
// genres, and collaborative signals come from co-listening alone.
//
// Candidates: a catalog below RecommendationOptions::ann_min_tracks has every track scored
// (exact); from that size on, the content and model generators take their candidates from
// nearest-neighbour indexes over the audio features and the item factors (vector_index.h, built
// with the snapshot) and only those candidates, the co-listened tracks and popular fallbacks
// are scored. Both paths feed the same blend, filters and caps.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "catalog/catalog.h"
#include "catalog/catalog_repository.h"
#include "core/clock.h"
#include "core/result.h"
#include "recommend/user_signals.h"
#include "store/database.h"

namespace sonora::recommend {

inline constexpr size_t kMaxSeeds = 5;
inline constexpr int kMaxRecommendationLimit = 100;
// A radio station is this long before it starts over (pages wrap around: it never ends).
inline constexpr int kRadioCycle = 300;
// Radio spreads artists: no primary artist twice within this many consecutive tracks when the
// station has other artists to play.
inline constexpr size_t kRadioArtistGap = 3;

struct Seeds {
  std::vector<std::string> tracks = {};
  std::vector<std::string> artists = {};
  std::vector<std::string> genres = {};
  size_t size() const { return tracks.size() + artists.size() + genres.size(); }
};

struct Recommendation {
  catalog::Track track;
  double match_score = 0;  // [0, 1]
  std::string reason;
};

// A generated list of track ids (Daily Mix, Release Radar), before storage.
struct TrackList {
  std::string name;
  std::string description;
  std::vector<std::string> track_ids;      // in order
  std::vector<std::string> new_track_ids;  // the ones the user has not heard (Daily Mix)
};

// Daily Mix (seed 000 §8).
inline constexpr int kMaxDailyMixes = 6;
inline constexpr int kDailyMixTracks = 50;
inline constexpr int64_t kDailyMixHistoryDays = 180;
// A cluster (a mix) needs at least this many familiar tracks.
inline constexpr int kDailyMixMinFamiliar = 4;
// Release Radar.
inline constexpr int kReleaseRadarTracks = 30;
inline constexpr int64_t kReleaseRadarWindowDays = 14;
inline constexpr int kReleaseRadarTopArtists = 20;
inline constexpr int kReleaseRadarPerRelease = 2;

// A catalog of at least this many tracks takes its content and model candidates from
// nearest-neighbour indexes instead of scoring every track (docs/recommendations.md, "ANN").
inline constexpr int64_t kAnnMinTracks = 20000;

struct RecommendationOptions {
  // Rebuild the snapshot after this long even when the factor file did not change (new
  // listens, new tracks). Default: 5 minutes.
  int64_t refresh_ms = 5 * 60 * 1000;
  // Candidate generation by nearest neighbours from this many catalog tracks on; the indexes
  // are HNSW graphs when they hold at least this many vectors, exact scans otherwise. Default:
  // kAnnMinTracks. A huge value keeps every request on the exact path.
  int64_t ann_min_tracks = kAnnMinTracks;
};

class RecommendationService {
 public:
  RecommendationService(store::Database& db, catalog::CatalogRepository& repo, const Clock& clock,
                        std::string data_dir, RecommendationOptions options = {});
  ~RecommendationService();

  // Up to `limit` tracks playable in `market`, never a seed, best first. Seeds are validated by
  // the caller for shape (1..kMaxSeeds, well-formed ids); here unknown seed tracks or artists
  // are kNotFound. Falls back to popular tracks in the market when the seeds give nothing.
  Result<std::vector<Recommendation>> Recommend(const std::string& user_id, const Seeds& seeds,
                                                const std::string& market, int limit);

  // Discover Weekly's list (seed 000 §8): up to `limit` tracks playable in `market`, none the
  // user heard since `heard_since_ms` (table listens) or liked (saved_tracks), at most
  // `max_per_artist` per primary artist, ranked from the user's most played tracks of that
  // window (or liked tracks); a user with neither gets popular tracks in the market.
  Result<std::vector<Recommendation>> ForUser(const std::string& user_id, const std::string& market,
                                              int64_t heard_since_ms, int limit,
                                              int max_per_artist);

  // Up to `limit` artists most related to `artist_id`, closest first: 0.6 x the cosine of their
  // listener sets (co-listening) + 0.4 x the Jaccard overlap of their tracks' genres. Every
  // other artist is ranked, so the list is empty only when the catalog has one artist.
  // Errors: kNotFound for an artist with no tracks in the catalog.
  Result<std::vector<catalog::Artist>> RelatedArtists(const std::string& artist_id, int limit);

  // One cycle of the radio station seeded by `seed_track` (GET /radio): up to kRadioCycle
  // tracks playable in `market`, never the seed, ranked like Recommend() and then reordered so
  // no artist comes back within kRadioArtistGap tracks where avoidable.
  // Errors: kNotFound for an unknown seed track.
  Result<std::vector<Recommendation>> RadioCycle(const std::string& user_id,
                                                 const std::string& seed_track,
                                                 const std::string& market);

  // Daily Mix: the user's tracks of the last kDailyMixHistoryDays (counted plays, plus liked
  // tracks) clustered by k-means over audio features and genres (k <= kMaxDailyMixes, chosen
  // by the data); per cluster up to kDailyMixTracks tracks, 80% familiar and 20% new ones
  // (ranked like Recommend() from the cluster's tracks, never heard in the window or liked),
  // named after the cluster's dominant genre, biggest cluster first. A user with fewer than
  // kDailyMixMinFamiliar tracks gets genre mixes of popular tracks in `market`. Empty only
  // when nothing is playable in `market`.
  Result<std::vector<TrackList>> DailyMixes(const std::string& user_id, const std::string& market,
                                            int64_t now_ms);

  // Release Radar: tracks released in the kReleaseRadarWindowDays up to `now_ms` by artists the
  // user follows or plays most (kReleaseRadarTopArtists), newest release first, at most
  // kReleaseRadarPerRelease per release and kReleaseRadarTracks in all, playable in `market`;
  // topped up with the window's releases in the user's genres, then any of the window's
  // releases, then (only when the window has none) the newest releases before it.
  Result<TrackList> ReleaseRadar(const std::string& user_id, const std::string& market,
                                 int64_t now_ms);

  // Autoplay (the player's next tracks once a context ends): up to `count` tracks playable in
  // `market` to follow `seed_track`: the tracks most co-listened with it, then the most
  // popular of its genres, then the most popular overall; one per primary artist where the
  // catalog allows, never the seed. Cheap enough for the play path: it reads only the
  // listeners of the seed and the head of popularity lists, and uses whatever snapshot exists
  // however old (it builds one only when none exists and none is being built; during the
  // first build it returns no tracks instead of waiting). Returns track ids: the player reads
  // the rows through its own catalog cache.
  Result<std::vector<std::string>> Autoplay(const std::string& seed_track,
                                            const std::string& market, size_t count);

  // Builds a snapshot for Autoplay when none exists yet (`sonora serve` calls it in the
  // background at start-up, so no play waits for the first build). It counts as expired for
  // the ranked endpoints, which rebuild on their first request as before.
  Status WarmUp();
  // Whether no snapshot exists yet and one is being built.
  bool FirstBuildUnderWay();

  // Keeps one snapshot for a batch (`sonora recommend run`): from HoldSnapshot() until the
  // hold is destroyed, every call ranks over the snapshot current at the call (built first
  // when it has expired), however old it grows, so all users of a batch see the same catalog,
  // history and model. Holds nest; the service must outlive them.
  class SnapshotHold {
   public:
    SnapshotHold(SnapshotHold&& other) noexcept
        : service_(std::exchange(other.service_, nullptr)) {}
    SnapshotHold& operator=(SnapshotHold&&) = delete;
    SnapshotHold(const SnapshotHold&) = delete;
    ~SnapshotHold();

   private:
    friend class RecommendationService;
    explicit SnapshotHold(RecommendationService* service) : service_(service) {}
    RecommendationService* service_;
  };
  // Errors: those of the snapshot build.
  Result<SnapshotHold> HoldSnapshot();

  // How the current snapshot (built first when it has expired) generates candidates.
  struct CandidateSource {
    int64_t tracks = 0;
    bool ann = false;           // from nearest-neighbour indexes (tracks >= ann_min_tracks)
    bool factors_hnsw = false;  // the item-factor index is an HNSW graph (else exact or none)
    bool audio_hnsw = false;    // the audio-feature index is an HNSW graph (else exact or none)
    // Indexes this service has built so far; one shared with the previous snapshot (same
    // factor file, same audio vectors) is not built again.
    int64_t indexes_built = 0;
  };
  Result<CandidateSource> Candidates();

  struct Snapshot;

 private:
  // The current snapshot, without building one; null before the first build.
  std::shared_ptr<const Snapshot> Peek();
  struct RankRequest {
    std::string user_id;
    std::vector<int32_t> anchors;  // tracks candidates are related to
    std::unordered_set<int32_t> profile_genres;
    std::vector<int32_t> excluded;  // never returned
    std::string market;
    int limit = 20;
    int max_per_artist = 0;   // 0: no cap
    bool genre_only = false;  // the reasons say "the genres you chose"
  };
  Result<std::shared_ptr<const Snapshot>> Current();
  // The blend over one snapshot (blend.h): candidates, scores, caps, reasons, whole tracks.
  Result<std::vector<Recommendation>> Rank(const Snapshot& s, const RankRequest& request);

  store::Database& db_;  // the snapshot's bulk reads
  catalog::CatalogRepository& repo_;
  UserSignals signals_;  // one user's listens, likes and follows
  const Clock& clock_;
  std::string data_dir_;
  RecommendationOptions options_;
  std::mutex mu_;  // guards snapshot_ and rebuilding_ (the rebuild itself runs unlocked)
  std::shared_ptr<const Snapshot> snapshot_;
  bool rebuilding_ = false;
  // Signalled when a rebuild ends: callers with no snapshot at all wait for the one being built
  // instead of each building their own.
  std::condition_variable rebuilt_;
  int holds_ = 0;  // live SnapshotHolds: while > 0 the snapshot is not rebuilt
  std::atomic<int64_t> indexes_built_{0};
};

}  // namespace sonora::recommend

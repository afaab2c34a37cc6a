#include "recommend/recommendation_service.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <numeric>
#include <span>
#include <unordered_map>
#include <unordered_set>

#include "catalog/catalog_repository.h"
#include "core/log.h"
#include "core/strings.h"
#include "recommend/audio_features.h"
#include "recommend/blend.h"
#include "recommend/cf_model.h"
#include "recommend/history_loader.h"
#include "recommend/interactions.h"
#include "recommend/internal/snapshot.h"
#include "recommend/vector_index.h"

namespace sonora::recommend {

namespace {

using Snapshot = RecommendationService::Snapshot;

int64_t FileMtime(const std::string& path) {
  std::error_code ec;
  auto t = std::filesystem::last_write_time(path, ec);
  if (ec) return kNoFile;
  return static_cast<int64_t>(t.time_since_epoch().count());
}

// hnswlib's ef while searching the snapshot's graphs: a Discover Weekly query asks for about
// 2 x 45 + (the user's heard and liked tracks) neighbours, which fits, so batch threads search
// side by side (a larger k holds the graph exclusively while it raises ef).
constexpr int kAnnEfSearch = 256;

// Builds one of the snapshot's indexes, logging its size, progress and time.
Result<std::shared_ptr<const VectorIndex>> BuildLoggedIndex(const char* what,
                                                            std::span<const float> vectors,
                                                            int64_t rows, int dim, Metric metric,
                                                            const RecommendationOptions& options) {
  VectorIndexOptions o;
  o.metric = metric;
  o.exact_threshold = std::max<int64_t>(1, options.ann_min_tracks);
  o.ef_search = kAnnEfSearch;
  // Progress lines for graphs that take a while to build (tens of seconds at 100k vectors).
  constexpr int64_t kLogProgressFrom = 50000;
  o.progress = [what](int64_t done, int64_t total) {
    if (total < kLogProgressFrom) return;
    log::Info("action=recommend_index index=" + std::string(what) +
              " inserted=" + std::to_string(done) + " total=" + std::to_string(total));
  };
  const auto start = std::chrono::steady_clock::now();
  log::Info("action=recommend_index index=" + std::string(what) +
            " vectors=" + std::to_string(rows) + " dim=" + std::to_string(dim) + " building");
  SONORA_ASSIGN_OR_RETURN(std::unique_ptr<VectorIndex> index,
                          VectorIndex::Build(vectors, rows, dim, o));
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  char took[32];
  std::snprintf(took, sizeof(took), "%.0f", ms);
  log::Info("action=recommend_index index=" + std::string(what) +
            " vectors=" + std::to_string(rows) +
            " kind=" + (index->approximate() ? "hnsw" : "exact") + " ms=" + took);
  return std::shared_ptr<const VectorIndex>(std::move(index));
}

// The nearest-neighbour indexes of a snapshot on the ANN path: item factors (rows = model
// items) and audio vectors (rows = tracks with features). An index whose input equals the
// previous snapshot's (same factor file; same audio vectors for the same rows) is shared, so a
// 5-minute refresh does not rebuild a graph nothing changed in.
Status BuildIndexes(Snapshot& s, const Snapshot* previous, const RecommendationOptions& options,
                    std::atomic<int64_t>& built) {
  if (s.has_model) {
    s.model_item_track.assign(static_cast<size_t>(s.model.items), -1);
    for (size_t t = 0; t < s.track_model_item.size(); ++t) {
      if (s.track_model_item[t] >= 0)
        s.model_item_track[static_cast<size_t>(s.track_model_item[t])] = static_cast<int32_t>(t);
    }
    if (previous != nullptr && previous->factor_index && previous->has_model &&
        previous->factor_mtime == s.factor_mtime) {
      s.factor_index = previous->factor_index;
    } else {
      SONORA_ASSIGN_OR_RETURN(s.factor_index,
                              BuildLoggedIndex("item_factors", s.model.item_factors, s.model.items,
                                               s.model.factors, Metric::kInnerProduct, options));
      ++built;
    }
  }
  for (size_t t = 0; t < s.has_audio.size(); ++t) {
    if (s.has_audio[t]) s.audio_track.push_back(static_cast<int32_t>(t));
  }
  if (s.audio_track.empty()) return Status();
  if (previous != nullptr && previous->audio_index && previous->audio_track == s.audio_track &&
      previous->audio == s.audio) {
    s.audio_index = previous->audio_index;
    return Status();
  }
  std::vector<float> rows;
  rows.reserve(s.audio_track.size() * kAudioFeatureDim);
  for (int32_t t : s.audio_track) {
    const float* v = s.audio.data() + static_cast<size_t>(t) * kAudioFeatureDim;
    rows.insert(rows.end(), v, v + kAudioFeatureDim);
  }
  SONORA_ASSIGN_OR_RETURN(
      s.audio_index,
      BuildLoggedIndex("audio_features", rows, static_cast<int64_t>(s.audio_track.size()),
                       kAudioFeatureDim, Metric::kCosine, options));
  ++built;
  return Status();
}

Result<std::shared_ptr<Snapshot>> BuildSnapshot(store::Database& db, const std::string& data_dir,
                                                int64_t now_ms, const Snapshot* previous,
                                                const RecommendationOptions& options,
                                                std::atomic<int64_t>& indexes_built) {
  auto s = std::make_shared<Snapshot>();
  s->built_ms = now_ms;
  catalog::CatalogRepository catalog(db);
  SONORA_ASSIGN_OR_RETURN(auto rows, catalog.ScanTrackSummaries());
  const size_t n = rows.size();
  s->track_ids.reserve(n);
  std::unordered_map<std::string, int32_t> albums;
  std::vector<std::vector<std::string>> markets;  // per track; empty: everywhere
  markets.reserve(n);
  for (auto& r : rows) {
    const auto t = static_cast<int32_t>(s->track_ids.size());
    s->track_ids.push_back(r.track_id);
    s->track_index.emplace(s->track_ids.back(), t);
    s->titles.push_back(std::move(r.title));
    s->popularity.push_back(std::clamp(r.popularity, 0, 100));
    // Genres compare folded; the track's own come first, its album's after them.
    std::vector<std::string> genres;
    for (const auto& g : r.genres) {
      std::string k = ToLower(Trim(g));
      if (!k.empty() && std::find(genres.begin(), genres.end(), k) == genres.end())
        genres.push_back(std::move(k));
    }
    s->primary_genre.push_back(genres.empty() ? "" : genres.front());
    std::vector<int32_t> ids;
    for (const auto& g : genres) {
      auto [it, added] = s->genre_index.emplace(g, static_cast<int32_t>(s->genre_index.size()));
      if (added) s->genre_names.push_back(g);
      ids.push_back(it->second);
    }
    std::sort(ids.begin(), ids.end());
    s->track_genres.push_back(std::move(ids));
    markets.push_back(std::move(r.markets));
    s->release_ms.push_back(ReleaseDateMillis(r.release_date));
    auto [album, added] = albums.emplace(r.album_id, static_cast<int32_t>(s->album_ids.size()));
    if (added) s->album_ids.push_back(r.album_id);
    s->track_album.push_back(album->second);
  }
  rows = {};
  s->everywhere.assign(n, 1);
  s->unrestricted.assign(n, 0);
  for (size_t t = 0; t < n; ++t) s->unrestricted[t] = markets[t].empty() ? 1 : 0;
  for (size_t t = 0; t < n; ++t) {
    for (const auto& m : markets[t]) {
      auto [it, added] = s->market_playable.try_emplace(m);
      if (added) it->second = s->unrestricted;
      it->second[t] = 1;
    }
  }
  markets = {};

  s->track_artists.resize(n);
  SONORA_ASSIGN_OR_RETURN(auto links, catalog.ScanTrackArtists());
  for (const auto& [track_id, artist_id] : links) {
    auto t = s->track_index.find(track_id);
    if (t == s->track_index.end()) continue;
    auto [it, added] =
        s->artist_index.emplace(artist_id, static_cast<int32_t>(s->artist_index.size()));
    if (added) {
      s->artist_tracks.emplace_back();
      s->artist_ids.push_back(artist_id);
    }
    s->track_artists[static_cast<size_t>(t->second)].push_back(it->second);
    s->artist_tracks[static_cast<size_t>(it->second)].push_back(t->second);
  }
  s->by_popularity.resize(n);
  std::iota(s->by_popularity.begin(), s->by_popularity.end(), 0);
  auto more_popular = [&s](int32_t a, int32_t b) {
    if (s->popularity[static_cast<size_t>(a)] != s->popularity[static_cast<size_t>(b)])
      return s->popularity[static_cast<size_t>(a)] > s->popularity[static_cast<size_t>(b)];
    return a < b;
  };
  std::stable_sort(s->by_popularity.begin(), s->by_popularity.end(), more_popular);
  for (auto& tracks : s->artist_tracks)
    std::stable_sort(tracks.begin(), tracks.end(), more_popular);
  s->genre_tracks.assign(s->genre_names.size(), {});
  for (int32_t t : s->by_popularity) {
    for (int32_t g : s->track_genres[static_cast<size_t>(t)])
      s->genre_tracks[static_cast<size_t>(g)].push_back(t);
  }

  // Listening history.
  SONORA_ASSIGN_OR_RETURN(InteractionBuilder history, LoadListeningHistory(db, {}));
  s->matrix = history.Build();
  s->users = history.users();
  s->track_item.assign(n, -1);
  s->item_track.assign(static_cast<size_t>(history.items().size()), -1);
  for (int32_t i = 0; i < history.items().size(); ++i) {
    auto t = s->track_index.find(history.items().id(i));
    if (t == s->track_index.end()) continue;
    s->item_track[static_cast<size_t>(i)] = t->second;
    s->track_item[static_cast<size_t>(t->second)] = i;
  }
  s->listeners.assign(static_cast<size_t>(s->matrix.items()), 0);
  for (int32_t i = 0; i < s->matrix.items(); ++i) {
    for (float v : s->matrix.by_item().Values(i)) s->listeners[static_cast<size_t>(i)] += v > 0;
  }

  s->artist_listeners.assign(s->artist_tracks.size(), 0);
  {
    std::vector<int32_t> seen(s->artist_tracks.size(), -1);
    for (int32_t u = 0; u < s->matrix.users(); ++u) {
      auto items = s->matrix.by_user().Cols(u);
      auto vals = s->matrix.by_user().Values(u);
      for (size_t k = 0; k < items.size(); ++k) {
        const int32_t t = s->item_track[static_cast<size_t>(items[k])];
        if (vals[k] <= 0 || t < 0) continue;
        for (int32_t a : s->track_artists[static_cast<size_t>(t)]) {
          if (seen[static_cast<size_t>(a)] == u) continue;
          seen[static_cast<size_t>(a)] = u;
          ++s->artist_listeners[static_cast<size_t>(a)];
        }
      }
    }
  }

  // ALS factors: optional; a missing or unreadable file means "no model yet".
  const std::string path = FactorModelPath(data_dir);
  s->factor_mtime = FileMtime(path);
  s->track_model_item.assign(n, -1);
  if (s->factor_mtime != kNoFile) {
    auto model = LoadFactorModel(path);
    if (model.ok() && !model->item_ids.empty()) {
      s->model = std::move(model).value();
      s->has_model = true;
      for (int32_t i = 0; i < s->model.items; ++i) {
        auto t = s->track_index.find(s->model.item_ids[static_cast<size_t>(i)]);
        if (t != s->track_index.end()) s->track_model_item[static_cast<size_t>(t->second)] = i;
      }
      for (int32_t u = 0; u < static_cast<int32_t>(s->model.user_ids.size()); ++u) {
        s->model_users.emplace(s->model.user_ids[static_cast<size_t>(u)], u);
      }
    }
  }

  // Audio features, normalized to unit length for cosine.
  SONORA_ASSIGN_OR_RETURN(AudioFeatureVectors features, LoadAudioFeatureVectors(db));
  s->audio.assign(n * kAudioFeatureDim, 0.0f);
  s->has_audio.assign(n, 0);
  for (size_t r = 0; r < features.track_ids.size(); ++r) {
    auto t = s->track_index.find(features.track_ids[r]);
    if (t == s->track_index.end()) continue;
    const float* v = features.values.data() + r * kAudioFeatureDim;
    double norm = 0;
    for (int d = 0; d < kAudioFeatureDim; ++d) norm += static_cast<double>(v[d]) * v[d];
    if (norm <= 0) continue;
    const auto inv = static_cast<float>(1.0 / std::sqrt(norm));
    float* out = s->audio.data() + static_cast<size_t>(t->second) * kAudioFeatureDim;
    for (int d = 0; d < kAudioFeatureDim; ++d) out[d] = v[d] * inv;
    s->has_audio[static_cast<size_t>(t->second)] = 1;
  }

  s->ann = static_cast<int64_t>(n) >= options.ann_min_tracks;
  if (s->ann) SONORA_RETURN_IF_ERROR(BuildIndexes(*s, previous, options, indexes_built));
  return s;
}

// The top `k` tracks by `score` among `eligible` ones with a positive score, best first, ties
// to the more popular track (then the lower number): over every track, or only over `among`
// (distinct tracks) when it is given. Popularity breaks ties so that a genre's equally
// matching tracks come in the order of the snapshot's popularity lists, which the ANN path
// reads from the head.
std::vector<int32_t> TopTracks(const std::vector<double>& score, const std::vector<int>& popularity,
                               const std::vector<uint8_t>& eligible, int k,
                               const std::vector<int32_t>* among = nullptr) {
  std::vector<int32_t> idx;
  if (among != nullptr) {
    for (int32_t t : *among) {
      if (eligible[static_cast<size_t>(t)] && score[static_cast<size_t>(t)] > 0) idx.push_back(t);
    }
  } else {
    for (size_t t = 0; t < score.size(); ++t) {
      if (eligible[t] && score[t] > 0) idx.push_back(static_cast<int32_t>(t));
    }
  }
  auto better = [&score, &popularity](int32_t a, int32_t b) {
    const auto x = static_cast<size_t>(a), y = static_cast<size_t>(b);
    if (score[x] != score[y]) return score[x] > score[y];
    if (popularity[x] != popularity[y]) return popularity[x] > popularity[y];
    return a < b;
  };
  if (static_cast<int>(idx.size()) > k) {
    std::partial_sort(idx.begin(), idx.begin() + k, idx.end(), better);
    idx.resize(static_cast<size_t>(k));
  } else {
    std::sort(idx.begin(), idx.end(), better);
  }
  return idx;
}

// The eligible tracks among the rows of `index` nearest to `query`, closest first, with their
// scores; at least `k` of them when the index has that many eligible rows within reach. The
// index knows neither the market nor the exclusions, so it is asked for 2k + `excluded` rows
// and, while too few of those are eligible, for four times as many (kMaxWiden times at most).
constexpr int kMaxWiden = 3;
Result<std::vector<std::pair<int32_t, float>>> NearestEligible(
    const VectorIndex& index, std::span<const float> query, const std::vector<int32_t>& row_track,
    const std::vector<uint8_t>& eligible, int k, size_t excluded) {
  std::vector<std::pair<int32_t, float>> out;
  int64_t want = 2 * static_cast<int64_t>(k) + static_cast<int64_t>(excluded);
  for (int round = 0;; ++round) {
    want = std::min(want, index.size());
    SONORA_ASSIGN_OR_RETURN(auto found, index.Search(query, static_cast<int>(want)));
    out.clear();
    for (const Neighbor& nb : found) {
      const int32_t t = row_track[static_cast<size_t>(nb.id)];
      if (t >= 0 && eligible[static_cast<size_t>(t)]) out.emplace_back(t, nb.score);
    }
    if (out.size() >= static_cast<size_t>(k) || want >= index.size() || round == kMaxWiden) break;
    want *= 4;
  }
  return out;
}

// Appends the first `k` eligible tracks of `list` (a popularity list) to `out`.
void HeadEligible(const std::vector<int32_t>& list, const std::vector<uint8_t>& eligible, int k,
                  std::vector<int32_t>& out) {
  int taken = 0;
  for (int32_t t : list) {
    if (taken >= k) return;
    if (!eligible[static_cast<size_t>(t)]) continue;
    out.push_back(t);
    ++taken;
  }
}

// Listeners sampled per anchor when counting co-listening, to bound a request's cost on very
// popular seeds.
constexpr int64_t kMaxListenersPerAnchor = 2000;
// Top tracks of a seed artist that stand in for the artist as anchors.
constexpr size_t kTracksPerSeedArtist = 3;
// Co-listening cosine from which a candidate's reason names the seed it was played with.
constexpr double kMinExplainedCoListening = 0.1;
// Genre diversity (004 §4): at most this many per primary genre before others get a turn.
constexpr int kMaxPerGenre = 3;

}  // namespace

RecommendationService::RecommendationService(store::Database& db, catalog::CatalogRepository& repo,
                                             const Clock& clock, std::string data_dir,
                                             RecommendationOptions options)
    : db_(db),
      repo_(repo),
      signals_(db),
      clock_(clock),
      data_dir_(std::move(data_dir)),
      options_(options) {}

RecommendationService::~RecommendationService() = default;

Result<std::shared_ptr<const RecommendationService::Snapshot>> RecommendationService::Current() {
  std::unique_lock lock(mu_);
  int64_t now;
  for (;;) {
    now = clock_.NowMillis();
    const int64_t mtime = FileMtime(FactorModelPath(data_dir_));
    if (snapshot_ && holds_ > 0) return snapshot_;  // a batch keeps its snapshot
    if (snapshot_ && now - snapshot_->built_ms < options_.refresh_ms &&
        mtime == snapshot_->factor_mtime) {
      return snapshot_;
    }
    // One request rebuilds; meanwhile the others keep ranking over the previous snapshot.
    if (snapshot_ && rebuilding_) return snapshot_;
    if (!rebuilding_) break;
    // No snapshot yet and one is being built (each build reads the whole catalog): wait for
    // it, then judge it like any other (serve's warm-up snapshot counts as expired).
    rebuilt_.wait(lock, [&] { return !rebuilding_; });
  }
  rebuilding_ = true;
  std::shared_ptr<const Snapshot> previous = snapshot_;
  lock.unlock();
  auto built = BuildSnapshot(db_, data_dir_, now, previous.get(), options_, indexes_built_);
  lock.lock();
  rebuilding_ = false;
  rebuilt_.notify_all();
  if (!built.ok()) return built.status();
  snapshot_ = std::move(built).value();
  return snapshot_;
}

Result<RecommendationService::SnapshotHold> RecommendationService::HoldSnapshot() {
  std::unique_lock lock(mu_);
  if (holds_ == 0) {
    lock.unlock();
    SONORA_RETURN_IF_ERROR(Current().status());
    lock.lock();
  }
  ++holds_;
  return SnapshotHold(this);
}

Result<RecommendationService::CandidateSource> RecommendationService::Candidates() {
  SONORA_ASSIGN_OR_RETURN(std::shared_ptr<const Snapshot> snap, Current());
  CandidateSource out;
  out.tracks = static_cast<int64_t>(snap->track_ids.size());
  out.ann = snap->ann;
  out.factors_hnsw = snap->factor_index && snap->factor_index->approximate();
  out.audio_hnsw = snap->audio_index && snap->audio_index->approximate();
  out.indexes_built = indexes_built_.load();
  return out;
}

RecommendationService::SnapshotHold::~SnapshotHold() {
  if (service_ == nullptr) return;
  std::lock_guard lock(service_->mu_);
  --service_->holds_;
}

Status RecommendationService::WarmUp() {
  {
    std::lock_guard lock(mu_);
    if (snapshot_ || rebuilding_) return Status();  // built, or being built by a request
    rebuilding_ = true;
  }
  auto built = BuildSnapshot(db_, data_dir_, clock_.NowMillis(), nullptr, options_, indexes_built_);
  std::lock_guard lock(mu_);
  rebuilding_ = false;
  rebuilt_.notify_all();
  if (!built.ok()) return built.status();
  // Expired from birth: ranked endpoints rebuild on their first request as they always did;
  // only Autoplay (which takes any snapshot) uses this one meanwhile.
  built.value()->built_ms = INT64_MIN / 2;
  if (!snapshot_) snapshot_ = std::move(built).value();
  return Status();
}

bool RecommendationService::FirstBuildUnderWay() {
  std::lock_guard lock(mu_);
  return !snapshot_ && rebuilding_;
}

std::shared_ptr<const RecommendationService::Snapshot> RecommendationService::Peek() {
  std::lock_guard lock(mu_);
  return snapshot_;
}

Result<std::vector<Recommendation>> RecommendationService::Recommend(const std::string& user_id,
                                                                     const Seeds& seeds,
                                                                     const std::string& market,
                                                                     int limit) {
  SONORA_ASSIGN_OR_RETURN(std::shared_ptr<const Snapshot> snap, Current());
  const Snapshot& s = *snap;

  // Resolve the seeds into anchor tracks (what co-listening and audio start from) and a genre
  // profile.
  std::vector<int32_t> seed_tracks, anchors;
  std::unordered_set<int32_t> profile_genres;
  for (const auto& id : seeds.tracks) {
    auto it = s.track_index.find(id);
    if (it == s.track_index.end()) return Status::NotFound("seed track '" + id + "' not found");
    seed_tracks.push_back(it->second);
    anchors.push_back(it->second);
  }
  for (const auto& id : seeds.artists) {
    auto it = s.artist_index.find(id);
    if (it == s.artist_index.end()) return Status::NotFound("seed artist '" + id + "' not found");
    const auto& tracks = s.artist_tracks[static_cast<size_t>(it->second)];
    for (size_t k = 0; k < tracks.size() && k < kTracksPerSeedArtist; ++k) {
      anchors.push_back(tracks[k]);
    }
  }
  for (int32_t a : anchors) {
    for (int32_t g : s.track_genres[static_cast<size_t>(a)]) profile_genres.insert(g);
  }
  for (const auto& g : seeds.genres) {
    auto it = s.genre_index.find(ToLower(g));
    if (it != s.genre_index.end()) profile_genres.insert(it->second);
  }

  RankRequest request;
  request.user_id = user_id;
  request.anchors = std::move(anchors);
  request.profile_genres = std::move(profile_genres);
  request.excluded = std::move(seed_tracks);
  request.market = market;
  request.limit = limit;
  request.genre_only = seeds.tracks.empty() && seeds.artists.empty();
  return Rank(s, request);
}

Result<std::vector<Recommendation>> RecommendationService::Rank(const Snapshot& s,
                                                                const RankRequest& request) {
  const size_t n = s.track_ids.size();
  const std::string& user_id = request.user_id;
  const std::vector<int32_t>& anchors = request.anchors;
  const std::unordered_set<int32_t>& profile_genres = request.profile_genres;
  const std::string& market = request.market;
  const int limit = request.limit;

  // Eligible: playable in the market and not excluded (the seeds, or what the user heard).
  std::vector<uint8_t> eligible = s.PlayableIn(market);
  for (int32_t t : request.excluded) eligible[static_cast<size_t>(t)] = 0;
  const int pool = std::max(100, 5 * limit);
  const PoolSplit split = SplitPool(pool);

  // Collaborative: cosine of binary co-listening with the best anchor. Only the items the
  // anchors' listeners played are visited (`touched`), on both paths.
  std::vector<double> collaborative(n, 0.0);
  std::vector<int32_t> because(n, -1);
  std::vector<int32_t> co_listened;  // tracks with collaborative > 0
  const SparseRows& by_item = s.matrix.by_item();
  const SparseRows& by_user = s.matrix.by_user();
  {
    std::vector<int32_t> co(static_cast<size_t>(s.matrix.items()), 0);
    std::vector<int32_t> touched;
    for (int32_t a : anchors) {
      const int32_t item = s.track_item[static_cast<size_t>(a)];
      if (item < 0) continue;
      auto users = by_item.Cols(item);
      auto values = by_item.Values(item);
      int64_t listeners = 0;
      for (size_t k = 0; k < users.size() && listeners < kMaxListenersPerAnchor; ++k) {
        if (values[k] <= 0) continue;
        ++listeners;
        auto items = by_user.Cols(users[k]);
        auto vals = by_user.Values(users[k]);
        for (size_t j = 0; j < items.size(); ++j) {
          if (vals[j] > 0 && co[static_cast<size_t>(items[j])]++ == 0) touched.push_back(items[j]);
        }
      }
      for (int32_t i : touched) {
        const int32_t together = std::exchange(co[static_cast<size_t>(i)], 0);
        const int32_t t = s.item_track[static_cast<size_t>(i)];
        if (t < 0 || t == a) continue;
        const int64_t their = s.listeners[static_cast<size_t>(i)];
        const double cos =
            together / std::sqrt(static_cast<double>(listeners) * static_cast<double>(their));
        if (cos > collaborative[static_cast<size_t>(t)]) {
          if (collaborative[static_cast<size_t>(t)] == 0) co_listened.push_back(t);
          collaborative[static_cast<size_t>(t)] = cos;
          because[static_cast<size_t>(t)] = a;
        }
      }
      touched.clear();
    }
  }

  // Content: audio-feature cosine with the anchors' mean, and genre overlap with the profile.
  std::vector<float> centroid(kAudioFeatureDim, 0.0f);
  bool has_centroid = false;
  for (int32_t a : anchors) {
    if (!s.has_audio[static_cast<size_t>(a)]) continue;
    const float* v = s.audio.data() + static_cast<size_t>(a) * kAudioFeatureDim;
    for (int d = 0; d < kAudioFeatureDim; ++d) centroid[static_cast<size_t>(d)] += v[d];
    has_centroid = true;
  }
  if (has_centroid) {
    double norm = 0;
    for (float v : centroid) norm += static_cast<double>(v) * v;
    has_centroid = norm > 0;
    for (float& v : centroid) v = static_cast<float>(v / std::sqrt(norm));
  }
  // The profile as a mask over genre numbers: a hash lookup per track and genre was a third
  // of a Discover Weekly batch's time.
  std::vector<uint8_t> in_profile_genre(s.genre_names.size(), 0);
  for (int32_t g : profile_genres) {
    if (g >= 0 && static_cast<size_t>(g) < in_profile_genre.size())
      in_profile_genre[static_cast<size_t>(g)] = 1;
  }
  auto content_of = [&](size_t t) {
    double genre = 0;
    if (!profile_genres.empty() && !s.track_genres[t].empty()) {
      size_t shared = 0;
      for (int32_t g : s.track_genres[t]) shared += in_profile_genre[static_cast<size_t>(g)];
      genre = static_cast<double>(shared) /
              static_cast<double>(s.track_genres[t].size() + profile_genres.size() - shared);
    }
    double audio = 0;
    if (has_centroid && s.has_audio[t]) {
      const float* v = s.audio.data() + t * kAudioFeatureDim;
      double dot = 0;
      for (int d = 0; d < kAudioFeatureDim; ++d)
        dot += static_cast<double>(v[d]) * centroid[static_cast<size_t>(d)];
      audio = std::max(0.0, dot);
    }
    if (has_centroid && !profile_genres.empty()) return 0.5 * audio + 0.5 * genre;
    return has_centroid ? audio : genre;
  };

  // Model: the ALS score of the anchors' summed factors plus the caller's own, scaled to
  // [0, 1] by the best eligible score; without factors (or without a query), popularity among
  // tracks of the profile's genres.
  std::vector<float> query;
  if (s.has_model) {
    std::vector<double> sum(static_cast<size_t>(s.model.factors), 0.0);
    bool any = false;
    for (int32_t a : anchors) {
      const int32_t i = s.track_model_item[static_cast<size_t>(a)];
      if (i < 0) continue;
      auto f = s.model.Item(i);
      for (size_t d = 0; d < f.size(); ++d) sum[d] += f[d];
      any = true;
    }
    if (auto u = s.model_users.find(user_id); u != s.model_users.end()) {
      auto f = s.model.User(u->second);
      for (size_t d = 0; d < f.size(); ++d) sum[d] += f[d];
      any = true;
    }
    if (any) query.assign(sum.begin(), sum.end());
  }
  bool model_from_als = false;
  double best = 0;                 // the best eligible ALS score
  std::vector<float> item_scores;  // exact path: every model item's score
  auto model_of = [&](size_t t) {
    if (model_from_als) {
      const int32_t i = s.track_model_item[t];
      if (i < 0) return 0.0;
      double dot = 0;
      if (!item_scores.empty()) {
        dot = item_scores[static_cast<size_t>(i)];
      } else {
        auto f = s.model.Item(i);
        for (size_t d = 0; d < f.size(); ++d) dot += static_cast<double>(f[d]) * query[d];
      }
      return std::clamp(dot / best, 0.0, 1.0);
    }
    bool in_profile = profile_genres.empty();
    for (int32_t g : s.track_genres[t]) in_profile = in_profile || in_profile_genre[g];
    // +1 so a catalog without popularity figures still yields candidates.
    return in_profile ? (s.popularity[t] + 1) / 101.0 : 0.0;
  };

  // Each generator's candidates. Exact: every track is scored and each generator takes its
  // top share. ANN: the model's and the content's candidates come from the snapshot's
  // indexes and the heads of the popularity lists, and only tracks looked at are scored; the
  // shares are then taken among those by the same signals.
  std::vector<double> content(n, 0.0), model(n, 0.0);
  std::vector<uint8_t> known(n, s.ann ? 0 : 1);  // content[t] and model[t] are computed
  auto ensure = [&](int32_t t) {
    const auto i = static_cast<size_t>(t);
    if (known[i]) return;
    known[i] = 1;
    content[i] = content_of(i);
    model[i] = model_of(i);
  };
  std::vector<int32_t> top_content, top_model;
  if (!s.ann) {
    for (size_t t = 0; t < n; ++t) content[t] = content_of(t);
    if (!query.empty()) {
      // Every model item's score in one vectorized product (cf_model.h).
      ItemScores(s.model, query, item_scores);
      for (size_t t = 0; t < n; ++t) {
        const int32_t i = s.track_model_item[t];
        if (i >= 0 && eligible[t])
          best = std::max(best, double{item_scores[static_cast<size_t>(i)]});
      }
      model_from_als = best > 0;
    }
    for (size_t t = 0; t < n; ++t) model[t] = model_of(t);
    top_content = TopTracks(content, s.popularity, eligible, split.content);
    top_model = TopTracks(model, s.popularity, eligible, split.model);
  } else {
    // The tracks the indexes and popularity heads offer, each once. Co-listened tracks are not
    // among them: the collaborative share is chosen by co-listening alone, and a heavy
    // listener's anchors co-occur with most of the catalog, which would mean scoring it all.
    std::vector<int32_t> looked;
    std::vector<uint8_t> seen(n, 0);
    auto look = [&](int32_t t) {
      if (std::exchange(seen[static_cast<size_t>(t)], 1) == 0) looked.push_back(t);
    };
    std::vector<int32_t> found;
    if (!query.empty() && s.factor_index) {
      SONORA_ASSIGN_OR_RETURN(auto near,
                              NearestEligible(*s.factor_index, query, s.model_item_track, eligible,
                                              split.model, request.excluded.size()));
      for (const auto& [t, dot] : near) best = std::max(best, double{dot});
      model_from_als = best > 0;
      if (model_from_als)
        for (const auto& [t, dot] : near) look(t);
    }
    if (!model_from_als) {
      // Popularity within the profile's genres: the head of each genre's popularity list.
      if (profile_genres.empty()) {
        HeadEligible(s.by_popularity, eligible, split.model, found);
      } else {
        for (int32_t g : profile_genres)
          HeadEligible(s.genre_tracks[static_cast<size_t>(g)], eligible, split.model, found);
      }
    }
    // Content: the audio neighbours of the anchors' centroid and the head of each profile
    // genre, twice the share each so the re-scored top share is drawn from more.
    if (has_centroid && s.audio_index) {
      SONORA_ASSIGN_OR_RETURN(auto near,
                              NearestEligible(*s.audio_index, centroid, s.audio_track, eligible,
                                              2 * split.content, request.excluded.size()));
      for (const auto& [t, cos] : near) look(t);
    }
    for (int32_t g : profile_genres)
      HeadEligible(s.genre_tracks[static_cast<size_t>(g)], eligible, 2 * split.content, found);
    for (int32_t t : found) look(t);
    for (int32_t t : looked) ensure(t);
    top_content = TopTracks(content, s.popularity, eligible, split.content, &looked);
    top_model = TopTracks(model, s.popularity, eligible, split.model, &looked);
  }

  // Pool the generators by their shares, then fill from popular playable tracks.
  std::vector<int32_t> candidates;
  std::vector<uint8_t> in_pool(n, 0);
  auto add = [&](int32_t t) {
    if (in_pool[static_cast<size_t>(t)]) return;
    in_pool[static_cast<size_t>(t)] = 1;
    candidates.push_back(t);
  };
  for (int32_t t :
       TopTracks(collaborative, s.popularity, eligible, split.collaborative, &co_listened))
    add(t);
  for (int32_t t : top_content) add(t);
  for (int32_t t : top_model) add(t);
  for (int32_t t : s.by_popularity) {
    if (static_cast<int>(candidates.size()) >= limit) break;
    if (eligible[static_cast<size_t>(t)]) add(t);
  }

  // Score with the blend.
  const int64_t now = clock_.NowMillis();
  std::vector<double> score(n, 0.0);
  for (int32_t t : candidates) {
    const auto i = static_cast<size_t>(t);
    ensure(t);
    BlendSignals sig;
    sig.content = content[i];
    sig.collaborative = std::max(collaborative[i], model_from_als ? model[i] : 0.0);
    sig.popularity = s.popularity[i];
    sig.freshness = FreshnessScore(s.release_ms[i], now);
    score[i] = BlendScore(sig);
  }
  std::sort(candidates.begin(), candidates.end(), [&score](int32_t a, int32_t b) {
    if (score[static_cast<size_t>(a)] != score[static_cast<size_t>(b)])
      return score[static_cast<size_t>(a)] > score[static_cast<size_t>(b)];
    return a < b;
  });
  std::vector<int32_t> ranked = candidates;
  if (request.max_per_artist > 0) {
    // A hard cap (Discover Weekly: 2 per artist), counted on the primary artist.
    std::unordered_map<int32_t, int> per_artist;
    auto take = [&](int32_t t) {
      const auto& artists = s.track_artists[static_cast<size_t>(t)];
      const int32_t a = artists.empty() ? -1 : artists.front();
      if (a >= 0 && per_artist[a] >= request.max_per_artist) return;
      if (a >= 0) ++per_artist[a];
      ranked.push_back(t);
    };
    ranked.clear();
    for (int32_t t : candidates) take(t);
    // The cap can empty the pool (a few prolific artists): go on down the popular tracks.
    for (int32_t t : s.by_popularity) {
      if (static_cast<int>(ranked.size()) >= limit) break;
      if (!eligible[static_cast<size_t>(t)] || in_pool[static_cast<size_t>(t)]) continue;
      in_pool[static_cast<size_t>(t)] = 1;
      const size_t before = ranked.size();
      take(t);
      if (ranked.size() > before) {
        ensure(t);
        BlendSignals sig;
        sig.content = content[static_cast<size_t>(t)];
        sig.popularity = s.popularity[static_cast<size_t>(t)];
        sig.freshness = FreshnessScore(s.release_ms[static_cast<size_t>(t)], now);
        score[static_cast<size_t>(t)] = BlendScore(sig);
      }
    }
  }
  const std::vector<int32_t> picked =
      DiversifyByGenre(ranked, s.primary_genre, kMaxPerGenre, static_cast<size_t>(limit));

  // Reasons need the caller's follows and history.
  SONORA_ASSIGN_OR_RETURN(auto followed, signals_.FollowedArtists(user_id));
  std::unordered_set<int32_t> played;
  if (int32_t u = s.users.Find(user_id); u >= 0 && u < s.matrix.users()) {
    auto items = by_user.Cols(u);
    auto vals = by_user.Values(u);
    for (size_t k = 0; k < items.size(); ++k) {
      const int32_t t = s.item_track[static_cast<size_t>(items[k])];
      if (vals[k] > 0 && t >= 0) played.insert(t);
    }
  }
  std::unordered_set<int32_t> followed_artists;
  for (const auto& id : followed) {
    if (auto it = s.artist_index.find(id); it != s.artist_index.end()) {
      followed_artists.insert(it->second);
    }
  }
  auto reason_for = [&](int32_t t) -> std::string {
    const auto i = static_cast<size_t>(t);
    for (int32_t a : s.track_artists[i]) {
      if (followed_artists.count(a) && FreshnessScore(s.release_ms[i], now) > 0) {
        return "New from an artist you follow";
      }
    }
    // Co-listening with a seed is the most telling evidence, so it names the seed.
    if (because[i] >= 0 && collaborative[i] >= kMinExplainedCoListening) {
      const std::string& title = s.titles[static_cast<size_t>(because[i])];
      if (played.count(because[i])) return "Because you played " + title;
      return "Listeners of " + title + " also play this";
    }
    if (content[i] > 0 && kWeightContent * content[i] >= kWeightCollaborative * model[i]) {
      return request.genre_only ? "Picked for the genres you chose" : "Sounds like your seeds";
    }
    return "Popular with listeners like you";
  };

  std::vector<std::string> ids;
  for (int32_t t : picked) ids.push_back(s.track_ids[static_cast<size_t>(t)]);
  SONORA_ASSIGN_OR_RETURN(auto tracks, repo_.GetTracks(ids));
  std::unordered_map<std::string, catalog::Track*> by_id;
  for (auto& tr : tracks) by_id.emplace(tr.track_id, &tr);
  std::vector<Recommendation> out;
  for (int32_t t : picked) {
    auto it = by_id.find(s.track_ids[static_cast<size_t>(t)]);
    if (it == by_id.end()) continue;  // deleted since the snapshot
    Recommendation r;
    r.track = std::move(*it->second);
    r.match_score = std::clamp(score[static_cast<size_t>(t)], 0.0, 1.0);
    r.reason = reason_for(t);
    out.push_back(std::move(r));
  }
  return out;
}

Result<std::vector<Recommendation>> RecommendationService::ForUser(const std::string& user_id,
                                                                   const std::string& market,
                                                                   int64_t heard_since_ms,
                                                                   int limit, int max_per_artist) {
  SONORA_ASSIGN_OR_RETURN(std::shared_ptr<const Snapshot> snap, Current());
  const Snapshot& s = *snap;
  RankRequest request;
  request.user_id = user_id;
  request.market = market;
  request.limit = limit;
  request.max_per_artist = max_per_artist;
  // Anchors: the most played tracks of the window, then liked tracks, kAnchorsForUser at most.
  constexpr size_t kAnchorsForUser = 10;
  SONORA_ASSIGN_OR_RETURN(auto heard, signals_.HeardSince(user_id, heard_since_ms));
  SONORA_ASSIGN_OR_RETURN(auto liked, signals_.Liked(user_id));
  auto note = [&](const std::string& id, bool anchor) {
    auto it = s.track_index.find(id);
    if (it == s.track_index.end()) return;
    request.excluded.push_back(it->second);
    if (anchor && request.anchors.size() < kAnchorsForUser) request.anchors.push_back(it->second);
  };
  for (const auto& h : heard) note(h.track_id, h.counted > 0);
  for (const auto& id : liked) note(id, true);
  for (int32_t a : request.anchors) {
    for (int32_t g : s.track_genres[static_cast<size_t>(a)]) request.profile_genres.insert(g);
  }
  return Rank(s, request);
}

Result<std::vector<catalog::Artist>> RecommendationService::RelatedArtists(
    const std::string& artist_id, int limit) {
  SONORA_ASSIGN_OR_RETURN(std::shared_ptr<const Snapshot> snap, Current());
  const Snapshot& s = *snap;
  auto found = s.artist_index.find(artist_id);
  if (found == s.artist_index.end()) return Status::NotFound("no such artist");
  const int32_t me = found->second;
  const size_t artists = s.artist_tracks.size();
  // Genre profile per artist: the union of its tracks' genres.
  auto genres_of = [&s](int32_t a) {
    std::unordered_set<int32_t> g;
    for (int32_t t : s.artist_tracks[static_cast<size_t>(a)])
      for (int32_t x : s.track_genres[static_cast<size_t>(t)]) g.insert(x);
    return g;
  };
  const std::unordered_set<int32_t> mine = genres_of(me);
  // Co-listeners: users with a positive play of `me` and of the other artist, counted once.
  std::vector<int32_t> shared(artists, 0);
  std::vector<int32_t> seen(artists, -1);
  std::unordered_set<int32_t> users;
  for (int32_t t : s.artist_tracks[static_cast<size_t>(me)]) {
    const int32_t item = s.track_item[static_cast<size_t>(t)];
    if (item < 0) continue;
    auto cols = s.matrix.by_item().Cols(item);
    auto vals = s.matrix.by_item().Values(item);
    for (size_t k = 0; k < cols.size(); ++k)
      if (vals[k] > 0) users.insert(cols[k]);
  }
  for (int32_t u : users) {
    auto items = s.matrix.by_user().Cols(u);
    auto vals = s.matrix.by_user().Values(u);
    for (size_t k = 0; k < items.size(); ++k) {
      const int32_t t = s.item_track[static_cast<size_t>(items[k])];
      if (vals[k] <= 0 || t < 0) continue;
      for (int32_t a : s.track_artists[static_cast<size_t>(t)]) {
        if (seen[static_cast<size_t>(a)] == u) continue;
        seen[static_cast<size_t>(a)] = u;
        ++shared[static_cast<size_t>(a)];
      }
    }
  }
  // Score: co-listening cosine (kRelatedCoListening) + genre Jaccard (the rest).
  constexpr double kRelatedCoListening = 0.6;
  std::vector<std::pair<double, int32_t>> scored;
  for (size_t a = 0; a < artists; ++a) {
    if (static_cast<int32_t>(a) == me) continue;
    double co = 0;
    if (shared[a] > 0) {
      co = shared[a] / std::sqrt(static_cast<double>(users.size()) *
                                 static_cast<double>(s.artist_listeners[a]));
    }
    double genre = 0;
    const auto theirs = genres_of(static_cast<int32_t>(a));
    if (!mine.empty() && !theirs.empty()) {
      size_t both = 0;
      for (int32_t g : theirs) both += mine.count(g);
      genre = static_cast<double>(both) / static_cast<double>(mine.size() + theirs.size() - both);
    }
    scored.emplace_back(kRelatedCoListening * co + (1 - kRelatedCoListening) * genre,
                        static_cast<int32_t>(a));
  }
  std::sort(scored.begin(), scored.end(), [](const auto& x, const auto& y) {
    return x.first != y.first ? x.first > y.first : x.second < y.second;
  });
  if (scored.size() > static_cast<size_t>(limit)) scored.resize(static_cast<size_t>(limit));
  std::vector<std::string> wanted;
  for (const auto& [score, a] : scored) wanted.push_back(s.artist_ids[static_cast<size_t>(a)]);
  SONORA_ASSIGN_OR_RETURN(auto rows, repo_.GetArtists(wanted));
  std::unordered_map<std::string, catalog::Artist*> by_id;
  for (auto& a : rows) by_id.emplace(a.artist_id, &a);
  std::vector<catalog::Artist> out;
  for (const auto& id : wanted)
    if (auto it = by_id.find(id); it != by_id.end()) out.push_back(std::move(*it->second));
  return out;
}

Result<std::vector<Recommendation>> RecommendationService::RadioCycle(const std::string& user_id,
                                                                      const std::string& seed_track,
                                                                      const std::string& market) {
  SONORA_ASSIGN_OR_RETURN(std::shared_ptr<const Snapshot> snap, Current());
  const Snapshot& s = *snap;
  auto found = s.track_index.find(seed_track);
  if (found == s.track_index.end()) return Status::NotFound("seed track not found");
  RankRequest request;
  request.user_id = user_id;
  request.anchors = {found->second};
  for (int32_t g : s.track_genres[static_cast<size_t>(found->second)])
    request.profile_genres.insert(g);
  request.excluded = {found->second};
  request.market = market;
  request.limit = kRadioCycle;
  SONORA_ASSIGN_OR_RETURN(auto ranked, Rank(s, request));
  // Spread artists out: greedily take the best track whose primary artist is not among the
  // last kRadioArtistGap picks; when none qualifies, the best remaining one.
  std::vector<Recommendation> out;
  std::vector<bool> used(ranked.size(), false);
  auto artist_of = [](const Recommendation& r) {
    return r.track.artists.empty() ? std::string() : r.track.artists.front().artist_id;
  };
  for (size_t n = 0; n < ranked.size(); ++n) {
    size_t pick = ranked.size();
    size_t first_unused = ranked.size();
    for (size_t i = 0; i < ranked.size(); ++i) {
      if (used[i]) continue;
      if (first_unused == ranked.size()) first_unused = i;
      bool recent = false;
      for (size_t k = out.size() > kRadioArtistGap ? out.size() - kRadioArtistGap : 0;
           k < out.size(); ++k) {
        recent = recent || artist_of(out[k]) == artist_of(ranked[i]);
      }
      if (!recent) {
        pick = i;
        break;
      }
    }
    if (pick == ranked.size()) pick = first_unused;
    used[pick] = true;
    out.push_back(ranked[pick]);
  }
  return out;
}

}  // namespace sonora::recommend

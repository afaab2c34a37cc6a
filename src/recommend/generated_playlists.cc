#include "recommend/generated_playlists.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <utility>

#include "core/strings.h"

namespace sonora::recommend {

int64_t DayStartMillis(int64_t ms) {
  int64_t day = ms / kDayMs;
  if (ms % kDayMs < 0) --day;  // floor for times before 1970
  return day * kDayMs;
}

int64_t WeekdayStartMillis(int64_t ms, int weekday) {
  const int64_t day = DayStartMillis(ms) / kDayMs;
  // 1970-01-01 was a Thursday: the Monday-based weekday of `day` is (day + 3) mod 7.
  const int64_t today = ((day + 3) % 7 + 7) % 7;
  const int64_t back = ((today - weekday) % 7 + 7) % 7;
  return (day - back) * kDayMs;
}

Result<std::vector<catalog::Track>> TracksInOrder(catalog::CatalogRepository& repo,
                                                  const std::vector<std::string>& ids) {
  SONORA_ASSIGN_OR_RETURN(auto tracks, repo.GetTracks(ids));
  std::unordered_map<std::string, catalog::Track*> by_id;
  for (auto& t : tracks) by_id.emplace(t.track_id, &t);
  std::vector<catalog::Track> out;
  out.reserve(ids.size());
  for (const auto& id : ids) {
    auto it = by_id.find(id);
    if (it != by_id.end()) out.push_back(*it->second);  // a copy: an id may repeat across lists
  }
  return out;
}

Result<std::vector<GeneratedPlaylist>> PlaylistFamily::Stored(const std::string& user_id,
                                                              int64_t period) {
  SONORA_ASSIGN_OR_RETURN(auto rows, store_.Load(user_id, std::string(family()), period));
  std::vector<GeneratedPlaylist> out;
  std::vector<std::string> all;
  for (auto& r : rows) {
    GeneratedPlaylist p;
    p.user_id = user_id;
    p.kind = std::move(r.list.kind);
    p.name = std::move(r.list.name);
    p.description = std::move(r.list.description);
    p.generated_at_ms = period;
    p.expires_at_ms = r.expires_at_ms;
    p.new_tracks.insert(r.list.new_track_ids.begin(), r.list.new_track_ids.end());
    all.insert(all.end(), r.list.track_ids.begin(), r.list.track_ids.end());
    out.push_back(std::move(p));
  }
  if (out.empty()) return out;
  SONORA_ASSIGN_OR_RETURN(auto tracks, TracksInOrder(repo_, all));
  std::unordered_map<std::string, const catalog::Track*> by_id;
  for (const auto& t : tracks) by_id.emplace(t.track_id, &t);
  for (size_t i = 0; i < out.size(); ++i) {
    for (const auto& id : rows[i].list.track_ids) {
      if (auto it = by_id.find(id); it != by_id.end()) out[i].tracks.push_back(*it->second);
    }
  }
  return out;
}

Result<std::vector<GeneratedPlaylist>> PlaylistFamily::GetAll(const std::string& user_id,
                                                              const std::string& country) {
  const int64_t now = clock_.NowMillis();
  const int64_t period = PeriodStart(now);
  SONORA_ASSIGN_OR_RETURN(auto stored, Stored(user_id, period));
  if (!stored.empty()) return stored;
  SONORA_ASSIGN_OR_RETURN(auto lists, Generate(user_id, country, now));
  if (!lists.empty()) {
    SONORA_RETURN_IF_ERROR(
        store_.Store({{user_id, std::move(lists)}}, period, period + PeriodLengthMs()));
  }
  return Stored(user_id, period);
}

Result<GeneratedPlaylist> PlaylistFamily::Get(const std::string& user_id,
                                              const std::string& country) {
  SONORA_ASSIGN_OR_RETURN(auto lists, GetAll(user_id, country));
  if (lists.empty()) return Status::Internal(std::string(family()) + " was not stored");
  return std::move(lists.front());
}

Result<int64_t> PlaylistFamily::GenerateAll(const std::function<void(int64_t, int64_t)>& progress,
                                            int threads) {
  const int64_t now = clock_.NowMillis();
  const int64_t period = PeriodStart(now);
  SONORA_ASSIGN_OR_RETURN(auto users, store_.UsersWithout(std::string(family()), period));
  const auto total = static_cast<int64_t>(users.size());
  // Users are independent and the ranking snapshot is shared and immutable: `threads` workers
  // take users from one counter. Their lists are committed kBatchUsers users per transaction
  // (one fsync per batch, not per user); progress counts committed users. The first error
  // stops every worker and is returned.
  constexpr size_t kBatchUsers = 64;
  using Pending = std::vector<UserLists>;
  std::atomic<size_t> next{0};
  std::mutex mu;  // guards pending, done, failure and the progress callback
  Pending pending;
  int64_t done = 0;
  Status failure;
  auto flush = [&](Pending batch) {
    Status s = store_.Store(batch, period, period + PeriodLengthMs());
    std::lock_guard lock(mu);
    if (!s.ok()) {
      if (failure.ok()) failure = s;
      return;
    }
    for (size_t k = 0; k < batch.size(); ++k) {
      ++done;
      if (progress) progress(done, total);
    }
  };
  auto work = [&] {
    while (true) {
      const size_t i = next.fetch_add(1);
      if (i >= users.size()) return;
      const auto& [user_id, country] = users[i];
      auto lists = Generate(user_id, country, now);
      Pending full;
      {
        std::lock_guard lock(mu);
        if (!failure.ok()) return;
        if (!lists.ok()) {
          failure = lists.status();
          return;
        }
        pending.emplace_back(user_id, std::move(lists).value());
        if (pending.size() >= kBatchUsers) full.swap(pending);
      }
      if (!full.empty()) flush(std::move(full));
    }
  };
  const int workers = std::clamp(threads, 1, 64);
  std::vector<std::thread> pool;
  for (int t = 1; t < workers; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  if (failure.ok() && !pending.empty()) flush(std::move(pending));
  if (!failure.ok()) return failure;
  return done;
}

}  // namespace sonora::recommend

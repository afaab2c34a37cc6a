#include "recommend/generated_playlists.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <utility>

#include "core/strings.h"

namespace sonora::recommend {

namespace {

std::string JoinIds(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) {
    if (!out.empty()) out += ',';
    out += id;
  }
  return out;
}

// "kind is the family or one of its numbered lists", without LIKE (whose '_' is a wildcard)
// or range comparisons (PostgreSQL's collation may order punctuation differently).
constexpr const char* kFamilyClause = "(kind = ? OR substr(kind, 1, ?) = ?)";

}  // namespace

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
  const std::string fam(family());
  SONORA_ASSIGN_OR_RETURN(
      auto rows,
      db_.Query(std::string("SELECT kind, name, description, track_ids, new_track_ids, "
                            "expires_at_ms FROM generated_playlists WHERE user_id = ? AND "
                            "generated_at_ms = ? AND ") +
                    kFamilyClause + " ORDER BY kind",
                {user_id, period, fam, static_cast<int64_t>(fam.size() + 1), fam + ":"}));
  std::vector<GeneratedPlaylist> out;
  std::vector<std::vector<std::string>> ids;
  std::vector<std::string> all;
  for (const auto& r : rows.rows) {
    GeneratedPlaylist p;
    p.user_id = user_id;
    p.kind = r.GetString(0);
    p.name = r.GetString(1);
    p.description = r.GetString(2);
    p.generated_at_ms = period;
    p.expires_at_ms = r.GetInt(5);
    for (auto& id : Split(r.GetString(4), ',', true)) p.new_tracks.insert(std::move(id));
    ids.push_back(Split(r.GetString(3), ',', true));
    all.insert(all.end(), ids.back().begin(), ids.back().end());
    out.push_back(std::move(p));
  }
  if (out.empty()) return out;
  SONORA_ASSIGN_OR_RETURN(auto tracks, TracksInOrder(repo_, all));
  std::unordered_map<std::string, const catalog::Track*> by_id;
  for (const auto& t : tracks) by_id.emplace(t.track_id, &t);
  for (size_t i = 0; i < out.size(); ++i) {
    for (const auto& id : ids[i]) {
      if (auto it = by_id.find(id); it != by_id.end()) out[i].tracks.push_back(*it->second);
    }
  }
  return out;
}

Status PlaylistFamily::Insert(store::Session& session, const std::string& user_id, int64_t period,
                              const std::vector<GeneratedList>& lists) {
  const int64_t expires = period + PeriodLengthMs();
  for (size_t i = 0; i < lists.size(); ++i) {
    const GeneratedList& l = lists[i];
    SONORA_ASSIGN_OR_RETURN(
        auto inserted,
        session.Query("INSERT INTO generated_playlists (user_id, kind, generated_at_ms, "
                      "expires_at_ms, track_ids, name, description, new_track_ids) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                      "ON CONFLICT (user_id, kind, generated_at_ms) DO NOTHING RETURNING kind",
                      {user_id, l.kind, period, expires, JoinIds(l.track_ids), l.name,
                       l.description, JoinIds(l.new_track_ids)}));
    // The first list decides: when another writer stored this period's lists first (its
    // transaction held the row until it committed), keep all of theirs and none of ours.
    if (inserted.rows.empty()) {
      if (i == 0) return Status();
      return Status::Internal("generated playlists stored by two writers at once");
    }
  }
  return Status();
}

Status PlaylistFamily::Store(const std::string& user_id, int64_t period,
                             const std::vector<GeneratedList>& lists) {
  if (lists.empty()) return Status();
  return db_.Transact(
      [&](store::Session& session) { return Insert(session, user_id, period, lists); });
}

Result<std::vector<GeneratedPlaylist>> PlaylistFamily::GetAll(const std::string& user_id,
                                                              const std::string& country) {
  const int64_t now = clock_.NowMillis();
  const int64_t period = PeriodStart(now);
  SONORA_ASSIGN_OR_RETURN(auto stored, Stored(user_id, period));
  if (!stored.empty()) return stored;
  SONORA_ASSIGN_OR_RETURN(auto lists, Generate(user_id, country, now));
  SONORA_RETURN_IF_ERROR(Store(user_id, period, lists));
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
  const std::string fam(family());
  SONORA_ASSIGN_OR_RETURN(
      auto users,
      db_.Query(std::string("SELECT u.user_id, u.country FROM users u WHERE NOT EXISTS ("
                            "SELECT 1 FROM generated_playlists g WHERE g.user_id = u.user_id "
                            "AND g.generated_at_ms = ? AND ") +
                    kFamilyClause + ") ORDER BY u.user_id",
                {period, fam, static_cast<int64_t>(fam.size() + 1), fam + ":"}));
  const auto total = static_cast<int64_t>(users.rows.size());
  // Users are independent and the ranking snapshot is shared and immutable: `threads` workers
  // take users from one counter. Their lists are committed kBatchUsers users per transaction
  // (one fsync per batch, not per user); progress counts committed users. The first error
  // stops every worker and is returned.
  constexpr size_t kBatchUsers = 64;
  using Pending = std::vector<std::pair<std::string, std::vector<GeneratedList>>>;
  std::atomic<size_t> next{0};
  std::mutex mu;  // guards pending, done, failure and the progress callback
  Pending pending;
  int64_t done = 0;
  Status failure;
  auto flush = [&](Pending batch) {
    Status s = db_.Transact([&](store::Session& session) -> Status {
      for (const auto& [user, lists] : batch) {
        SONORA_RETURN_IF_ERROR(Insert(session, user, period, lists));
      }
      return Status();
    });
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
      if (i >= users.rows.size()) return;
      const auto& r = users.rows[i];
      auto lists = Generate(r.GetString(0), r.GetString(1), now);
      Pending full;
      {
        std::lock_guard lock(mu);
        if (!failure.ok()) return;
        if (!lists.ok()) {
          failure = lists.status();
          return;
        }
        pending.emplace_back(r.GetString(0), std::move(lists).value());
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

// PlaylistService on both backends: item operations keep positions dense, reorder matches a
// reference implementation, stale snapshots are rebased (or refused with kAborted, never
// touching a different item), concurrent writers lose nothing, and the 10,000-item cap.
// Positional writes are checked against a vector model whatever the rows' physical order.
#include "library/playlist_service.h"

#include <algorithm>
#include <random>
#include <set>
#include <thread>

#include "playlist_fixture.h"

namespace sonora::library {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using testing::IsOk;
using testing::StatusIs;
using testing_support::kStart;
using testing_support::PlaylistTestBase;

class PlaylistServiceTest : public PlaylistTestBase {};

TEST_P(PlaylistServiceTest, AppendAndInsertAtPositionKeepPositionsDense) {
  std::string id = NewPlaylist("alice");
  Append("alice", id, {0, 1, 2});
  auto r = service_->AddTracks("alice", id, {.track_ids = Ids({7, 8}), .position = 1});
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->tracks_added, 2);
  EXPECT_THAT(Items(id), ElementsAreArray(Ids({0, 7, 8, 1, 2})));
  ASSERT_THAT(service_->AddTracks("alice", id, {.track_ids = Ids({9}), .position = 0}), IsOk());
  ASSERT_THAT(service_->AddTracks("alice", id, {.track_ids = Ids({5}), .position = 6}), IsOk());
  EXPECT_THAT(Items(id), ElementsAreArray(Ids({9, 0, 7, 8, 1, 2, 5})));
  EXPECT_THAT(service_->AddTracks("alice", id, {.track_ids = Ids({5}), .position = 8}),
              StatusIs(Code::kInvalidArgument));
  EXPECT_THAT(service_->AddTracks("alice", id, {.track_ids = Ids({5}), .position = -1}),
              StatusIs(Code::kInvalidArgument));
}

TEST_P(PlaylistServiceTest, EveryMutationChangesTheSnapshot) {
  std::string id = NewPlaylist("alice");
  std::string s0 = Snapshot("alice", id);
  std::string s1 = Append("alice", id, {0, 1});
  EXPECT_NE(s0, s1);
  EXPECT_EQ(Snapshot("alice", id), s1);
  auto s2 = service_->ReorderTracks("alice", id, {.range_start = 0, .insert_before = 2});
  ASSERT_THAT(s2, IsOk());
  EXPECT_NE(*s2, s1);
  EXPECT_EQ(Snapshot("alice", id), *s2);
}

TEST_P(PlaylistServiceTest, AddRejectsUnknownMalformedAndTooManyTracks) {
  std::string id = NewPlaylist("alice");
  Status unknown = service_->AddTracks("alice", id, {.track_ids = {"track_nope"}}).status();
  EXPECT_THAT(unknown, StatusIs(Code::kInvalidArgument));
  EXPECT_EQ(unknown.field(), "track_ids");
  Status malformed = service_->AddTracks("alice", id, {.track_ids = {"bad id!"}}).status();
  EXPECT_EQ(malformed.field(), "track_ids");
  Status empty = service_->AddTracks("alice", id, {.track_ids = {}}).status();
  EXPECT_EQ(empty.field(), "track_ids");
  std::vector<std::string> many(101, Track(0));
  EXPECT_EQ(service_->AddTracks("alice", id, {.track_ids = many}).status().field(), "track_ids");
  EXPECT_TRUE(Items(id).empty());
}

TEST_P(PlaylistServiceTest, TheTenThousandAndFirstItemIsRefused) {
  std::string id = NewPlaylist("alice");
  std::vector<std::string> hundred(100, Track(3));
  for (int i = 0; i < 100; ++i) {
    ASSERT_THAT(service_->AddTracks("alice", id, {.track_ids = hundred}), IsOk()) << i;
  }
  Status over = service_->AddTracks("alice", id, {.track_ids = {Track(1)}}).status();
  EXPECT_THAT(over, StatusIs(Code::kInvalidArgument));
  EXPECT_EQ(over.field(), "track_ids");
  auto p = service_->Get("alice", id);
  ASSERT_THAT(p, IsOk());
  EXPECT_EQ(p->tracks_count, 10000);
}

TEST_P(PlaylistServiceTest, RemoveByIdRemovesEveryOccurrence) {
  std::string id = NewPlaylist("alice");
  Append("alice", id, {0, 1, 0, 2, 0});
  auto r = service_->RemoveTracks("alice", id, {.tracks = {{.track_id = Track(0)}}});
  ASSERT_THAT(r, IsOk());
  EXPECT_THAT(Items(id), ElementsAreArray(Ids({1, 2})));
  // Removing what isn't there changes nothing.
  auto again = service_->RemoveTracks("alice", id, {.tracks = {{.track_id = Track(0)}}});
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(*again, *r);
}

TEST_P(PlaylistServiceTest, RemoveByPositionsRemovesOnlyThose) {
  std::string id = NewPlaylist("alice");
  Append("alice", id, {0, 1, 0, 2, 0});
  ASSERT_THAT(service_->RemoveTracks(
                  "alice", id,
                  {.tracks = {{.track_id = Track(0), .positions = std::vector<int64_t>{2, 4}}}}),
              IsOk());
  EXPECT_THAT(Items(id), ElementsAreArray(Ids({0, 1, 2})));
  // A position that doesn't hold the named track, or is past the end: 400, nothing removed.
  Status wrong =
      service_
          ->RemoveTracks("alice", id,
                         {.tracks = {{.track_id = Track(0), .positions = std::vector<int64_t>{1}}}})
          .status();
  EXPECT_THAT(wrong, StatusIs(Code::kInvalidArgument));
  EXPECT_EQ(wrong.field(), "tracks");
  EXPECT_THAT(
      service_->RemoveTracks(
          "alice", id, {.tracks = {{.track_id = Track(0), .positions = std::vector<int64_t>{3}}}}),
      StatusIs(Code::kInvalidArgument));
  EXPECT_THAT(Items(id), ElementsAreArray(Ids({0, 1, 2})));
}

// Spotify's reorder on a plain vector: the reference the service must match.
std::vector<int> ReferenceReorder(std::vector<int> v, int start, int length, int before) {
  std::vector<int> moved(v.begin() + start, v.begin() + start + length);
  v.erase(v.begin() + start, v.begin() + start + length);
  int at = before > start ? before - length : before;
  if (before >= start && before <= start + length) at = start;
  v.insert(v.begin() + at, moved.begin(), moved.end());
  return v;
}

TEST_P(PlaylistServiceTest, ReorderMatchesTheReferenceImplementation) {
  struct Case {
    int start, length, before;
  };
  static const Case kCases[] = {
      {0, 1, 3}, {3, 1, 0}, {0, 2, 6}, {4, 2, 0}, {2, 3, 1}, {1, 3, 6},
      {2, 2, 2}, {2, 2, 3}, {2, 2, 4}, {0, 6, 0}, {5, 1, 0}, {0, 1, 1},
  };
  for (const auto& c : kCases) {
    std::string id = NewPlaylist("alice");
    std::vector<int> v = {0, 1, 2, 3, 4, 5};
    Append("alice", id, v);
    auto r = service_->ReorderTracks(
        "alice", id, {.range_start = c.start, .range_length = c.length, .insert_before = c.before});
    ASSERT_THAT(r, IsOk()) << c.start << "," << c.length << "," << c.before;
    EXPECT_THAT(Items(id), ElementsAreArray(Ids(ReferenceReorder(v, c.start, c.length, c.before))))
        << "range_start=" << c.start << " range_length=" << c.length
        << " insert_before=" << c.before;
  }
}

TEST_P(PlaylistServiceTest, ReorderRejectsBadRanges) {
  std::string id = NewPlaylist("alice");
  Append("alice", id, {0, 1, 2});
  struct Case {
    int start, length, before;
    const char* field;
  };
  static const Case kCases[] = {{-1, 1, 0, "range_start"},   {3, 1, 0, "range_start"},
                                {0, 0, 2, "range_length"},   {2, 2, 0, "range_length"},
                                {0, 1, -1, "insert_before"}, {0, 1, 4, "insert_before"}};
  for (const auto& c : kCases) {
    Status s =
        service_
            ->ReorderTracks(
                "alice", id,
                {.range_start = c.start, .range_length = c.length, .insert_before = c.before})
            .status();
    EXPECT_THAT(s, StatusIs(Code::kInvalidArgument)) << c.field;
    EXPECT_EQ(s.field(), c.field);
  }
}

TEST_P(PlaylistServiceTest, InsertWithStaleSnapshotAfterConcurrentAppendLandsWhereMeant) {
  std::string id = NewPlaylist("alice");
  std::string s = Append("alice", id, {0, 1, 2, 3, 4});
  Append("alice", id, {10, 11, 12});  // another writer
  ASSERT_THAT(
      service_->AddTracks("alice", id, {.track_ids = Ids({20}), .position = 2, .snapshot_id = s}),
      IsOk());
  EXPECT_THAT(Items(id), ElementsAreArray(Ids({0, 1, 20, 2, 3, 4, 10, 11, 12})));
}

TEST_P(PlaylistServiceTest, InsertWithStaleSnapshotAfterConcurrentFrontInsertFollowsItsAnchor) {
  std::string id = NewPlaylist("alice");
  std::string s = Append("alice", id, {0, 1, 2, 3, 4});
  ASSERT_THAT(service_->AddTracks("alice", id, {.track_ids = Ids({10, 11}), .position = 0}),
              IsOk());
  ASSERT_THAT(
      service_->AddTracks("alice", id, {.track_ids = Ids({20}), .position = 2, .snapshot_id = s}),
      IsOk());
  // "Before track 2" in S is still before track 2.
  EXPECT_THAT(Items(id), ElementsAreArray(Ids({10, 11, 0, 1, 20, 2, 3, 4})));
}

TEST_P(PlaylistServiceTest, RemovePositionWithStaleSnapshotRemovesTheSameItem) {
  std::string id = NewPlaylist("alice");
  std::string s = Append("alice", id, {0, 1, 2, 3, 4, 5});
  ASSERT_THAT(service_->AddTracks("alice", id, {.track_ids = Ids({10, 11}), .position = 0}),
              IsOk());
  // Position 4 in S held track 4; it is now at 6.
  ASSERT_THAT(service_->RemoveTracks(
                  "alice", id,
                  {.tracks = {{.track_id = Track(4), .positions = std::vector<int64_t>{4}}},
                   .snapshot_id = s}),
              IsOk());
  EXPECT_THAT(Items(id), ElementsAreArray(Ids({10, 11, 0, 1, 2, 3, 5})));
}

TEST_P(PlaylistServiceTest, RebasesThroughRemovalsAndMoves) {
  std::string id = NewPlaylist("alice");
  std::string s = Append("alice", id, {0, 1, 2, 3, 4, 5});
  ASSERT_THAT(service_->RemoveTracks("alice", id, {.tracks = {{.track_id = Track(1)}}}), IsOk());
  ASSERT_THAT(service_->ReorderTracks("alice", id, {.range_start = 4, .insert_before = 0}),
              IsOk());  // [5 0 2 3 4]
  ASSERT_THAT(service_->RemoveTracks(
                  "alice", id,
                  {.tracks = {{.track_id = Track(3), .positions = std::vector<int64_t>{3}},
                              {.track_id = Track(5), .positions = std::vector<int64_t>{5}}},
                   .snapshot_id = s}),
              IsOk());
  EXPECT_THAT(Items(id), ElementsAreArray(Ids({0, 2, 4})));
}

TEST_P(PlaylistServiceTest, StalePositionWhoseItemVanishedIsRefusedAndNothingChanges) {
  std::string id = NewPlaylist("alice");
  std::string s = Append("alice", id, {0, 1, 2, 3});
  ASSERT_THAT(
      service_->RemoveTracks(
          "alice", id, {.tracks = {{.track_id = Track(2), .positions = std::vector<int64_t>{2}}}}),
      IsOk());
  Append("alice", id, {2});  // track 2 again, at another place: still a different item
  std::string before = Snapshot("alice", id);
  Status st =
      service_
          ->RemoveTracks("alice", id,
                         {.tracks = {{.track_id = Track(2), .positions = std::vector<int64_t>{2}}},
                          .snapshot_id = s})
          .status();
  EXPECT_THAT(st, StatusIs(Code::kAborted));
  EXPECT_EQ(st.reason(), "stale_snapshot");
  EXPECT_NE(st.message().find(before), std::string_view::npos) << st.message();
  EXPECT_THAT(Items(id), ElementsAreArray(Ids({0, 1, 3, 2})));
  EXPECT_EQ(Snapshot("alice", id), before);
  // A reorder whose range was removed since is refused too.
  EXPECT_THAT(
      service_->ReorderTracks(
          "alice", id, {.range_start = 1, .range_length = 2, .insert_before = 0, .snapshot_id = s}),
      StatusIs(Code::kAborted));
}

TEST_P(PlaylistServiceTest, UnknownSnapshotOrOneBeforeAReplaceIsStale) {
  std::string id = NewPlaylist("alice");
  std::string s = Append("alice", id, {0, 1, 2});
  EXPECT_THAT(service_->AddTracks("alice", id,
                                  {.track_ids = Ids({5}), .position = 0, .snapshot_id = "nope"}),
              StatusIs(Code::kAborted));
  ASSERT_THAT(service_->ReplaceTracks(
                  "alice", id, {.track_ids = Ids({7, 8}), .if_match = Snapshot("alice", id)}),
              IsOk());
  EXPECT_THAT(
      service_->AddTracks("alice", id, {.track_ids = Ids({5}), .position = 1, .snapshot_id = s}),
      StatusIs(Code::kAborted));
  EXPECT_THAT(Items(id), ElementsAreArray(Ids({7, 8})));
}

TEST_P(PlaylistServiceTest, ReplaceNeedsAFreshIfMatch) {
  std::string id = NewPlaylist("alice");
  std::string s = Append("alice", id, {0, 1});
  EXPECT_THAT(service_->ReplaceTracks("alice", id, {.track_ids = Ids({3})}),
              StatusIs(Code::kPreconditionRequired));
  Append("alice", id, {2});
  EXPECT_THAT(service_->ReplaceTracks("alice", id, {.track_ids = Ids({3}), .if_match = s}),
              StatusIs(Code::kAborted));
  EXPECT_THAT(Items(id), ElementsAreArray(Ids({0, 1, 2})));
  ASSERT_THAT(
      service_->ReplaceTracks("alice", id, {.track_ids = {}, .if_match = Snapshot("alice", id)}),
      IsOk());
  EXPECT_TRUE(Items(id).empty());
}

TEST_P(PlaylistServiceTest, ConcurrentWritersLoseNothing) {
  std::string id = NewPlaylist("alice");
  constexpr int kThreads = 8, kAdds = 25;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kAdds; ++i) {
        // Half append, half insert at the front, so renumbering races too.
        AddTracksRequest r{.track_ids = {Track(t)}};
        if (i % 2) r.position = 0;
        auto res = service_->AddTracks("alice", id, r);
        if (!res.ok()) {
          ++failures;
          ADD_FAILURE() << res.status().ToString();
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  auto items = Items(id);  // also checks positions are exactly 0..n-1
  ASSERT_EQ(items.size(), static_cast<size_t>(kThreads * kAdds));
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(std::count(items.begin(), items.end(), Track(t)), kAdds) << t;
  }
  auto p = service_->Get("alice", id);
  ASSERT_THAT(p, IsOk());
  EXPECT_EQ(p->tracks_count, kThreads * kAdds);
  auto log = service_->GetActivity("alice", id, 1, 0);
  ASSERT_THAT(log, IsOk());
  EXPECT_EQ(log->total, kThreads * kAdds + 1);  // plus the create
}

TEST_P(PlaylistServiceTest, RolesDecideWhoMayDoWhat) {
  std::string priv = NewPlaylist("alice", false);
  std::string pub = NewPlaylist("alice", true);
  std::string collab = NewPlaylist("alice", false, true);
  ASSERT_THAT(service_->AddCollaborator("alice", collab, "bob"), IsOk());
  // Strangers see nothing of a private playlist.
  EXPECT_THAT(service_->Get("carol", priv), StatusIs(Code::kNotFound));
  EXPECT_THAT(service_->AddTracks("carol", priv, {.track_ids = Ids({1})}),
              StatusIs(Code::kNotFound));
  EXPECT_THAT(service_->Get("carol", collab), StatusIs(Code::kNotFound));
  // Viewers of a public playlist may not edit it.
  EXPECT_THAT(service_->AddTracks("carol", pub, {.track_ids = Ids({1})}),
              StatusIs(Code::kPermissionDenied));
  // Collaborators may edit items but not details.
  EXPECT_THAT(service_->AddTracks("bob", collab, {.track_ids = Ids({1, 2})}), IsOk());
  EXPECT_THAT(service_->RemoveTracks("bob", collab, {.tracks = {{.track_id = Track(1)}}}), IsOk());
  Status rename =
      service_->Update("bob", collab, {.name = "mine", .if_match = Snapshot("bob", collab)})
          .status();
  EXPECT_THAT(rename, StatusIs(Code::kPermissionDenied));
  EXPECT_EQ(rename.reason(), "not_owner");
  EXPECT_THAT(service_->Delete("bob", collab), StatusIs(Code::kPermissionDenied));
  EXPECT_THAT(service_->AddCollaborator("bob", collab, "carol"), StatusIs(Code::kPermissionDenied));
  // Removing the collaborator hides the playlist from them again.
  ASSERT_THAT(service_->RemoveCollaborator("alice", collab, "bob"), IsOk());
  EXPECT_THAT(service_->Get("bob", collab), StatusIs(Code::kNotFound));
  // Inviting needs a real user, a collaborative playlist, and not the owner.
  EXPECT_THAT(service_->AddCollaborator("alice", collab, "user_nobody"), StatusIs(Code::kNotFound));
  EXPECT_THAT(service_->AddCollaborator("alice", priv, "bob"), StatusIs(Code::kFailedPrecondition));
  EXPECT_THAT(service_->AddCollaborator("alice", collab, "alice"),
              StatusIs(Code::kInvalidArgument));
}

TEST_P(PlaylistServiceTest, ActivityRecordsWhoDidWhatNewestFirst) {
  std::string id = NewPlaylist("alice", false, true);
  ASSERT_THAT(service_->AddCollaborator("alice", id, "bob"), IsOk());
  Append("alice", id, {0, 1});
  clock_.Advance(std::chrono::seconds(5));
  Append("bob", id, {2});
  ASSERT_THAT(service_->ReorderTracks("bob", id, {.range_start = 2, .insert_before = 0}), IsOk());
  ASSERT_THAT(service_->RemoveTracks("alice", id, {.tracks = {{.track_id = Track(0)}}}), IsOk());
  auto log = service_->GetActivity("bob", id, 10, 0);
  ASSERT_THAT(log, IsOk());
  ASSERT_EQ(log->total, 5);
  ASSERT_EQ(log->items.size(), 5u);
  EXPECT_EQ(log->items[0].kind, OpKind::kRemove);
  EXPECT_EQ(log->items[0].user_id, "alice");
  EXPECT_THAT(log->items[0].positions, ElementsAre(1));
  EXPECT_THAT(log->items[0].track_ids, ElementsAre(Track(0)));
  EXPECT_EQ(log->items[1].kind, OpKind::kMove);
  EXPECT_EQ(log->items[1].user_id, "bob");
  EXPECT_EQ(log->items[2].kind, OpKind::kAdd);
  EXPECT_EQ(log->items[2].created_at_ms, kStart + 5000);
  EXPECT_EQ(log->items[3].kind, OpKind::kAdd);
  EXPECT_EQ(log->items[4].kind, OpKind::kCreate);
  EXPECT_THAT(service_->GetActivity("carol", id, 10, 0), StatusIs(Code::kNotFound));
}

// Positional writes renumber rows in SQL, touching only the rows that move. Inserting at the
// front first makes the table's physical (rowid) order differ from position order, which is
// the case where a naive "position = position - k" UPDATE trips the primary key half-way.
TEST_P(PlaylistServiceTest, RemovingFromTheMiddleKeepsPositionsDenseWhateverTheRowOrder) {
  std::string id = NewPlaylist("alice");
  std::vector<int> model = {10, 11, 12, 13, 14, 15};
  Append("alice", id, model);
  for (int t : {9, 8, 7, 6, 5}) {  // each at the front: rowids now run against positions
    ASSERT_THAT(service_->AddTracks("alice", id, {.track_ids = Ids({t}), .position = 0}), IsOk());
    model.insert(model.begin(), t);
  }
  ASSERT_THAT(Items(id), ElementsAreArray(Ids(model)));  // 5..15
  // Two runs and a single position in one request: 6,7 | 10 | 12,13.
  ASSERT_THAT(service_->RemoveTracks(
                  "alice", id,
                  {.tracks = {{.track_id = Track(6), .positions = std::vector<int64_t>{1}},
                              {.track_id = Track(7), .positions = std::vector<int64_t>{2}},
                              {.track_id = Track(10), .positions = std::vector<int64_t>{5}},
                              {.track_id = Track(13), .positions = std::vector<int64_t>{8}},
                              {.track_id = Track(12), .positions = std::vector<int64_t>{7}}}}),
              IsOk());
  EXPECT_THAT(Items(id), ElementsAreArray(Ids({5, 8, 9, 11, 14, 15})));
  auto log = service_->GetActivity("alice", id, 1, 0);
  ASSERT_THAT(log, IsOk());
  EXPECT_THAT(log->items[0].positions, ElementsAre(1, 2, 5, 7, 8));
  EXPECT_THAT(log->items[0].track_ids, ElementsAreArray(Ids({6, 7, 10, 12, 13})));
  EXPECT_EQ(log->items[0].tracks_count_after, 6);
}

// Random inserts, removes (by position and by id) and moves against a plain vector, with the
// table read back after every step: positions stay exactly 0..n-1 and the order matches.
TEST_P(PlaylistServiceTest, RandomPositionalWritesMatchAVectorModel) {
  std::string id = NewPlaylist("alice");
  std::vector<int> model;
  std::mt19937 rng(11);
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  for (int step = 0; step < 60; ++step) {
    const int n = static_cast<int>(model.size());
    const int what = n < 4 ? 0 : pick(0, 3);
    if (what == 0) {  // insert 1-4 tracks at a random position
      std::vector<int> fresh;
      for (int i = pick(1, 4); i > 0; --i) fresh.push_back(pick(0, 29));
      const int at = pick(0, n);
      ASSERT_THAT(service_->AddTracks("alice", id, {.track_ids = Ids(fresh), .position = at}),
                  IsOk());
      model.insert(model.begin() + at, fresh.begin(), fresh.end());
    } else if (what == 1) {  // remove a few scattered positions
      std::set<int> chosen;
      for (int i = pick(1, 4); i > 0; --i) chosen.insert(pick(0, n - 1));
      RemoveTracksRequest r;
      for (int pos : chosen) {
        r.tracks.push_back({.track_id = Track(model[pos]),
                            .positions = std::vector<int64_t>{static_cast<int64_t>(pos)}});
      }
      ASSERT_THAT(service_->RemoveTracks("alice", id, r), IsOk());
      for (auto it = chosen.rbegin(); it != chosen.rend(); ++it) model.erase(model.begin() + *it);
    } else if (what == 2) {  // remove every occurrence of one track
      const int t = model[pick(0, n - 1)];
      ASSERT_THAT(service_->RemoveTracks("alice", id, {.tracks = {{.track_id = Track(t)}}}),
                  IsOk());
      model.erase(std::remove(model.begin(), model.end(), t), model.end());
    } else {  // move a range
      const int start = pick(0, n - 1);
      const int length = pick(1, n - start);
      const int before = pick(0, n);
      ASSERT_THAT(
          service_->ReorderTracks(
              "alice", id, {.range_start = start, .range_length = length, .insert_before = before}),
          IsOk());
      model = ReferenceReorder(model, start, length, before);
    }
    ASSERT_THAT(Items(id), ElementsAreArray(Ids(model))) << "after step " << step;
    auto p = service_->Get("alice", id);
    ASSERT_THAT(p, IsOk());
    ASSERT_EQ(p->tracks_count, static_cast<int64_t>(model.size()));
  }
}

// Pages are position ranges: every offset returns exactly the items at those positions.
TEST_P(PlaylistServiceTest, PagesAreTheirPositionRanges) {
  std::string id = NewPlaylist("alice");
  std::vector<int> model;
  for (int i = 0; i < 25; ++i) model.push_back(i);
  Append("alice", id, model);
  ASSERT_THAT(service_->AddTracks("alice", id, {.track_ids = Ids({29}), .position = 3}), IsOk());
  model.insert(model.begin() + 3, 29);
  for (int64_t offset : {0, 3, 10, 24, 25, 26, 1000}) {
    auto page = service_->GetTracks("alice", id, 5, offset);
    ASSERT_THAT(page, IsOk());
    EXPECT_EQ(page->total, 26);
    std::vector<std::string> got;
    for (size_t i = 0; i < page->items.size(); ++i) {
      EXPECT_EQ(page->items[i].item.position, offset + static_cast<int64_t>(i));
      EXPECT_EQ(page->items[i].track.track_id, page->items[i].item.track_id);
      got.push_back(page->items[i].item.track_id);
    }
    std::vector<std::string> want;
    for (int64_t p = offset; p < std::min<int64_t>(offset + 5, 26); ++p) {
      want.push_back(Track(model[p]));
    }
    EXPECT_EQ(got, want) << "offset " << offset;
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, PlaylistServiceTest,
                         ::testing::ValuesIn(sonora::testing::AllBackends()),
                         sonora::testing::BackendParamName());

}  // namespace
}  // namespace sonora::library

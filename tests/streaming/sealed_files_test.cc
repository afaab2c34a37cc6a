// SealedFiles: the on-disk cache of sealed chunks and HLS segments, per key period.

#include "streaming/sealed_files.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "support/status_matchers.h"
#include "support/temp_dir.h"

namespace sonora::streaming {
namespace {

namespace fs = std::filesystem;
using ::sonora::testing::IsOk;
using ::sonora::testing::StatusIs;

std::string ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

class SealedFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = dir_.path() + "/media";
    cache_ = dir_.path() + "/cache/sealed";
    fs::create_directories(store_ + "/tracks/ab/track_1/v1/320");
    clear_.path = store_ + "/tracks/ab/track_1/v1/320/chunk_2.ogg";
    std::ofstream(clear_.path, std::ios::binary) << "OggS clear chunk bytes";
    clear_.size = static_cast<int64_t>(fs::file_size(clear_.path));
    clear_.mtime_s = 1700000000;
    clear_.last_modified = "Tue, 14 Nov 2023 22:13:20 GMT";
    clear_.etag = "\"track_1-v1-320-chunk_2.ogg\"";
    clear_.chunk_index = 2;
  }

  // A reversible stand-in for a cipher that counts its calls.
  SealedFiles::Seal Counting(std::string tag) {
    return [this, tag](std::string clear) -> Result<std::string> {
      seals_.fetch_add(1);
      return tag + ":" + clear;
    };
  }

  testing::TempDir dir_;
  std::string store_, cache_;
  ResolvedFile clear_;
  std::atomic<int> seals_{0};
};

TEST_F(SealedFilesTest, SealsOnceThenServesTheFileOnDisk) {
  SealedFiles files(cache_, store_);
  ASSERT_THAT(files.Start(), IsOk());
  SONORA_ASSERT_OK_AND_ASSIGN(SealedCopy first, files.Get(clear_, "ctr", 20000, Counting("k")));
  ASSERT_TRUE(first.on_disk);
  EXPECT_TRUE(first.body.empty());
  EXPECT_EQ(first.file->path, cache_ + "/p20000/ctr/tracks/ab/track_1/v1/320/chunk_2.ogg");
  EXPECT_EQ(ReadFile(first.file->path), "k:OggS clear chunk bytes");
  EXPECT_EQ(first.file->size, static_cast<int64_t>(ReadFile(first.file->path).size()));
  EXPECT_EQ(first.file->etag, "\"track_1-v1-320-chunk_2.ogg-ctr-p20000\"");
  EXPECT_EQ(first.file->last_modified, clear_.last_modified);
  EXPECT_EQ(first.file->chunk_index, 2);
  EXPECT_NE(first.file->open, nullptr) << "held open for sendfile";

  SONORA_ASSERT_OK_AND_ASSIGN(SealedCopy again, files.Get(clear_, "ctr", 20000, Counting("k")));
  EXPECT_EQ(again.file->path, first.file->path);
  EXPECT_EQ(again.file->open, first.file->open);
  EXPECT_EQ(seals_.load(), 1) << "sealed once per (kind, period, file)";
  EXPECT_EQ(files.written(), 1);
  // No temporary file is left beside it.
  int entries = 0;
  for (const auto& e : fs::directory_iterator(fs::path(first.file->path).parent_path())) {
    (void)e;
    ++entries;
  }
  EXPECT_EQ(entries, 1);
}

TEST_F(SealedFilesTest, KindsAndPeriodsAreSeparateCopies) {
  SealedFiles files(cache_, store_);
  SONORA_ASSERT_OK_AND_ASSIGN(SealedCopy a, files.Get(clear_, "ctr", 20000, Counting("a")));
  SONORA_ASSERT_OK_AND_ASSIGN(SealedCopy b, files.Get(clear_, "ctr", 20001, Counting("b")));
  SONORA_ASSERT_OK_AND_ASSIGN(SealedCopy c, files.Get(clear_, "hls", 20000, Counting("c")));
  EXPECT_EQ(seals_.load(), 3);
  EXPECT_EQ(ReadFile(a.file->path), "a:OggS clear chunk bytes");
  EXPECT_EQ(ReadFile(b.file->path), "b:OggS clear chunk bytes");
  EXPECT_EQ(ReadFile(c.file->path), "c:OggS clear chunk bytes");
  EXPECT_NE(a.file->etag, b.file->etag);
  EXPECT_NE(a.file->etag, c.file->etag);
}

TEST_F(SealedFilesTest, AForgottenCopyOnDiskIsReusedNotResealed) {
  {
    SealedFiles files(cache_, store_);
    ASSERT_THAT(files.Get(clear_, "ctr", 20000, Counting("k")).status(), IsOk());
  }
  // A second instance without Start (as a test would) finds the copy on disk.
  SealedFiles files(cache_, store_);
  SONORA_ASSERT_OK_AND_ASSIGN(SealedCopy copy, files.Get(clear_, "ctr", 20000, Counting("k")));
  EXPECT_TRUE(copy.on_disk);
  EXPECT_EQ(seals_.load(), 1);
}

TEST_F(SealedFilesTest, StartSetsAsideWhatAnEarlierProcessLeftAndPruneDeletesIt) {
  {
    SealedFiles files(cache_, store_);
    ASSERT_THAT(files.Get(clear_, "ctr", 20000, Counting("old")).status(), IsOk());
  }
  // Say the earlier process crashed halfway through a write.
  std::ofstream(cache_ + "/p20000/ctr/tracks/ab/track_1/v1/320/chunk_3.ogg.tmp-x") << "half";
  SealedFiles files(cache_, store_);
  ASSERT_THAT(files.Start(), IsOk());
  EXPECT_FALSE(fs::exists(cache_));
  SONORA_ASSERT_OK_AND_ASSIGN(SealedCopy copy, files.Get(clear_, "ctr", 20000, Counting("new")));
  EXPECT_EQ(ReadFile(copy.file->path), "new:OggS clear chunk bytes") << "made afresh";
  files.Prune(19999);
  int stale = 0;
  for (const auto& e : fs::directory_iterator(dir_.path() + "/cache")) {
    if (e.path().filename().string().starts_with("sealed.stale-")) ++stale;
  }
  EXPECT_EQ(stale, 0);
  EXPECT_TRUE(fs::exists(copy.file->path)) << "the current period stays";
}

TEST_F(SealedFilesTest, PruneDeletesPeriodsBeforeTheOldestKept) {
  SealedFiles files(cache_, store_);
  for (int64_t p : {19998, 19999, 20000}) {
    ASSERT_THAT(files.Get(clear_, "ctr", p, Counting("k")).status(), IsOk());
  }
  fs::create_directories(cache_ + "/unrelated");
  files.Prune(19999);
  EXPECT_FALSE(fs::exists(cache_ + "/p19998"));
  EXPECT_TRUE(fs::exists(cache_ + "/p19999"));
  EXPECT_TRUE(fs::exists(cache_ + "/p20000"));
  EXPECT_TRUE(fs::exists(cache_ + "/unrelated")) << "only period folders are touched";
  // A pruned period is forgotten too: asking again seals again.
  ASSERT_THAT(files.Get(clear_, "ctr", 19998, Counting("k")).status(), IsOk());
  EXPECT_EQ(seals_.load(), 4);
}

TEST_F(SealedFilesTest, AnUnwritableCacheServesFromMemory) {
  // A plain file where the cache's folder should be: nothing can be written under it.
  fs::create_directories(dir_.path() + "/cache");
  std::ofstream(cache_) << "not a folder";
  SealedFiles files(cache_, store_);
  SONORA_ASSERT_OK_AND_ASSIGN(SealedCopy copy, files.Get(clear_, "ctr", 20000, Counting("k")));
  EXPECT_FALSE(copy.on_disk);
  EXPECT_EQ(copy.body, "k:OggS clear chunk bytes");
  EXPECT_EQ(copy.file->size, static_cast<int64_t>(copy.body.size()));
  EXPECT_EQ(copy.file->etag, "\"track_1-v1-320-chunk_2.ogg-ctr-p20000\"");
  EXPECT_EQ(files.unwritable(), 1);
}

TEST_F(SealedFilesTest, FailuresAreReported) {
  SealedFiles files(cache_, store_);
  // The seal itself fails.
  EXPECT_THAT(files.Get(clear_, "ctr", 20000,
                        [](std::string) -> Result<std::string> {
                          return Status::InvalidArgument("key", "bad key");
                        })
                  .status(),
              StatusIs(Code::kInvalidArgument));
  // The clear file vanished.
  ResolvedFile gone = clear_;
  gone.path = store_ + "/tracks/ab/track_1/v1/320/chunk_9.ogg";
  EXPECT_THAT(files.Get(gone, "ctr", 20000, Counting("k")).status(), StatusIs(Code::kNotFound));
  // A file outside the store is never sealed.
  ResolvedFile outside = clear_;
  outside.path = dir_.path() + "/elsewhere.ogg";
  EXPECT_THAT(files.Get(outside, "ctr", 20000, Counting("k")).status(),
              StatusIs(Code::kInternal));
  ResolvedFile prefix = clear_;
  prefix.path = store_ + "x/tracks/a.ogg";
  EXPECT_THAT(files.Get(prefix, "ctr", 20000, Counting("k")).status(), StatusIs(Code::kInternal));
}

TEST_F(SealedFilesTest, ConcurrentFirstRequestsAllGetTheSameBytes) {
  SealedFiles files(cache_, store_);
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      auto copy = files.Get(clear_, "ctr", 20000, Counting("k"));
      if (copy.ok() && copy->on_disk && ReadFile(copy->file->path) == "k:OggS clear chunk bytes") {
        ok.fetch_add(1);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 8);
  int entries = 0;
  for (const auto& e : fs::directory_iterator(cache_ + "/p20000/ctr/tracks/ab/track_1/v1/320")) {
    (void)e;
    ++entries;
  }
  EXPECT_EQ(entries, 1) << "no temporary file left behind";
}

}  // namespace
}  // namespace sonora::streaming

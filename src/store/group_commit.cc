#include "store/group_commit.h"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "core/thread_annotations.h"

namespace sonora::store {

namespace {

// One caller's unit and the slot its result lands in.
struct Pending {
  GroupCommitter::Work work;
  Status result;
  bool done = false;
  bool posted = false;  // Post(): owned by the queue, deleted once committed
  std::function<void(const Status&)> on_done;
};

}  // namespace

// How long posted units wait for company before their transaction commits.
constexpr std::chrono::milliseconds kPostLinger{10};

struct GroupCommitter::Impl {
  Database& db;
  const size_t max_batch;

  mutable std::mutex mu;
  std::condition_variable queued;    // the committer waits for work
  std::condition_variable finished;  // callers wait for their unit
  std::deque<Pending*> queue SONORA_GUARDED_BY(mu);
  size_t waiting SONORA_GUARDED_BY(mu) = 0;  // units in `queue` whose caller waits (Run)
  bool stopping SONORA_GUARDED_BY(mu) = false;
  GroupCommitStats stats SONORA_GUARDED_BY(mu);
  std::thread thread;

  Impl(Database& d, size_t max) : db(d), max_batch(max == 0 ? 1 : max) {}

  void Loop() {
    std::vector<Pending*> batch;
    for (;;) {
      {
        std::unique_lock<std::mutex> lock(mu);
        queued.wait(lock, [&] { return stopping || !queue.empty(); });
        if (queue.empty()) return;  // stopping and drained
        // Nobody waits on posted units: give more of them kPostLinger to arrive, so a stream of
        // posts pays one fsync per interval rather than one per commit the disk can do. A
        // waiting caller (Run) ends the linger at once.
        if (waiting == 0) {
          queued.wait_for(lock, kPostLinger,
                          [&] { return stopping || queue.size() >= max_batch || waiting > 0; });
        }
        while (!queue.empty() && batch.size() < max_batch) {
          if (!queue.front()->posted) --waiting;
          batch.push_back(queue.front());
          queue.pop_front();
        }
      }
      const bool fell_back = Commit(batch);
      const size_t units = batch.size();
      // Posted units belong to the queue: report and free them. Waiting callers' units live on
      // their stacks and may vanish as soon as they are marked done, so those go last.
      std::erase_if(batch, [](Pending* p) {
        if (!p->posted) return false;
        if (p->on_done) p->on_done(p->result);
        delete p;
        return true;
      });
      {
        std::lock_guard<std::mutex> lock(mu);
        for (Pending* p : batch) p->done = true;
        stats.batches++;
        stats.units += static_cast<int64_t>(units);
        if (fell_back) stats.fallbacks++;
      }
      finished.notify_all();
      batch.clear();
    }
  }

  // Runs the batch in one transaction; on failure, each unit alone. True when it fell back.
  bool Commit(const std::vector<Pending*>& batch) {
    Status group = db.Transact([&](Session& s) -> Status {
      for (Pending* p : batch) SONORA_RETURN_IF_ERROR(p->work(s));
      return Status();
    });
    if (group.ok() || batch.size() == 1) {
      for (Pending* p : batch) p->result = group;
      return false;
    }
    for (Pending* p : batch) p->result = db.Transact(p->work);
    return true;
  }
};

GroupCommitter::GroupCommitter(Database& db, size_t max_batch)
    : impl_(std::make_unique<Impl>(db, max_batch)) {
  impl_->thread = std::thread([this] { impl_->Loop(); });
}

GroupCommitter::~GroupCommitter() {
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    impl_->stopping = true;
  }
  impl_->queued.notify_all();
  impl_->thread.join();
}

Status GroupCommitter::Run(Work work) {
  Pending pending{std::move(work), Status(), false, false, {}};
  std::unique_lock<std::mutex> lock(impl_->mu);
  if (impl_->stopping) return Status::Unavailable("the database writer is shutting down");
  impl_->queue.push_back(&pending);
  impl_->waiting++;
  impl_->queued.notify_one();
  impl_->finished.wait(lock, [&] { return pending.done; });
  return pending.result;
}

Status GroupCommitter::Post(Work work, std::function<void(const Status&)> done) {
  auto pending =
      std::make_unique<Pending>(Pending{std::move(work), Status(), false, true, std::move(done)});
  std::lock_guard<std::mutex> lock(impl_->mu);
  if (impl_->stopping) return Status::Unavailable("the database writer is shutting down");
  impl_->queue.push_back(pending.release());
  impl_->queued.notify_one();
  return Status();
}

GroupCommitStats GroupCommitter::Stats() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->stats;
}

}  // namespace sonora::store

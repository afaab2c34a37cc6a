// store::GroupCommitter: many small durable writes share one transaction and one fsync.
//
// Each caller hands over a unit of work and blocks until the transaction that ran it has
// committed, so an acknowledged write is exactly as durable as Database::Execute's (SQLite
// synchronous=FULL, PostgreSQL synchronous commit) while the commit cost is paid once per batch.
// One thread drains the queue: everything queued while the previous batch was committing goes
// into the next one (no timer, so a lone write is never delayed).
//
// A unit of work may fail (a constraint, a validation it does inside the transaction). Then the
// batch is rolled back and every unit of it is run again in a transaction of its own, so each
// caller gets its own unit's result and one bad unit never fails the others. Units must therefore
// be safe to run twice when the first run was rolled back — true of plain SQL.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>

#include "core/status.h"
#include "store/database.h"

namespace sonora::store {

struct GroupCommitStats {
  int64_t batches = 0;
  int64_t units = 0;
  int64_t fallbacks = 0;  // batches rolled back and retried unit by unit
};

class GroupCommitter {
 public:
  using Work = std::function<Status(Session&)>;

  // `max_batch`: the most units in one transaction.
  explicit GroupCommitter(Database& db, size_t max_batch = 4096);
  // Finishes every queued unit, then stops the committing thread.
  ~GroupCommitter();

  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;

  // Runs `work` in the next group transaction; returns its status once that transaction has
  // committed (OK) or the unit has failed on its own. Blocks. Thread-safe.
  Status Run(Work work);

  // Queues `work` for the next group transaction and returns at once (write-behind): for writes
  // whose caller answers before they are durable and can stand losing them to a crash. A batch
  // of posted units alone waits up to 10 ms for more before it commits (one fsync for all of
  // them); a waiting Run() caller ends that wait. `done`,
  // when set, runs on the committing thread with the unit's result. The destructor commits
  // everything posted before it. Returns kUnavailable (and never runs `work`) when stopping.
  Status Post(Work work, std::function<void(const Status&)> done = {});

  GroupCommitStats Stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sonora::store

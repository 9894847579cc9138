// write_queue.hpp: the group-commit queue: one writer thread runs queued write jobs in shared, durable batches.
#pragma once

#include "core/error.hpp"

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace csms::store {

/// A write to run inside a batch, and whom to tell once the batch is durable (or failed). `work` must not throw.
struct WriteJob {
  std::function<void()> work;
  std::function<void(core::Status durable)> done;
};

/// Requests that arrive while a batch is committing wait together and go into the next batch, so N concurrent
/// writers cost about one fsync per batch instead of one each. The queue knows nothing of SQL: `run_batch` opens
/// the transaction, runs the jobs, commits, and then calls each job's `done`.
class WriteQueue {
 public:
  using BatchRunner = std::function<void(std::vector<WriteJob>& batch)>;

  WriteQueue(BatchRunner run_batch, std::size_t max_batch);
  /// Runs what is still queued, then stops the writer thread.
  ~WriteQueue();
  WriteQueue(const WriteQueue&) = delete;
  WriteQueue& operator=(const WriteQueue&) = delete;

  void submit(WriteJob job);

 private:
  void run();

  BatchRunner run_batch_;
  const std::size_t max_batch_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<WriteJob> queue_;
  bool stopping_ = false;
  std::thread writer_;  // last: started once everything it uses exists
};

}  // namespace csms::store

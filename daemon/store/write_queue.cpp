// write_queue.cpp: the writer thread's loop: take everything queued (up to a batch), run it, repeat.
#include "store/write_queue.hpp"

#include <iterator>

namespace csms::store {

WriteQueue::WriteQueue(BatchRunner run_batch, std::size_t max_batch)
    : run_batch_(std::move(run_batch)), max_batch_(max_batch == 0 ? 1 : max_batch), writer_([this]() { run(); }) {}

WriteQueue::~WriteQueue() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  writer_.join();
}

void WriteQueue::submit(WriteJob job) {
  {
    const std::lock_guard lock(mutex_);
    queue_.push_back(std::move(job));
  }
  wake_.notify_one();
}

void WriteQueue::run() {
  std::vector<WriteJob> batch;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this]() { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and nothing is left to write
      const std::size_t take = std::min(queue_.size(), max_batch_);
      batch.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(queue_.begin() + static_cast<long>(take)));
      queue_.erase(queue_.begin(), queue_.begin() + static_cast<long>(take));
    }
    run_batch_(batch);
    batch.clear();
  }
}

}  // namespace csms::store

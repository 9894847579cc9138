// session_registry.hpp: the running sessions of a server, so a drain can close idle ones and, at its deadline, all.
#pragma once

#include <functional>
#include <list>
#include <memory>
#include <mutex>

namespace csms::http {

/// One connection's entry. Sessions run on several threads; everything here except `run_on_session` belongs to
/// the session's own thread, and the registry reaches it only through `run_on_session`.
struct SessionEntry {
  /// Queues a function to run on the session's thread; safe to call from any thread.
  std::function<void(std::function<void()>)> run_on_session;
  /// Closes the transport. Set while the session runs, cleared (on its thread) before its stream is destroyed.
  std::function<void()> close;
  /// True while a request is being handled or its response written.
  bool busy = false;
};

/// Thread-safe.
class SessionRegistry {
 public:
  using Handle = std::list<std::shared_ptr<SessionEntry>>::iterator;

  Handle add(std::shared_ptr<SessionEntry> entry) {
    const std::lock_guard lock(mutex_);
    return entries_.insert(entries_.end(), std::move(entry));
  }
  void remove(Handle handle) {
    const std::lock_guard lock(mutex_);
    entries_.erase(handle);
  }
  /// Closes every connection that is waiting for a request; busy ones finish their response first.
  void close_idle() { close_where(true); }
  void close_all() { close_where(false); }

 private:
  void close_where(bool only_idle) {
    const std::lock_guard lock(mutex_);
    for (const auto& entry : entries_) {
      // Decided on the session's thread, where `busy` and `close` live, so it cannot race with the session.
      entry->run_on_session([entry, only_idle]() {
        if (entry->close && (!only_idle || !entry->busy)) entry->close();
      });
    }
  }

  mutable std::mutex mutex_;
  std::list<std::shared_ptr<SessionEntry>> entries_;
};

}  // namespace csms::http

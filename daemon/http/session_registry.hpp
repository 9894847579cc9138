// session_registry.hpp: the live connections of a server, so shutdown can close idle ones and wait for busy ones.
#pragma once

#include <cstddef>
#include <functional>
#include <list>
#include <memory>

namespace csms::http {

/// One connection's entry. `busy` is true while a request is being handled or its response written.
struct SessionEntry {
  std::function<void()> close;
  bool busy = false;
};

/// Used from the I/O thread only.
class SessionRegistry {
 public:
  using Handle = std::list<std::shared_ptr<SessionEntry>>::iterator;

  Handle add(std::function<void()> close) {
    return entries_.insert(entries_.end(), std::make_shared<SessionEntry>(SessionEntry{std::move(close), false}));
  }
  void remove(Handle handle) { entries_.erase(handle); }
  std::size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }

  /// Closes every connection that is waiting for a request; busy ones finish their response first.
  void close_idle() {
    for (auto& entry : entries_) {
      if (!entry->busy) entry->close();
    }
  }
  void close_all() {
    for (auto& entry : entries_) entry->close();
  }

 private:
  std::list<std::shared_ptr<SessionEntry>> entries_;
};

}  // namespace csms::http

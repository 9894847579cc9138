// webhook_listener.hpp: a tiny HTTP/1.1 server on 127.0.0.1 in the test process that records the bodies POSTed to it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace csms_it {

/// Accepts connections on an ephemeral loopback port, reads one request per connection (Content-Length body),
/// answers `status`, and keeps each body. Stops (and joins) when destroyed.
class WebhookListener {
 public:
  explicit WebhookListener(int status = 200);
  ~WebhookListener();
  WebhookListener(const WebhookListener&) = delete;
  WebhookListener& operator=(const WebhookListener&) = delete;

  std::uint16_t port() const { return port_; }
  std::string url(const std::string& path = "/hook") const;
  /// Waits up to `timeout` until at least `count` bodies have arrived; returns the bodies so far.
  std::vector<std::string> wait_for(std::size_t count, std::chrono::milliseconds timeout);
  /// The request lines and headers received, newest last (for checks on method, path and content type).
  std::vector<std::string> heads();

 private:
  void serve();

  int status_;
  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  std::mutex mutex_;
  std::condition_variable arrived_;
  std::vector<std::string> bodies_;
  std::vector<std::string> heads_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace csms_it

// background.hpp: awaiting slow work (a whole-vault backup) that runs off the threads serving connections.
#pragma once

#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <functional>
#include <utility>

namespace csms::api {

/// Runs `work` on `pool` and resumes the calling coroutine, on its own executor, once `work` has returned. The
/// coroutine is suspended meanwhile, so `work` may use its locals while the session's thread serves the other
/// connections. Without a pool (unit tests that build an Api alone) `work` runs at once on the caller's thread.
/// `work` must not throw.
inline boost::asio::awaitable<void> run_in_background(boost::asio::thread_pool* pool, std::function<void()> work) {
  if (pool == nullptr) {
    work();
    co_return;
  }
  auto executor = co_await boost::asio::this_coro::executor;
  auto initiate = [pool, executor](auto handler, std::function<void()> job) {
    boost::asio::post(*pool, [executor, handler = std::move(handler), job = std::move(job)]() mutable {
      job();
      boost::asio::post(executor, std::move(handler));
    });
  };
  co_await boost::asio::async_initiate<const boost::asio::use_awaitable_t<>&, void()>(
      initiate, boost::asio::use_awaitable, std::move(work));
}

}  // namespace csms::api

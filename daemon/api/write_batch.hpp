// write_batch.hpp: awaiting a group-committed write from a session coroutine.
#pragma once

#include "core/error.hpp"
#include "store/store.hpp"

#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <functional>
#include <memory>
#include <utility>

namespace csms::api {

/// Runs `work` as a job of the store's next write batch and resumes the calling coroutine, on its own executor,
/// once that batch is durable; the result says whether it is. The coroutine is suspended meanwhile, so `work` may
/// use the coroutine's locals, and the session's thread serves other connections.
inline boost::asio::awaitable<core::Status> run_in_write_batch(store::Store& store, std::function<void()> work) {
  auto executor = co_await boost::asio::this_coro::executor;
  auto initiate = [&store, executor](auto handler, std::function<void()> job_work) {
    // The store keeps its callbacks in std::function, which must be copyable; the coroutine's handler is not.
    auto shared = std::make_shared<decltype(handler)>(std::move(handler));
    store.submit_write(store::WriteJob{std::move(job_work), [shared, executor](core::Status durable) {
                                         boost::asio::post(executor, [shared, durable = std::move(durable)]() mutable {
                                           (*shared)(std::move(durable));
                                         });
                                       }});
  };
  co_return co_await boost::asio::async_initiate<const boost::asio::use_awaitable_t<>&, void(core::Status)>(
      initiate, boost::asio::use_awaitable, std::move(work));
}

}  // namespace csms::api

// Internal: runs fn(block) for block = 0 .. blocks-1 on up to `threads` threads (the calling
// thread is one of them). Blocks are handed out in order from a shared counter, so uneven blocks
// balance themselves. The first exception thrown by fn is rethrown on the calling thread.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace maillage::access::detail {

inline unsigned resolve_threads(unsigned requested) {
  if (requested != 0) return requested;
  return std::max(1U, std::thread::hardware_concurrency());
}

template <class Fn>
void parallel_blocks(std::size_t blocks, unsigned threads, Fn&& fn) {
  const std::size_t workers = std::min<std::size_t>(resolve_threads(threads), blocks);
  if (workers <= 1) {
    for (std::size_t b = 0; b < blocks; ++b) fn(b);
    return;
  }
  std::atomic<std::size_t> next{0};
  std::exception_ptr error;
  std::mutex error_mutex;
  auto work = [&] {
    try {
      for (std::size_t b = next++; b < blocks; b = next++) fn(b);
    } catch (...) {
      std::lock_guard lock(error_mutex);
      if (!error) error = std::current_exception();
      next = blocks;  // stop handing out blocks
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(workers - 1);
  for (std::size_t t = 1; t < workers; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  if (error) std::rethrow_exception(error);
}

}  // namespace maillage::access::detail

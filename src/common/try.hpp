// Error propagation without the boilerplate. A Result-returning function that calls others:
//
//   auto structure = MAILLAGE_TRY(load_structure(id));   // the value, or return the error
//   MAILLAGE_CHECK(db.execute(sql, params));              // a Status: return its error if any
//
// MAILLAGE_TRY uses a statement expression (GCC and Clang; __extension__ keeps -Wpedantic quiet).
// The enclosing function returns Result<U> or Status for any U: the error converts.
#pragma once

#include <utility>

#include "common/error.hpp"

#define MAILLAGE_TRY(expr)                                              \
  __extension__({                                                       \
    auto maillage_try_result_ = (expr);                                 \
    if (!maillage_try_result_) {                                        \
      return ::tl::unexpected(std::move(maillage_try_result_).error()); \
    }                                                                   \
    std::move(*maillage_try_result_);                                   \
  })

#define MAILLAGE_CHECK(expr)                                              \
  do {                                                                    \
    if (auto maillage_check_result_ = (expr); !maillage_check_result_) {  \
      return ::tl::unexpected(std::move(maillage_check_result_).error()); \
    }                                                                     \
  } while (false)

// An input iterator over a text buffer that counts lines as a parser reads through it, so that a
// streaming (SAX) parser can name the line of what it reports: the référentiel readers and the ACI
// contract reader feed nlohmann's parser with it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>

namespace maillage {

struct TextPosition {
  std::int64_t line = 1;  // line of the next character to read (1-based)
  /// Line of the last non-blank character read: when a parser reports a token, that character
  /// belongs to the token (a number is followed by one more character, blank or on its line).
  std::int64_t last_content_line = 1;
};

class LineCountingIterator {
 public:
  using iterator_category = std::input_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;

  LineCountingIterator() = default;
  LineCountingIterator(const char* p, TextPosition* position) : p_(p), position_(position) {}
  reference operator*() const { return *p_; }
  LineCountingIterator& operator++() {
    const char ch = *p_;
    if (ch == '\n') {
      ++position_->line;
    } else if (ch != ' ' && ch != '\t' && ch != '\r') {
      position_->last_content_line = position_->line;
    }
    ++p_;
    return *this;
  }
  LineCountingIterator operator++(int) {
    LineCountingIterator old = *this;
    ++*this;
    return old;
  }
  bool operator==(const LineCountingIterator& o) const { return p_ == o.p_; }
  bool operator!=(const LineCountingIterator& o) const { return p_ != o.p_; }

 private:
  const char* p_ = nullptr;
  TextPosition* position_ = nullptr;
};

}  // namespace maillage

#include "refdata/json_stream.hpp"

#include <algorithm>
#include <limits>
#include <nlohmann/json.hpp>

namespace maillage::refdata::detail {
namespace {

using json = nlohmann::json;

class RecordSax final : public nlohmann::json_sax<json> {
 public:
  RecordSax(const std::string& file, const std::int64_t* line,
            const std::function<Status(const JsonRecord&)>& on_record)
      : file_(file), line_(line), on_record_(on_record) {}

  bool null() override { return scalar(nullptr); }
  bool boolean(bool v) override { return scalar(v); }
  bool number_integer(number_integer_t v) override { return scalar(static_cast<std::int64_t>(v)); }
  bool number_unsigned(number_unsigned_t v) override {
    if (v > static_cast<number_unsigned_t>(std::numeric_limits<std::int64_t>::max())) {
      return scalar(static_cast<double>(v));
    }
    return scalar(static_cast<std::int64_t>(v));
  }
  bool number_float(number_float_t v, const string_t& /*raw*/) override {
    return scalar(static_cast<double>(v));
  }
  bool string(string_t& v) override { return scalar(std::move(v)); }
  bool binary(binary_t& /*v*/) override { return scalar(nullptr); }

  bool start_object(std::size_t /*size*/) override {
    if (stack_.empty()) return refuse("le fichier doit contenir un tableau JSON");
    if (stack_.size() == 1) {
      record_.item = count_;
      record_.line = *line_;
      record_.fields.clear();
      stack_.push_back({false, {}});
      return true;
    }
    stack_.push_back({false, element_path() + "."});
    return true;
  }
  bool key(string_t& k) override {
    key_ = std::move(k);
    return true;
  }
  bool end_object() override {
    stack_.pop_back();
    if (stack_.size() == 1) {
      ++count_;
      if (Status s = on_record_(record_); !s) {
        error_ = s;
        return false;
      }
    }
    return true;
  }
  bool start_array(std::size_t /*size*/) override {
    if (stack_.empty()) {
      stack_.push_back({true, {}});
      return true;
    }
    if (stack_.size() == 1) return refuse_item("un objet est attendu");
    stack_.push_back({true, element_path() + "[]"});
    return true;
  }
  bool end_array() override {
    stack_.pop_back();
    return true;
  }
  bool parse_error(std::size_t /*position*/, const std::string& /*last_token*/,
                   const nlohmann::detail::exception& ex) override {
    // The lexer stopped at the offending character, so the counted line is the right one.
    error_ = fail_at(file_, *line_, "", std::string("JSON invalide : ") + ex.what());
    return false;
  }

  [[nodiscard]] const Status& error() const { return error_; }

 private:
  struct Level {
    bool array;
    std::string prefix;  // object: prepended to keys; array: the path of its elements
  };

  [[nodiscard]] std::string element_path() const {
    const Level& top = stack_.back();
    return top.array ? top.prefix : top.prefix + key_;
  }
  bool scalar(JsonScalar v) {
    if (stack_.size() <= 1) {
      return stack_.empty() ? refuse("le fichier doit contenir un tableau JSON")
                            : refuse_item("un objet est attendu");
    }
    record_.fields.push_back({element_path(), std::move(v), *line_});
    return true;
  }
  bool refuse(std::string message) {
    error_ = fail_at(file_, *line_, "", std::move(message));
    return false;
  }
  bool refuse_item(std::string message) {
    error_ = fail_at(file_, *line_, "[" + std::to_string(count_) + "]", std::move(message));
    return false;
  }

  const std::string& file_;
  const std::int64_t* line_;
  const std::function<Status(const JsonRecord&)>& on_record_;
  std::vector<Level> stack_;
  std::string key_;
  JsonRecord record_;
  std::size_t count_ = 0;
  Status error_;
};

}  // namespace

const JsonField* JsonRecord::find(std::string_view path) const {
  const auto it = std::find_if(fields.begin(), fields.end(),
                               [&](const JsonField& f) { return f.path == path; });
  return it == fields.end() ? nullptr : &*it;
}

std::int64_t line_at(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  return 1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n');
}

Status for_each_record(std::string_view text, const std::string& file,
                       const std::function<Status(const JsonRecord&)>& on_record) {
  TextPosition position;
  RecordSax sax(file, &position.line, on_record);
  const LineCountingIterator begin(text.data(), &position);
  const LineCountingIterator end(text.data() + text.size(), &position);
  const bool ok = json::sax_parse(begin, end, &sax);
  if (!ok) {
    if (!sax.error()) return sax.error();
    return fail_at(file, position.line, "", "JSON invalide");
  }
  return {};
}

}  // namespace maillage::refdata::detail

#include "common/csv_reader.hpp"

namespace maillage::csv {

char guess_separator(std::string_view header_line) {
  std::size_t commas = 0, semicolons = 0, tabs = 0;
  bool quoted = false;
  for (char c : header_line) {
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    if (c == ',') ++commas;
    if (c == ';') ++semicolons;
    if (c == '\t') ++tabs;
  }
  if (semicolons > commas && semicolons >= tabs) return ';';
  if (tabs > commas) return '\t';
  return ',';
}

Result<std::vector<Record>> read_records(std::string_view text, char separator,
                                         std::string_view file) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  std::vector<Record> records;
  Record current;
  std::string field;
  std::int64_t line = 1;
  bool in_record = false;  // a field or separator has been seen on the current record
  std::size_t i = 0;
  const std::size_t n = text.size();
  auto end_record = [&] {
    current.fields.push_back(std::move(field));
    field.clear();
    // A line with nothing on it is blank, not a record with one empty field.
    if (!(current.fields.size() == 1 && current.fields[0].empty()))
      records.push_back(std::move(current));
    current = Record{};
    in_record = false;
  };
  while (i < n) {
    if (!in_record) {
      current.line = line;
      in_record = true;
    }
    const char c = text[i];
    if (c == '"' && field.empty()) {
      const std::int64_t opened = line;
      ++i;
      bool closed = false;
      while (i < n) {
        if (text[i] == '"') {
          if (i + 1 < n && text[i + 1] == '"') {
            field.push_back('"');
            i += 2;
            continue;
          }
          ++i;
          closed = true;
          break;
        }
        if (text[i] == '\n') ++line;
        field.push_back(text[i++]);
      }
      if (!closed) {
        return fail_at(std::string(file), opened, "", "guillemet ouvert et jamais refermé");
      }
      if (i < n && text[i] != separator && text[i] != '\n' && text[i] != '\r') {
        return fail_at(std::string(file), line, "", "texte après un guillemet fermant");
      }
      continue;
    }
    if (c == separator) {
      current.fields.push_back(std::move(field));
      field.clear();
      ++i;
      continue;
    }
    if (c == '\r' && i + 1 < n && text[i + 1] == '\n') {
      ++i;
      continue;
    }
    if (c == '\n') {
      end_record();
      ++line;
      ++i;
      continue;
    }
    field.push_back(c);
    ++i;
  }
  if (in_record) end_record();
  return records;
}

}  // namespace maillage::csv

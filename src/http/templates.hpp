// Server-side HTML: kainjow mustache templates from web/templates, rendered from nlohmann::json
// data. Every template is read and checked at start (a syntax error stops the server with the
// file named); a page is its body template rendered inside layout.mustache.
#pragma once

#include <map>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

#include "common/error.hpp"

namespace maillage::http {

class Templates {
 public:
  /// Reads every *.mustache file of `dir` (name = file name without the extension).
  static Result<Templates> load(const std::string& dir);

  /// Renders template `name` with `data` (values HTML-escaped unless written {{{triple}}}).
  [[nodiscard]] Result<std::string> render(std::string_view name, const nlohmann::json& data) const;
  /// Renders `name` into the layout: the layout gets `data` plus {{{content}}}.
  [[nodiscard]] Result<std::string> page(std::string_view name, const nlohmann::json& data) const;
  [[nodiscard]] bool has(std::string_view name) const { return sources_.count(name) != 0; }

 private:
  // Sources rather than parsed templates: kainjow's render() is not const (it keeps state while
  // walking), so each render parses its own copy and requests never share one.
  std::map<std::string, std::string, std::less<>> sources_;
};

}  // namespace maillage::http

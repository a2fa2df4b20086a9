// Test-only strict XML 1.0 well-formedness checker with a tiny DOM, so the office tests can
// inspect the parts they unzip without an XML library (libxml2 is not a project dependency).
// Checks: UTF-8 validity, legal XML characters, one root, matching tags, quoted attributes
// without '<', no duplicate attributes, only predefined or character references (to legal
// characters), well-formed comments/CDATA/PIs, no DOCTYPE, and that every namespace prefix used
// by an element or attribute is declared in scope.
#pragma once

#include <string>
#include <string_view>
#include <tl/expected.hpp>
#include <utility>
#include <vector>

namespace maillage::office::test {

struct XmlElement {
  std::string name;  ///< qualified name as written, e.g. "text:p"
  std::vector<std::pair<std::string, std::string>> attributes;  ///< values decoded
  std::vector<XmlElement> children;
  std::string text;  ///< decoded character data directly inside (children's text excluded)

  /// Attribute value or nullptr.
  const std::string* attribute(std::string_view name) const;
  /// First direct child with this name or nullptr.
  const XmlElement* child(std::string_view name) const;
  /// Every descendant (depth first, document order) with this name.
  std::vector<const XmlElement*> find_all(std::string_view name) const;
  /// All character data of this element and its descendants, in document order.
  std::string all_text() const;
};

/// Parses `doc`; the error string says what is wrong and at which byte offset.
tl::expected<XmlElement, std::string> parse_xml(std::string_view doc);

}  // namespace maillage::office::test

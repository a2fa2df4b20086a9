// Shared helpers of the office tests.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "office/unzip.hpp"
#include "office/xml_check.hpp"

namespace maillage::office::test {

/// Parses an entry that must exist and be well-formed; fails the test otherwise.
inline XmlElement parsed_entry(const std::vector<ZipEntry>& entries, const std::string& name) {
  const ZipEntry* e = find_entry(entries, name);
  EXPECT_NE(e, nullptr) << "missing entry " << name;
  if (e == nullptr) return {};
  auto doc = parse_xml(e->content);
  EXPECT_TRUE(doc.has_value()) << name << ": " << (doc ? "" : doc.error());
  return doc ? *doc : XmlElement{};
}

}  // namespace maillage::office::test

// The checker must refuse what a real XML parser refuses, or the office tests prove nothing.
#include "office/xml_check.hpp"

#include <gtest/gtest.h>

namespace maillage::office::test {
namespace {

TEST(XmlCheck, AcceptsWellFormedDocuments) {
  auto doc = parse_xml(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- c --><a:r xmlns:a=\"urn:a\" x='1'>"
      "t&lt;&#233;&#x41;<a:b/><![CDATA[<raw>]]><?pi x?></a:r>\n");
  ASSERT_TRUE(doc) << doc.error();
  EXPECT_EQ(doc->name, "a:r");
  EXPECT_EQ(*doc->attribute("x"), "1");
  EXPECT_EQ(doc->text,
            "t<\xC3\xA9"
            "A<raw>");
  EXPECT_EQ(doc->children.size(), 1u);
}

TEST(XmlCheck, RefusesMalformedDocuments) {
  const char* bad[] = {
      "",
      "<a>",
      "<a></b>",
      "<a><b></a></b>",
      "<a x=1/>",
      "<a x=\"1\" x=\"2\"/>",
      "<a x=\"<\"/>",
      "<a>&</a>",
      "<a>&nbsp;</a>",
      "<a>&#1;</a>",
      "<a>\x01</a>",
      "<a>\xC3\x28</a>",
      "<a>]]></a>",
      "<a/><b/>",
      "<!DOCTYPE a><a/>",
      "<a><!-- x -- y --></a>",
      "<p:a/>",
      "<a p:x=\"1\"/>",
      "<a/>\n<?xml version=\"1.0\"?>",
      "<a x=\"1\"y=\"2\"/>",
  };
  for (const char* text : bad) {
    EXPECT_FALSE(parse_xml(text).has_value()) << "accepted: " << text;
  }
}

}  // namespace
}  // namespace maillage::office::test

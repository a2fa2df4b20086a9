// The safe HTML subset of messages: what is kept, what is dropped, balance, idempotence, and the
// plain-text rendering. Expected outputs written by hand.
#include "message/html.hpp"

#include <gtest/gtest.h>

namespace maillage::message {
namespace {

TEST(SanitizeHtml, KeepsTheSubsetInCanonicalForm) {
  EXPECT_EQ(sanitize_html("<P CLASS=\"x\">Bonjour <STRONG>à tous</STRONG><br/>et <em>merci</em></P>"),
            "<p>Bonjour <strong>à tous</strong><br>et <em>merci</em></p>");
  EXPECT_EQ(sanitize_html("<h2 id=t>Titre</h2><ul><li>un<li>deux</ul><ol><li>a</li></ol><h3>x</h3>"),
            "<h2>Titre</h2><ul><li>un<li>deux</li></li></ul><ol><li>a</li></ol><h3>x</h3>");
  EXPECT_EQ(sanitize_html("<a href=\"https://cpts.exemple.fr/agenda?a=1&b=2\" target=_blank "
                          "onclick=\"x()\">agenda</a>"),
            "<a href=\"https://cpts.exemple.fr/agenda?a=1&amp;b=2\">agenda</a>");
  EXPECT_EQ(sanitize_html("<a href='mailto:contact@cpts.fr'>écrire</a> <a href=HTTP://x.fr>x</a>"),
            "<a href=\"mailto:contact@cpts.fr\">écrire</a> <a href=\"HTTP://x.fr\">x</a>");
}

TEST(SanitizeHtml, DropsEverythingElse) {
  EXPECT_EQ(sanitize_html("a<script>alert(1)</script>b"), "ab");
  EXPECT_EQ(sanitize_html("a<SCRIPT type=x>alert('</p>')</ScRiPt >b"), "ab");
  EXPECT_EQ(sanitize_html("<style>p{color:red}</style><p style=\"color:red\">t</p>"), "<p>t</p>");
  EXPECT_EQ(sanitize_html("x<!-- <script>alert(1)</script> -->y<!doctype html><?php ?>z"), "xyz");
  EXPECT_EQ(sanitize_html("<div><span>texte</span> <img src=x onerror=alert(1)></div>"), "texte ");
  EXPECT_EQ(sanitize_html("<iframe src=\"https://x\">dedans</iframe>après"), "après");
  EXPECT_EQ(sanitize_html("<svg><script>alert(1)</script></svg>ok"), "ok");
  // Links with another scheme lose their tag, keep their text.
  EXPECT_EQ(sanitize_html("<a href=\"javascript:alert(1)\">x</a>"), "x");
  EXPECT_EQ(sanitize_html("<a href=\" JaVaScRiPt:alert(1)\">x</a>"), "x");
  EXPECT_EQ(sanitize_html("<a href=\"java&#x73;cript:alert(1)\">x</a>"), "x");
  EXPECT_EQ(sanitize_html("<a href=\"data:text/html,<script>\">x</a>"), "x");
  EXPECT_EQ(sanitize_html("<a href=\"/relatif\">x</a><a>y</a><a href=\"http:\">z</a>"), "xyz");
  EXPECT_EQ(sanitize_html("<a href=\"https://a b\">x</a>"), "x");
  // An unfinished tag or comment drops the rest.
  EXPECT_EQ(sanitize_html("début<p class=\"x"), "début");
  EXPECT_EQ(sanitize_html("début<!-- jamais fermé"), "début");
  EXPECT_EQ(sanitize_html("début<script>jamais fermé"), "début");
}

TEST(SanitizeHtml, EscapesTextAndBalancesTags) {
  EXPECT_EQ(sanitize_html("1 < 2 & 3 > 2 \"ok\" &eacute; &#233; &#xE9;"),
            "1 &lt; 2 &amp; 3 &gt; 2 &quot;ok&quot; &eacute; &#233; &#xE9;");
  EXPECT_EQ(sanitize_html("<p><strong>gras"), "<p><strong>gras</strong></p>");
  EXPECT_EQ(sanitize_html("</em>texte</p>"), "texte");
  EXPECT_EQ(sanitize_html("<p><em>a</p>b"), "<p><em>a</em></p>b");
  EXPECT_EQ(sanitize_html("<a href=\"http://a\">1<a href=\"http://b\">2</a>"),
            "<a href=\"http://a\">1</a><a href=\"http://b\">2</a>");
  // Invalid UTF-8 and controls replaced, NUL and CR dropped.
  EXPECT_EQ(sanitize_html(std::string("a\xFF" "b\x01" "c\0d\r\ne", 10)),
            "a\xEF\xBF\xBD" "b\xEF\xBF\xBD" "cd\ne");
}

TEST(SanitizeHtml, IsItsOwnFixedPoint) {
  for (const char* in :
       {"<p>a &amp; b</p>", "<a href=\"http://x?a=1&b=&quot;\">l</a>", "<ul><li>x<li>y",
        "1 < 2", "<p><p>x", "&bogus; &#99999999; &#x;"}) {
    const std::string once = sanitize_html(in);
    EXPECT_EQ(sanitize_html(once), once) << in;
  }
}

TEST(HtmlToText, ParagraphsListsAndLinks) {
  const std::string html = sanitize_html(
      "<h2>Campagne de vaccination</h2><p>Bonjour,<br>la CPTS organise &amp; coordonne.</p>"
      "<ul><li>Lundi</li><li>Mardi</li></ul><p>Inscription : <a href=\"https://cpts.fr/i\">ici</a>"
      "</p>");
  EXPECT_EQ(html_to_text(html),
            "Campagne de vaccination\n\nBonjour,\nla CPTS organise & coordonne.\n\n- Lundi\n- "
            "Mardi\n\nInscription : ici <https://cpts.fr/i>");
}

}  // namespace
}  // namespace maillage::message

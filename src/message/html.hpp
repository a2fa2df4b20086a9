// Rich text of newsletters and messages (issue 18 item 4), pure engine: the HTML typed or pasted
// by a coordinator reduced to a safe subset, and its plain-text rendering for the text/plain part
// of the mail. No SQL, no HTTP (README.md beside this file).
#pragma once

#include <string>
#include <string_view>

namespace maillage::message {

/// The safe subset: p, br, strong, em, ul, ol, li, h2, h3 without any attribute, and a with an
/// href whose scheme is http, https or mailto (nothing else: no relative link, no javascript:,
/// data: or any other scheme, whatever its case, spacing or entity encoding). Everything else is
/// dropped: other tags (their text kept), every other attribute, the content of script, style and
/// the other raw-text or embedding elements, comments, doctypes and processing instructions.
/// Text is escaped (existing character references kept); invalid UTF-8 and control characters
/// other than tab and line feed are replaced by U+FFFD (or dropped, for NUL). Tags are balanced:
/// an unmatched end tag is dropped, tags still open at the end are closed. The result is its own
/// fixed point: sanitize_html(sanitize_html(x)) == sanitize_html(x).
std::string sanitize_html(std::string_view input);

/// The text of sanitised HTML for the text/plain alternative: paragraphs and headings separated
/// by a blank line, list items as "- " lines, links as "text <href>", character references of the
/// subset decoded (&amp; &lt; &gt; &quot; &#39; &nbsp; and numeric ones).
std::string html_to_text(std::string_view sanitized);

}  // namespace maillage::message

#!/usr/bin/env python3
"""Compares the projet de santé as DOCX, ODT (read back by python-docx and odfpy through
tests/office/read_back.py) and as the printable HTML page (read with the standard library's
html.parser): the same headings (with levels), paragraphs and bullets (with bold runs), table
rows and figure captions, in the same order. The table of contents and page breaks are left out
(the HTML page has its own table of contents, and no pages).

    compare_html.py DOCX ODT HTML

Prints "identical: N blocks" and exits 0, or prints the first differences and exits 1.
"""
import html.parser
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "office"))
import read_back  # noqa: E402


def from_reader(doc):
    out = []
    for b in doc["blocks"]:
        kind = b["kind"]
        if kind == "heading":
            out.append(["h", b["level"], b["text"]])
        elif kind == "paragraph":
            out.append(["p", b["runs"]])
        elif kind == "bullet":
            out.append(["li", b["runs"]])
        elif kind == "table":
            out.extend(["tr", row] for row in b["rows"])
        elif kind == "caption":
            out.append(["caption", b["text"]])
        elif kind == "image":
            out.append(["img", b["alt"]])
    return out


class Page(html.parser.HTMLParser):
    """Blocks of <article id="document">, skipping <nav>."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks, self.depth, self.skip = [], 0, 0
        self.current, self.bold, self.row = None, 0, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.depth == 0:
            if tag == "article" and attrs.get("id") == "document":
                self.depth = 1
            return
        if tag in ("article", "section", "nav", "ul", "ol", "table", "thead", "tbody", "figure",
                   "div"):
            self.depth += 1
        if tag == "nav":
            self.skip += 1
        if self.skip:
            return
        if tag in ("h1", "h2", "h3"):
            self.current = ["h", int(tag[1]), ""]
        elif tag in ("p", "li"):
            self.current = [tag, []]
        elif tag == "figcaption":
            self.current = ["caption", ""]
        elif tag == "img":
            self.blocks.append(["img", attrs.get("alt", "")])
        elif tag == "strong":
            self.bold += 1
        elif tag == "tr":
            self.row = []
        elif tag in ("td", "th"):
            self.row.append("")

    def handle_endtag(self, tag):
        if self.depth == 0:
            return
        if tag in ("article", "section", "nav", "ul", "ol", "table", "thead", "tbody", "figure",
                   "div"):
            self.depth -= 1
            if tag == "nav":
                self.skip -= 1
            return
        if self.skip:
            return
        if tag == "strong":
            self.bold -= 1
        elif tag in ("h1", "h2", "h3", "p", "li", "figcaption") and self.current is not None:
            if self.current[0] in ("p", "li"):
                self.current[1] = read_back.merge(self.current[1])
            self.blocks.append(self.current)
            self.current = None
        elif tag == "tr":
            self.blocks.append(["tr", self.row])
            self.row = None

    def handle_data(self, data):
        if self.depth == 0 or self.skip:
            return
        if self.row is not None and self.row:
            self.row[-1] += data
        elif self.current is not None:
            if self.current[0] in ("p", "li"):
                self.current[1].append((data, self.bold > 0))
            else:
                self.current[-1] += data


def main():
    docx_path, odt_path, html_path = sys.argv[1:4]
    page = Page()
    with open(html_path, encoding="utf-8") as f:
        page.feed(f.read())
    want = json.loads(json.dumps(page.blocks))
    ok = True
    for name, reader, path in (("docx", read_back.read_docx, docx_path),
                               ("odt", read_back.read_odt, odt_path)):
        got = json.loads(json.dumps(from_reader(reader(path))))
        if got != want:
            ok = False
            print(f"{name}: {len(got)} blocks, html: {len(want)} blocks")
            for i, (g, w) in enumerate(zip(got, want)):
                if g != w:
                    print(f"  first difference at block {i}:\n    {name}: {g}\n    html: {w}")
                    break
    if not ok:
        sys.exit(1)
    print(f"identical: {len(want)} blocks")


if __name__ == "__main__":
    main()

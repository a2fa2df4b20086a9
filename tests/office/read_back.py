#!/usr/bin/env python3
"""Reads a DOCX (python-docx) or an ODT (odfpy) written by src/office and prints what an
independent reader sees, as JSON, for tests/office/readers_test.cpp to compare with the model.

    read_back.py docx FILE | read_back.py odt FILE

Output: {"title", "footer": {"text", "fields"}, "blocks": [...]} where a block is one of
  {"kind": "heading", "level", "text"}      {"kind": "paragraph", "runs": [[text, bold], ...]}
  {"kind": "bullet", "runs": [...]}         {"kind": "table", "header_repeats", "rows": [[...]]}
  {"kind": "toc", "title", "entries": [[level, text], ...]}
  {"kind": "image", "alt", "width_cm", "height_cm", "png": {"width", "height", "rgba"}}
  {"kind": "caption", "text"}               {"kind": "page_break"}
Runs are merged when adjacent ones have the same weight; "rgba" is the decoded pixels in hex
(PNG decoded here with zlib and struct only, not by the library that wrote it).
"""
import json
import struct
import sys
import zlib


def decode_png(data):
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "PNG signature"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        assert zlib.crc32(kind + body) & 0xFFFFFFFF == crc, "CRC of " + kind.decode()
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and colour in (2, 6) and interlace == 0, "8-bit RGB(A), not interlaced"
    bpp = 4 if colour == 6 else 3
    raw = zlib.decompress(idat)
    stride = width * bpp
    out, prev = bytearray(), bytearray(stride)
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 0xFF
            elif f == 2:
                line[i] = (line[i] + b) & 0xFF
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xFF
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 0xFF
            else:
                assert f == 0, "filter type"
        if bpp == 3:
            for x in range(width):
                out += line[x * 3:x * 3 + 3] + b"\xff"
        else:
            out += line
        prev = line
    return {"width": width, "height": height, "rgba": out.hex()}


def merge(runs):
    merged = []
    for text, bold in runs:
        if not text:
            continue
        if merged and merged[-1][1] == bold:
            merged[-1][0] += text
        else:
            merged.append([text, bold])
    return merged


def read_docx(path):
    import docx
    from docx.oxml.ns import qn
    from docx.table import Table, _Cell
    from docx.text.paragraph import Paragraph

    document = docx.Document(path)
    blocks, toc = [], None
    for el in document.element.body.iterchildren():
        if el.tag == qn("w:tbl"):
            table = Table(el, document)
            first = el.find(qn("w:tr"))
            repeats = first is not None and first.find(qn("w:trPr") + "/" + qn("w:tblHeader")) is not None
            # Cells read row by row from the XML: python-docx 0.8's row.cells recomputes the
            # whole grid for each row (quadratic on long tables).
            blocks.append({"kind": "table", "header_repeats": repeats,
                           "rows": [[_Cell(tc, table).text for tc in tr.iterchildren(qn("w:tc"))]
                                    for tr in el.iterchildren(qn("w:tr"))]})
            continue
        if el.tag != qn("w:p"):
            continue
        p = Paragraph(el, document)
        style = p.style.name
        if style != "toc 1" and style != "toc 2" and style != "toc 3" and toc is not None:
            blocks.append(toc)
            toc = None
        if style.startswith("Heading "):
            blocks.append({"kind": "heading", "level": int(style[8:]), "text": p.text})
        elif style == "TOC Heading":
            toc = {"kind": "toc", "title": p.text, "entries": []}
        elif style.startswith("toc "):
            if toc is None:
                toc = {"kind": "toc", "title": "", "entries": []}
            if p.text:
                toc["entries"].append([int(style[4:]), p.text])
        elif style == "List Bullet":
            blocks.append({"kind": "bullet", "runs": merge([(r.text, bool(r.bold)) for r in p.runs])})
        elif style == "Caption":
            blocks.append({"kind": "caption", "text": p.text})
        elif style == "Table Spacing":
            pass
        elif el.findall(".//" + qn("w:br")) and any(
                br.get(qn("w:type")) == "page" for br in el.iter(qn("w:br"))):
            blocks.append({"kind": "page_break"})
        elif el.findall(".//" + qn("w:drawing")):
            blip = next(el.iter("{http://schemas.openxmlformats.org/drawingml/2006/main}blip"))
            rid = blip.get(qn("r:embed"))
            wp = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
            extent = next(el.iter(wp + "extent"))
            doc_pr = next(el.iter(wp + "docPr"))
            blocks.append({"kind": "image", "alt": doc_pr.get("descr", ""),
                           "width_cm": int(extent.get("cx")) / 360000,
                           "height_cm": int(extent.get("cy")) / 360000,
                           "png": decode_png(document.part.related_parts[rid].blob)})
        else:
            blocks.append({"kind": "paragraph", "runs": merge([(r.text, bool(r.bold)) for r in p.runs])})
    if toc is not None:
        blocks.append(toc)
    footer = document.sections[0].footer
    ftr = footer._element if not footer.is_linked_to_previous else None
    text = "".join(t.text or "" for t in ftr.iter(qn("w:t"))) if ftr is not None else ""
    fields = [f.get(qn("w:instr")).strip() for f in ftr.iter(qn("w:fldSimple"))] if ftr is not None else []
    return {"title": document.core_properties.title, "footer": {"text": text, "fields": fields},
            "blocks": blocks}


def read_odt(path):
    from odf import teletype
    from odf.namespaces import DRAWNS, STYLENS, SVGNS, TABLENS, TEXTNS, XLINKNS
    from odf.opendocument import load

    document = load(path)

    def q(node):  # text nodes have no qualified name
        return getattr(node, "qname", None)

    def runs_of(p):
        runs = []
        for node in p.childNodes:
            if node.nodeType == node.TEXT_NODE:
                runs.append((str(node), False))
            elif q(node) == (TEXTNS, "span"):
                runs.append((teletype.extractText(node),
                             node.getAttrNS(TEXTNS, "style-name") == "Strong_20_Emphasis"))
            elif q(node) == (TEXTNS, "tab"):
                runs.append(("\t", False))
            elif q(node) == (TEXTNS, "line-break"):
                runs.append(("\n", False))
            elif q(node) == (TEXTNS, "s"):
                runs.append((" " * int(node.getAttrNS(TEXTNS, "c") or 1), False))
            else:
                runs.append((teletype.extractText(node), False))
        return merge(runs)

    def rows_of(el):
        rows = []
        for node in el.childNodes:
            if q(node) == (TABLENS, "table-header-rows"):
                rows += rows_of(node)
            elif q(node) == (TABLENS, "table-row"):
                rows.append([teletype.extractText(c) for c in node.childNodes
                             if q(c) == (TABLENS, "table-cell")])
        return rows

    blocks = []
    for el in document.text.childNodes:
        name = q(el)
        if name == (TEXTNS, "h"):
            blocks.append({"kind": "heading", "level": int(el.getAttrNS(TEXTNS, "outline-level")),
                           "text": teletype.extractText(el)})
        elif name == (TEXTNS, "p"):
            style = el.getAttrNS(TEXTNS, "style-name")
            frames = [n for n in el.childNodes if q(n) == (DRAWNS, "frame")]
            if frames:
                frame = frames[0]
                image = [n for n in frame.childNodes if q(n) == (DRAWNS, "image")][0]
                titles = [n for n in frame.childNodes if q(n) == (SVGNS, "title")]
                href = image.getAttrNS(XLINKNS, "href")
                blocks.append({"kind": "image",
                               "alt": teletype.extractText(titles[0]) if titles else "",
                               "width_cm": float(frame.getAttrNS(SVGNS, "width")[:-2]),
                               "height_cm": float(frame.getAttrNS(SVGNS, "height")[:-2]),
                               "png": decode_png(document.Pictures[href][1])})
            elif style == "Caption":
                blocks.append({"kind": "caption", "text": teletype.extractText(el)})
            elif style == "Saut_de_page":
                blocks.append({"kind": "page_break"})
            else:
                blocks.append({"kind": "paragraph", "runs": runs_of(el)})
        elif name == (TEXTNS, "list"):
            for item in el.childNodes:
                for p in item.childNodes:
                    blocks.append({"kind": "bullet", "runs": runs_of(p)})
        elif name == (TABLENS, "table"):
            repeats = any(q(n) == (TABLENS, "table-header-rows") for n in el.childNodes)
            blocks.append({"kind": "table", "header_repeats": repeats, "rows": rows_of(el)})
        elif name == (TEXTNS, "table-of-content"):
            body = [n for n in el.childNodes if q(n) == (TEXTNS, "index-body")][0]
            toc = {"kind": "toc", "title": "", "entries": []}
            for node in body.childNodes:
                if q(node) == (TEXTNS, "index-title"):
                    toc["title"] = teletype.extractText(node)
                elif q(node) == (TEXTNS, "p"):
                    level = int(node.getAttrNS(TEXTNS, "style-name")[len("Contents_20_"):])
                    toc["entries"].append([level, teletype.extractText(node)])
            blocks.append(toc)
    footer = {"text": "", "fields": []}
    for page in document.masterstyles.childNodes:
        for part in page.childNodes:
            if q(part) == (STYLENS, "footer"):
                footer["text"] = teletype.extractText(part)
                for p in part.childNodes:
                    footer["fields"] += [q(n)[1] for n in p.childNodes
                                         if n.nodeType == n.ELEMENT_NODE and q(n)[0] == TEXTNS
                                         and q(n)[1] in ("page-number", "page-count")]
    title = ""
    for node in document.meta.childNodes:
        if q(node) == ("http://purl.org/dc/elements/1.1/", "title"):
            title = teletype.extractText(node)
    return {"title": title, "footer": footer, "blocks": blocks}


if __name__ == "__main__":
    kind, path = sys.argv[1], sys.argv[2]
    result = read_docx(path) if kind == "docx" else read_odt(path)
    json.dump(result, sys.stdout, ensure_ascii=False)

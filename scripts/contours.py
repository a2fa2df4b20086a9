#!/usr/bin/env python3
"""Converts the IGN Admin Express COG 2018 commune polygons (one gzipped GeoJSON per département,
as laid out in shared/data/communes-contours-2018/) into the compact topology the project ships:
data/contours/communes-2018.topojson.gz (see data/contours/README.md).

    python3 scripts/contours.py SOURCE_DIR data/contours/communes-2018.topojson.gz

Standard library only. The source coordinates are already rounded to 1e-5 degree; they are kept
exactly (quantized with scale 1e-5, so no precision is lost), borders shared by two communes are
stored once as arcs (TopoJSON, https://github.com/topojson/topojson-specification), arcs are
delta-encoded, and the JSON is written without spaces and gzipped (level 9, mtime 0, so the output
is byte-for-byte reproducible). Geometry ids are the COG 2018 codes; nothing else is kept (names
and today's codes come from the référentiel's own packages).
"""
import gzip
import json
import os
import sys

SCALE = 100000  # source precision: 1e-5 degree


def rings_of(geometry):
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["coordinates"]
    raise ValueError("unexpected geometry " + geometry["type"])


def quantize_ring(ring):
    out = []
    for lon, lat in ring:
        p = (round(lon * SCALE), round(lat * SCALE))
        if not out or out[-1] != p:
            out.append(p)
    if out[0] != out[-1]:
        out.append(out[0])
    return out


def main(source, target):
    features = []  # (code, [[ring, ...], ...]) with quantized closed rings
    for name in sorted(os.listdir(source)):
        if not name.endswith(".geojson.gz"):
            continue
        with gzip.open(os.path.join(source, name), "rt", encoding="utf-8") as f:
            collection = json.load(f)
        for feature in collection["features"]:
            polygons = []
            for polygon in rings_of(feature["geometry"]):
                rings = [quantize_ring(r) for r in polygon]
                rings = [r for r in rings if len(r) >= 4]
                if rings:
                    polygons.append(rings)
            features.append((feature["properties"]["code"], polygons))
    features.sort(key=lambda f: f[0])

    # Junctions: a point met with two different pairs of neighbours (where borders meet or part).
    seen = {}
    junctions = set()
    for _, polygons in features:
        for rings in polygons:
            for ring in rings:
                n = len(ring) - 1
                for i in range(n):
                    a, b = ring[i - 1], ring[i + 1]
                    pair = (a, b) if a < b else (b, a)
                    prev = seen.get(ring[i])
                    if prev is None:
                        seen[ring[i]] = pair
                    elif prev != pair:
                        junctions.add(ring[i])
    del seen

    arcs = []
    arc_index = {}  # tuple of points -> arc index (reversed arcs are looked up reversed)

    def arc_ref(points):
        key = tuple(points)
        i = arc_index.get(key)
        if i is not None:
            return i
        i = arc_index.get(key[::-1])
        if i is not None:
            return ~i
        arc_index[key] = len(arcs)
        arcs.append(points)
        return len(arcs) - 1

    geometries = []
    for code, polygons in features:
        out_polygons = []
        for rings in polygons:
            out_rings = []
            for ring in rings:
                body = ring[:-1]
                cuts = [i for i, p in enumerate(body) if p in junctions]
                if not cuts:
                    # A ring shared whole (an enclave and its host) or not at all: start at its
                    # smallest point so that both copies give the same arc.
                    k = body.index(min(body))
                    body = body[k:] + body[:k]
                    out_rings.append([arc_ref(body + [body[0]])])
                    continue
                body = body[cuts[0]:] + body[:cuts[0]]
                cuts = [c - cuts[0] for c in cuts] + [len(body)]
                body = body + [body[0]]
                refs = []
                for s, e in zip(cuts, cuts[1:]):
                    refs.append(arc_ref(body[s:e + 1]))
                out_rings.append(refs)
            out_polygons.append(out_rings)
        if len(out_polygons) == 1:
            geometries.append({"type": "Polygon", "id": code, "arcs": out_polygons[0]})
        else:
            geometries.append({"type": "MultiPolygon", "id": code, "arcs": out_polygons})

    xmin = min(p[0] for a in arcs for p in a)
    ymin = min(p[1] for a in arcs for p in a)
    encoded = []
    for a in arcs:
        px, py = xmin, ymin
        out = []
        for x, y in a:
            out.append([x - px, y - py])
            px, py = x, y
        encoded.append(out)
    topology = {
        "type": "Topology",
        "transform": {"scale": [1.0 / SCALE, 1.0 / SCALE], "translate": [xmin / SCALE, ymin / SCALE]},
        "objects": {"communes": {"type": "GeometryCollection", "geometries": geometries}},
        "arcs": encoded,
    }
    text = json.dumps(topology, separators=(",", ":")).encode("utf-8")
    with open(target, "wb") as raw:
        with gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0, filename="") as f:
            f.write(text)
    points = sum(len(a) for a in arcs)
    print(f"{len(geometries)} communes, {len(arcs)} arcs, {points} arc points, "
          f"{len(text)} bytes of JSON, {os.path.getsize(target)} bytes gzipped", file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])

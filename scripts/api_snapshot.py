#!/usr/bin/env python3
"""Records the answers of every GET route of a running Maillage server, to prove that a change
keeps the HTTP interface byte for byte (python3 standard library only).

    scripts/api_snapshot.py --base-url http://127.0.0.1:8080 --out DIR [--clock-window-start EPOCH]
    scripts/api_snapshot.py --compare DIR1 DIR2        # exit 1 when they differ

The server must hold a freshly loaded demo (`maillage demo load`); scripts/api_snapshot.sh does
the whole thing (fresh database, demo, server, snapshot, stop) for a given binary.

What is requested
-----------------
* The accounts: the admin account (--login, --password) lists every account through
  /api/v1/users; each is signed in through POST /api/v1/session with the demo password. A pseudo
  account `anonymous` sends no cookie. Every account requests every URL below, so the snapshot
  also records who gets 401/403/404 where.
* The routes: the GET routes of /api/v1/openapi.json (the API) and the page routes listed in
  PAGE_ROUTES below (the OpenAPI document lists only the API). Each route pattern has its URLs
  in `seeds()`, with its path parameters filled from what the demo holds (discovered as admin:
  structures, ACI contracts and their years and indicator versions, campaigns with their
  members and months, the EPCI of Metz, départements 57/54/75...) plus one unknown value (404)
  and the query variants the pages and scripts use (coverage levels, diagnostics selections,
  portfolio filters, exports per member...). A GET route of the OpenAPI document that seeds()
  does not know is still requested, with generic values, and reported as `unmapped`.
* Links: the same-origin links (href, src, hx-get, data-cellules) of the HTML pages of the
  first pass that match a GET route are requested too (at most HARVEST_PER_ROUTE new URLs per
  route pattern and account, in sorted order); /assets/... links are gathered from all accounts
  and requested once, as `anonymous` (the asset route ignores the session).
* A few requests with Accept-Encoding (gzip, br) and with If-None-Match (304) cover the
  compression and cache paths; everything else is sent without Accept-Encoding.

What is written
---------------
DIR/<account>/GET_<path>[_Q_<query>][_E_<variant>].http, one file per request: the status line,
the response headers except DROPPED_HEADERS, a blank line, then the body as received (JSON is
not re-serialised; compressed bodies are kept compressed), except for the rules below.
DIR/index.tsv lists every request (account, method, URL, status, content type, received size,
sha256 of the written file, rules applied, note: link/asset/unmapped/slow, file);
DIR/summary.json the counts per account and status, the route patterns, what was discovered.
--compare shows JSON bodies pretty-printed and binary bodies in hex, only for the diff.

Normalisation rules (the `rules` column of index.tsv says which fired on which request)
---------------------------------------------------------------------------------------
Each rule was added because two runs of the same binary on two fresh demo databases differed
there, and is as narrow as that allowed.
N1 csrf: the CSRF token of the account's session (known exactly from its login answer) is
   replaced by <csrf> (JSON of /api/v1/me; hidden fields and meta of every HTML page).
N2 login-csrf: /connexion sets a random maillage_login_csrf cookie (double-submit token); that
   exact value is replaced by <login-csrf> in Set-Cookie and in the body's hidden field.
N3 run-clock: an ISO 8601 date-time with seconds (`2026-12-06T21:07:17.823Z`; fraction and
   zone optional) that falls inside the run's clock window is written <run-clock:SHAPE>, SHAPE
   being the text with every digit replaced by 9 (a change of format or precision still
   shows). The window opens at --clock-window-start (api_snapshot.sh: just before `demo load`;
   default 24 h before the snapshot starts) and closes when the answer arrives (+1 s), so dates
   in the future (slots, deadlines) and fixed times are never touched; a time without zone is
   tried as UTC and as local time. What it catches: cree_le/modifie_le of structures,
   enregistre_le of history, created_at/updated_at of contracts, indicator versions, comments,
   importe_le of RPPS snapshots (JSON and their display in HTML), dcterms:created/modified of
   XLSX and meta:creation-date of ODT (src/office: now_utc()). Dates without a time of day are
   not touched: the demo derives them from today, so two runs on the same day agree.
N4 zip: XLSX and ODT bodies are written as a text dump of the archive: for each entry in order
   its name, method, DOS time, flags, attributes, extra, CRC and sizes, then its content with
   N1-N3 applied. When N3 changed an entry (the creation date), that entry's CRC and sizes, the
   archive size and Content-Length are replaced by a marker (they follow the timestamp digits).
N5 duration: the measured computing time of a diagnostic, "calcul_ms":<number> in
   /api/v1/diagnostics and "Calculé en N ms" in /diagnostic (src/http/diagnostic_routes.cpp,
   web/templates/diagnostic.mustache), becomes <duration>; Content-Length becomes
   "<length of the rest> + <duration digits>".
DROPPED_HEADERS: X-Request-Id (random per request), Keep-Alive and Connection (per connection
   state), Date (not sent today). Content-Length is otherwise kept.
Not normalised because never seen on GET: session cookies (sessions are only set by POST),
job ids (no job exists in the demo; creating one needs a POST), ETags of normalised bodies
(no answer carrying an ETag contains a run-clock value).

Not covered (the demo holds none and a GET cannot create them): a structure document, a
dialogue attachment, a roster job, a swap, roster assignments (the demo campaign is collecting
availabilities, so its CSV/XLSX/iCalendar exports hold the header only): their download/detail
routes are requested with an unknown id (404) only. /api/v1/coverage?niveau=france&propositions=1
takes minutes in the ASan build: only with --slow.
"""
from __future__ import annotations

import argparse
import concurrent.futures
import datetime as dt
import difflib
import hashlib
import html
import http.client
import io
import json
import os
import re
import sys
import threading
import time
import urllib.parse
import zipfile

DEMO_PASSWORD = "demo-maillage-2026"
DEFAULT_ADMIN = "admin@demo.maillage.fr"
ANONYMOUS = "anonymous"
DROPPED_HEADERS = {"x-request-id", "keep-alive", "connection", "date"}
HARVEST_PER_ROUTE = 4
TIMEOUT_S = 600

# Page routes (RouteKind::page, not in the OpenAPI document), from src/http/*_routes.cpp and
# web_app.cpp at commit 23e90c5. Plus the asset route.
PAGE_ROUTES = [
    "/", "/connexion", "/carte/{dep}", "/communes/{code}", "/recherche", "/admin/utilisateurs",
    "/aci", "/aci/contrats/{id}", "/aci/contrats/{id}/echeancier",
    "/aci/contrats/{id}/indicateurs", "/aci/contrats/{id}/dialogue/{annee}",
    "/aci/contrats/{id}/dialogue/{annee}/dossier",
    "/aci/contrats/{id}/dialogue/{annee}/dossier.odt",
    "/diagnostic", "/diagnostic/rapport",
    "/portefeuille", "/portefeuille/{dep}", "/structures/{id}", "/qui-est-mon-roc",
    "/permanences", "/permanences/{id}", "/permanences/{id}/calcul", "/permanences/{id}/tableau",
    "/couverture/{dep}", "/territoires/{id}", "/observatoire",
    "/assets/{version}/{path*}",
]

# Vendor files served under /assets/{version}/ (src/http/assets.cpp), not all linked by pages.
VENDOR_ASSETS = ["leaflet/leaflet.js", "leaflet/leaflet.css", "leaflet/images/layers.png",
                 "leaflet/images/layers-2x.png", "leaflet/images/marker-icon.png",
                 "htmx/htmx.min.js", "chartjs/chart.umd.js"]

UNKNOWN_ID = "9999"


# ------------------------------------------------------------------------------------- HTTP

class Client:
    """One account: its cookie and CSRF token. A new connection per request (no keep-alive
    state in the answers)."""

    def __init__(self, base_url: str, name: str):
        u = urllib.parse.urlsplit(base_url)
        self.host, self.port = u.hostname, u.port or 80
        self.name = name
        self.cookie: str | None = None
        self.csrf: str | None = None

    def request(self, method, url, body=None, headers=None):
        h = {"Accept": "*/*", "User-Agent": "maillage-api-snapshot"}
        if self.cookie:
            h["Cookie"] = f"maillage_session={self.cookie}"
        if body is not None:
            h["Content-Type"] = "application/json"
        h.update(headers or {})
        last = None
        for _ in range(3):
            conn = http.client.HTTPConnection(self.host, self.port, timeout=TIMEOUT_S)
            try:
                conn.request(method, url, body=body, headers=h)
                r = conn.getresponse()
                data = r.read()
                return r.status, r.reason, r.getheaders(), data
            except (ConnectionError, http.client.HTTPException) as e:  # retried: GETs only
                last = e
                time.sleep(0.5)
            finally:
                conn.close()
        raise RuntimeError(f"{method} {url}: {last}")

    def login(self, login, password):
        status, _, headers, data = self.request(
            "POST", "/api/v1/session",
            json.dumps({"identifiant": login, "mot_de_passe": password}).encode())
        if status != 201:
            raise RuntimeError(f"login {login}: HTTP {status} {data[:200]!r}")
        for k, v in headers:
            if k.lower() == "set-cookie" and v.startswith("maillage_session="):
                self.cookie = v.split(";", 1)[0].split("=", 1)[1]
        self.csrf = json.loads(data)["csrf"]

    def get_json(self, url):
        status, _, _, data = self.request("GET", url)
        if status != 200:
            raise RuntimeError(f"discovery GET {url}: HTTP {status}")
        return json.loads(data)


# ---------------------------------------------------------------------------- normalisation

# N3: an ISO 8601 date-time with seconds (fraction and zone optional), as the store writes them.
ISO_RE = re.compile(rb"(?<![0-9])(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?"
                    rb"(Z|[+-]\d{2}:?\d{2})?(?![0-9])")


class Window:
    """[start - 1 s, now + 1 s]: `now` read at each check, so that only times already past when
    the answer arrived can be masked (slots and deadlines in the future never are)."""

    def __init__(self, start: float):
        self.start = start - 1

    def contains(self, y, mo, d, h, mi, s, zone: bytes | None):
        try:
            naive = dt.datetime(y, mo, d, h, mi, s)
        except ValueError:
            return False
        candidates = []
        if zone and zone != b"Z":
            z = zone.decode().replace(":", "")
            off = dt.timedelta(hours=int(z[1:3]), minutes=int(z[3:5])) * (1 if z[0] == "+" else -1)
            candidates.append(naive.replace(tzinfo=dt.timezone(off)).timestamp())
        else:
            candidates.append(naive.replace(tzinfo=dt.timezone.utc).timestamp())
            if not zone:  # no zone: may be local time
                candidates.append(time.mktime(naive.timetuple()))
        end = time.time() + 1
        return any(self.start <= t <= end for t in candidates)


def shape(b: bytes) -> bytes:
    return b"<run-clock:" + re.sub(rb"[0-9]", b"9", b) + b">"


def mask_clock(data: bytes, win: Window) -> tuple[bytes, int]:
    count = 0

    def sub_iso(m):
        nonlocal count
        y, mo, d, h, mi, s = (int(m.group(i)) for i in range(1, 7))
        if win.contains(y, mo, d, h, mi, s, m.group(8)):
            count += 1
            return shape(m.group(0))
        return m.group(0)

    data = ISO_RE.sub(sub_iso, data)
    return data, count


# N5: the measured computing time of a diagnostic (src/http/diagnostic_routes.cpp: calcul_ms in
# the JSON, "Calculé en N ms." in web/templates/diagnostic.mustache).
DURATION_JSON_RE = re.compile(rb'("calcul_ms":)-?[0-9][0-9.eE+-]*')
DURATION_HTML_RE = re.compile("(Calculé en )[0-9][0-9  \u202f,.]* ms".encode())


def normalise_text(data: bytes, client: Client, win: Window, rules: set, extra: dict) -> bytes:
    if client.csrf and client.csrf.encode() in data:
        data = data.replace(client.csrf.encode(), b"<csrf>")
        rules.add("N1")
    for value, token in extra.items():
        if value.startswith("@"):
            continue
        if value and value.encode() in data:
            data = data.replace(value.encode(), token.encode())
            rules.add("N2")
    data, n = mask_clock(data, win)
    if n:
        rules.add("N3")
    removed = 0

    def dur_json(m):
        nonlocal removed
        removed += len(m.group(0)) - len(m.group(1))
        return m.group(1) + b'"<duration-ms>"'

    def dur_html(m):
        nonlocal removed
        removed += len(m.group(0)) - len(m.group(1)) - len(b" ms")
        return m.group(1) + b"<duration> ms"

    data, n = DURATION_JSON_RE.subn(dur_json, data)
    data, m = DURATION_HTML_RE.subn(dur_html, data)
    if n or m:
        rules.add("N5")
        extra["@duration-bytes"] = extra.get("@duration-bytes", 0) + removed
    return data


def is_zip(content_type: str, data: bytes) -> bool:
    return data[:4] == b"PK\x03\x04" and any(
        t in content_type for t in ("openxmlformats", "opendocument", "zip"))


def dump_zip(data: bytes, client, win, rules, extra) -> tuple[bytes, bool]:
    """Text dump of an XLSX/ODT archive; True when an entry's content was normalised."""
    rules.add("N4")
    out = io.BytesIO()
    changed = False
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        infos = z.infolist()
        for i in infos:
            content = z.read(i)
            norm = normalise_text(content, client, win, rules, extra)
            head = (f"=== entry {i.filename!r} method={i.compress_type} date={i.date_time} "
                    f"flags={i.flag_bits:#x} create_system={i.create_system} "
                    f"external_attr={i.external_attr:#x} extra={i.extra.hex()} "
                    f"comment={i.comment!r}")
            if norm == content:
                head += f" crc={i.CRC:08x} size={i.file_size} compressed={i.compress_size}"
            else:
                changed = True
                head += " (content normalised: crc and sizes omitted)"
            out.write(head.encode() + b"\n")
            out.write(norm)
            out.write(b"\n=== end of entry\n")
        size = "<size: an entry was normalised>" if changed else f"{len(data)} bytes"
        first = f"zip archive: {len(infos)} entries, {size}, comment {z.comment!r}\n"
    return first.encode() + out.getvalue(), changed


def normalise(status, reason, headers, body, client: Client, win: Window):
    rules: set[str] = set()
    extra = {}
    kept = []
    ctype = ""
    for k, v in headers:
        lk = k.lower()
        if lk in DROPPED_HEADERS:
            continue
        if lk == "content-type":
            ctype = v
        if lk == "set-cookie":
            name, _, rest = v.partition("=")
            value, sep, attrs = rest.partition(";")
            if name == "maillage_login_csrf" and value:
                extra[value] = "<login-csrf>"
                v = f"{name}=<login-csrf>{sep}{attrs}"
                rules.add("N2")
        kept.append((k, v))
    encoded = any(k.lower() == "content-encoding" for k, _ in headers)
    if encoded:
        out_body = body  # compressed bytes are compared as received
    elif is_zip(ctype, body):
        out_body, changed = dump_zip(body, client, win, rules, extra)
        if changed:
            kept = [(k, "<zip-size: an entry was normalised>" if k.lower() == "content-length"
                     else v) for k, v in kept]
    else:
        out_body = normalise_text(body, client, win, rules, extra)
    if "@duration-bytes" in extra:
        # N5 changes the length: keep the length of everything else.
        rest = len(body) - extra["@duration-bytes"]
        kept = [(k, f"{rest} + <duration digits>" if k.lower() == "content-length"
                 and v == str(len(body)) else v) for k, v in kept]
    head = f"HTTP {status} {reason}\n" + "".join(f"{k}: {v}\n" for k, v in kept) + "\n"
    return head.encode() + out_body, ctype, sorted(rules)


# ------------------------------------------------------------------------------------ routes

def route_regex(pattern: str):
    parts = re.split(r"(\{[^}]+\})", pattern)
    rx = ""
    for p in parts:
        if p.startswith("{"):
            rx += "(.+)" if p.endswith("*}") else "([^/]+)"
        else:
            rx += re.escape(p)
    return re.compile("^" + rx + "$")


def match_route(path: str, patterns):
    # The most specific pattern: fewest parameters, then longest literal text.
    best = None
    for p in patterns:
        if route_regex(p).match(path):
            key = (p.count("{"), -len(p))
            if best is None or key < best[0]:
                best = (key, p)
    return best[1] if best else None


class Demo:
    """What the demo holds, discovered as admin."""

    def __init__(self, admin: Client):
        g = admin.get_json
        self.structures = sorted(s["id"] for s in g("/api/v1/structures")["structures"])
        self.contracts = []  # (id, [years], [indicator versions])
        for c in sorted(g("/api/v1/aci/contracts")["contracts"], key=lambda c: c["id"]):
            full = g(f"/api/v1/aci/contracts/{c['id']}")
            years = sorted({y["year"] if isinstance(y, dict) else y for y in full.get("years", [])})
            versions = sorted({v["number"] if isinstance(v, dict) else v
                               for v in full.get("indicator_versions", [])})
            pieces = []
            for y in years:
                ws = g(f"/api/v1/aci/contracts/{c['id']}/dialogues/{y}")
                for key in ("general_attachments", "attachments"):
                    for a in ws.get(key) or []:
                        if isinstance(a, dict) and "id" in a:
                            pieces.append((y, a["id"]))
            self.contracts.append((c["id"], years, versions, pieces))
        self.campaigns = []  # (id, [members], [months])
        for c in sorted(g("/api/v1/campaigns")["campagnes"], key=lambda c: c["id"]):
            full = g(f"/api/v1/campaigns/{c['id']}")
            members = sorted(m["id"] for m in full.get("membres", []) if "id" in m)
            months = sorted({d[:7] for d in (c["debut"], c["fin"])})
            self.campaigns.append((c["id"], members, months))
        self.documents = []
        for s in self.structures:
            for d in g(f"/api/v1/structures/{s}/documents").get("documents", []):
                self.documents.append((s, d["id"]))
        metz = g("/api/v1/communes/57463")
        self.epci_metz = metz["epci"]["code"]
        self.observatory_stages = sorted(
            g("/api/v1/observatory")["departements"][0]["part_population_couverte"].keys())
        self.users = sorted(u["identifiant"] for u in g("/api/v1/users")["utilisateurs"])

    def as_json(self):
        return {k: v for k, v in vars(self).items()}


def q(path, **params):
    if not params:
        return path
    return path + "?" + urllib.parse.urlencode(params, safe=",/")


def seeds(demo: Demo) -> dict[str, list[tuple[str, dict]]]:
    """Route pattern -> list of (URL, request headers)."""
    S = {}

    def add(pattern, *urls, headers=None):
        S.setdefault(pattern, []).extend((u, headers or {}) for u in urls)

    structures = [str(s) for s in demo.structures] + [UNKNOWN_ID]
    deps = ["57", "54", "75", "2A", "00"]
    communes = ["57463", "57672", "54395", "75056", "2A004", "99999"]
    epcis = [demo.epci_metz, "000000000"]
    stages = [s for s in demo.observatory_stages if s != "toutes"][:2]

    # Operations, session
    add("/healthz", "/healthz")
    add("/api/v1/openapi.json", "/api/v1/openapi.json")
    add("/api/v1/me", "/api/v1/me")
    add("/api/v1/users", "/api/v1/users")
    # Référentiel
    add("/api/v1/communes", q("/api/v1/communes", q="metz"), q("/api/v1/communes", q="saint", limit=5),
        q("/api/v1/communes", limit=8, q="thion"), q("/api/v1/communes", q="zzzz"),
        q("/api/v1/communes", q="metz", limit=1000), "/api/v1/communes")
    add("/api/v1/communes/{code}", *[f"/api/v1/communes/{c}" for c in communes])
    add("/api/v1/departements/{code}/cells", *[f"/api/v1/departements/{d}/cells" for d in deps])
    # (France's contours weigh 8 MB: only a département's are snapshotted.)
    add("/api/v1/contours/{zone}", "/api/v1/contours/57", q("/api/v1/contours/57", niveau="france"),
        q("/api/v1/contours/57", niveau="rue"), "/api/v1/contours/00")
    add("/api/v1/epci/{siren}", *[f"/api/v1/epci/{e}" for e in epcis])
    # Registry
    add("/api/v1/structures", "/api/v1/structures", q("/api/v1/structures", departement="57"),
        q("/api/v1/structures", type="MSP"), q("/api/v1/structures", etape="aci_signe"),
        q("/api/v1/structures", departement="75"))
    for suffix in ("", "/history", "/documents", "/referents", "/territory", "/territory.csv"):
        add("/api/v1/structures/{id}" + suffix, *[f"/api/v1/structures/{s}{suffix}" for s in structures])
    add("/api/v1/structures/{id}/territory",
        *[q(f"/api/v1/structures/{s}/territory", contour=1) for s in structures[:1]])
    add("/api/v1/structures/{id}/documents/{document}",
        *[f"/api/v1/structures/{s}/documents/{d}" for s, d in demo.documents],
        f"/api/v1/structures/{structures[0]}/documents/{UNKNOWN_ID}")
    add("/api/v1/referents", q("/api/v1/referents", commune="57463"),
        q("/api/v1/referents", commune="57672"), q("/api/v1/referents", commune="54395"),
        q("/api/v1/referents", commune="99999"), "/api/v1/referents")
    portfolio_q = [{}, {"type": "CPTS"}, {"type": "MSP"}, {"etape": "aci_signe"},
                   {"alerte": "any"}, {"alerte": "deadline"}, {"date": "2027-06-30"},
                   {"date": "2027-13-45"}]
    for suffix in ("", ".csv", ".xlsx"):
        pat = "/api/v1/departements/{code}/portfolio" + suffix
        add(pat, *[q(f"/api/v1/departements/57/portfolio{suffix}", **p) for p in portfolio_q])
        add(pat, *[f"/api/v1/departements/{d}/portfolio{suffix}" for d in ("54", "00")])
    # Territories and coverage
    cov = "/api/v1/coverage"
    add(cov, q(cov, niveau="france"), q(cov, niveau="region", code="44"),
        q(cov, niveau="region", code="44", propositions=1),
        q(cov, niveau="departement", code="57"),
        q(cov, niveau="departement", code="57", propositions=1),
        *[q(cov, niveau="departement", code="57", etape=s) for s in stages],
        q(cov, niveau="departement", code="75"),
        q(cov, niveau="epci", code=demo.epci_metz),
        q(cov, niveau="epci", code=demo.epci_metz, propositions=1),
        q(cov, niveau="commune", code="57463"), q(cov, niveau="departement", code="00"), cov)
    add("/api/v1/observatory", "/api/v1/observatory")
    # Diagnostic
    sel = [{}, {"structure": "1"}, {"structure": "1", "seuil": "3"}, {"epci": demo.epci_metz},
           {"communes": "57463,57480,57415"}, {"communes": "57463,99999"}, {"structure": UNKNOWN_ID},
           {"seuil": "abc", "epci": demo.epci_metz}]
    add("/api/v1/diagnostics", *[q("/api/v1/diagnostics", **p) for p in sel])
    add("/diagnostic", *[q("/diagnostic", **p) for p in sel[:5]])
    add("/diagnostic/rapport", *[q("/diagnostic/rapport", **p) for p in sel[:5]])
    # ACI
    c = "/api/v1/aci/contracts"
    add(c, c)
    contract_ids = [str(x[0]) for x in demo.contracts] + [UNKNOWN_ID]
    for cid in contract_ids:
        add(c + "/{id}", f"{c}/{cid}")
        add(c + "/{id}/schedule", f"{c}/{cid}/schedule", q(f"{c}/{cid}/schedule", format="csv"))
        add(c + "/{id}/indicators", f"{c}/{cid}/indicators")
        add("/aci/contrats/{id}", f"/aci/contrats/{cid}")
        add("/aci/contrats/{id}/echeancier", f"/aci/contrats/{cid}/echeancier")
        add("/aci/contrats/{id}/indicateurs", f"/aci/contrats/{cid}/indicateurs")
    for cid, years, versions, pieces in demo.contracts:
        add(c + "/{id}/schedule", q(f"{c}/{cid}/schedule", format="xml"))
        add(c + "/{id}/indicators", *[q(f"{c}/{cid}/indicators", version=v) for v in versions],
            q(f"{c}/{cid}/indicators", version=99))
        add("/aci/contrats/{id}/indicateurs",
            *[q(f"/aci/contrats/{cid}/indicateurs", version=v) for v in versions])
        for y in list(years) + [max(years, default=0) + 1]:
            add(c + "/{id}/dialogues/{year}", f"{c}/{cid}/dialogues/{y}")
            add("/aci/contrats/{id}/dialogue/{annee}", f"/aci/contrats/{cid}/dialogue/{y}")
            add("/aci/contrats/{id}/dialogue/{annee}/dossier", f"/aci/contrats/{cid}/dialogue/{y}/dossier")
            add("/aci/contrats/{id}/dialogue/{annee}/dossier.odt",
                f"/aci/contrats/{cid}/dialogue/{y}/dossier.odt")
        add(c + "/{id}/dialogues/{year}/attachments/{piece}",
            *[f"{c}/{cid}/dialogues/{y}/attachments/{p}" for y, p in pieces],
            f"{c}/{cid}/dialogues/{years[0] if years else 1}/attachments/{UNKNOWN_ID}")
    add(c + "/{id}/dialogues/{year}", f"{c}/{UNKNOWN_ID}/dialogues/1")
    add("/aci/contrats/{id}/dialogue/{annee}", f"/aci/contrats/{UNKNOWN_ID}/dialogue/1")
    add("/aci", "/aci")
    # Roster
    base = "/api/v1/campaigns"
    add(base, base)
    campaign_ids = [str(x[0]) for x in demo.campaigns] + [UNKNOWN_ID]
    for cid in campaign_ids:
        for suffix in ("", "/roster", "/swaps", "/export.csv", "/export.ics", "/export.xlsx"):
            add(base + "/{id}" + suffix, f"{base}/{cid}{suffix}")
        add(base + "/{id}/jobs/{job}", f"{base}/{cid}/jobs/1")
        add("/permanences/{id}", f"/permanences/{cid}")
        add("/permanences/{id}/calcul", f"/permanences/{cid}/calcul", q(f"/permanences/{cid}/calcul", suivi=1))
        add("/permanences/{id}/tableau", f"/permanences/{cid}/tableau")
    for cid, members, months in demo.campaigns:
        for m in members[:2] + [int(UNKNOWN_ID)]:
            for ext in ("csv", "ics", "xlsx"):
                add(base + "/{id}/export." + ext, q(f"{base}/{cid}/export.{ext}", membre=m))
        add("/permanences/{id}/tableau", *[q(f"/permanences/{cid}/tableau", mois=m) for m in months],
            q(f"/permanences/{cid}/tableau", mois="2027-13"))
    add("/permanences", "/permanences")
    # Pages
    add("/", "/")
    add("/connexion", "/connexion", q("/connexion", suite="/aci"))
    add("/carte/{dep}", *[f"/carte/{d}" for d in deps[:3] + ["00"]])
    add("/communes/{code}", *[f"/communes/{x}" for x in communes])
    add("/recherche", q("/recherche", q="metz"), q("/recherche", q="saint"), "/recherche")
    add("/admin/utilisateurs", "/admin/utilisateurs")
    add("/portefeuille", "/portefeuille")
    add("/portefeuille/{dep}", *[q("/portefeuille/57", **p) for p in portfolio_q],
        "/portefeuille/54", "/portefeuille/00")
    add("/structures/{id}", *[f"/structures/{s}" for s in structures])
    add("/territoires/{id}", *[f"/territoires/{s}" for s in structures])
    add("/qui-est-mon-roc", "/qui-est-mon-roc", q("/qui-est-mon-roc", commune="57463"),
        q("/qui-est-mon-roc", commune="metz"), q("/qui-est-mon-roc", commune="saint"),
        q("/qui-est-mon-roc", structure="1"), q("/qui-est-mon-roc", commune="99999"))
    add("/couverture/{dep}", "/couverture/57", *[q("/couverture/57", etape=s) for s in stages],
        "/couverture/75", "/couverture/00")
    add("/observatoire", "/observatoire")
    # Compression and conditional requests (the If-None-Match ETag is filled in at run time).
    add("/api/v1/departements/{code}/cells", "/api/v1/departements/57/cells",
        headers={"Accept-Encoding": "gzip"})
    add("/api/v1/departements/{code}/cells", "/api/v1/departements/57/cells",
        headers={"Accept-Encoding": "br, gzip"})
    add("/api/v1/departements/{code}/portfolio", "/api/v1/departements/57/portfolio",
        headers={"Accept-Encoding": "gzip"})
    for u in ("/api/v1/openapi.json", "/api/v1/departements/57/cells",
              "/api/v1/departements/57/portfolio"):
        add(match_route(u.split("?")[0], list(S)), u, headers={"If-None-Match": "@etag"})
    return S


SLOW_SEEDS = [
    # Proposals for every white zone of France: ~107 s in the debug+ASan build on an idle
    # machine, over 10 min on a loaded one. Only with --slow, and for the admin account only.
    "/api/v1/coverage?niveau=france&propositions=1",
]


def generic_urls(pattern: str, demo: Demo) -> list[str]:
    values = {"id": str(demo.structures[0]) if demo.structures else "1", "code": "57",
              "siren": demo.epci_metz, "year": "1", "annee": "1", "dep": "57"}
    return [re.sub(r"\{([^}*]+)\*?\}", lambda m: values.get(m.group(1), "1"), pattern)]


# ------------------------------------------------------------------------------- the snapshot

def file_name(method: str, url: str, variant: dict) -> str:
    path, _, query = url.partition("?")
    name = method + "_" + (path.strip("/").replace("/", "__") or "_root")
    if query:
        name += "_Q_" + query
    for k, v in sorted(variant.items()):
        name += f"_E_{k}={v}"
    name = re.sub(r"[^A-Za-z0-9._=,@+-]", lambda m: "%%%02X" % ord(m.group(0)), name)
    if len(name) > 200:
        name = name[:180] + "_" + hashlib.sha256(name.encode()).hexdigest()[:16]
    return name + ".http"


LINK_RE = re.compile(rb"""(?:href|src|hx-get|data-cellules)\s*=\s*(["'])(.*?)\1""", re.S)


def harvest(body: bytes) -> set[str]:
    out = set()
    for m in LINK_RE.finditer(body):
        raw = html.unescape(m.group(2).decode("utf-8", "replace")).strip()
        cands = [raw]
        if raw.startswith("["):
            try:
                cands = [x for x in json.loads(raw) if isinstance(x, str)]
            except ValueError:
                cands = []
        for u in cands:
            if u.startswith("/") and not u.startswith("//"):
                out.add(u.split("#", 1)[0])
    return out


class Snapshot:
    def __init__(self, args):
        self.args = args
        self.out = args.out
        self.win = Window(args.clock_window_start if args.clock_window_start is not None
                          else time.time() - 86400)
        self.rows = []
        self.lock = threading.Lock()
        self.names: dict[tuple, str] = {}
        self.errors = []

    def fetch(self, client: Client, url: str, headers: dict, note: str = ""):
        headers = dict(headers)
        variant = {}
        if headers.get("If-None-Match") == "@etag":
            _, _, hs, _ = client.request("GET", url)
            etag = next((v for k, v in hs if k.lower() == "etag"), "")
            headers["If-None-Match"] = etag or '"none"'
            variant["inm"] = "etag"
        elif "Accept-Encoding" in headers:
            variant["enc"] = headers["Accept-Encoding"].replace(" ", "")
        status, reason, hs, body = client.request("GET", url, headers=headers)
        content, ctype, rules = normalise(status, reason, hs, body, client, self.win)
        name = file_name("GET", url, variant)
        key = (client.name, name)
        with self.lock:
            if key in self.names and self.names[key] != url:
                name = name[:-5] + "_" + hashlib.sha256(url.encode()).hexdigest()[:8] + ".http"
            self.names[key] = url
        d = os.path.join(self.out, client.name)
        with open(os.path.join(d, name), "wb") as f:
            f.write(content)
        row = (client.name, "GET", url + "".join(f" [{k}={v}]" for k, v in variant.items()),
               str(status), ctype, str(len(body)), hashlib.sha256(content).hexdigest()[:16],
               ",".join(rules) or "-", note or "-", f"{client.name}/{name}")
        with self.lock:
            self.rows.append(row)
        return status, ctype, body

    def run(self):
        a = self.args
        os.makedirs(self.out, exist_ok=True)
        if os.listdir(self.out):
            sys.exit(f"{self.out} n'est pas vide")
        admin = Client(a.base_url, a.login)
        admin.login(a.login, a.password)
        demo = Demo(admin)
        openapi = admin.get_json("/api/v1/openapi.json")
        api_get = sorted(p for p, ops in openapi["paths"].items() if "get" in ops)
        patterns = sorted(set(api_get) | set(PAGE_ROUTES))
        plan = seeds(demo)
        unmapped = [p for p in patterns if p not in plan and p != "/assets/{version}/{path*}"]
        for p in unmapped:
            plan[p] = [(u, {}) for u in generic_urls(p, demo)]
        stale = sorted(p for p in plan if p not in patterns)
        clients = [Client(a.base_url, ANONYMOUS)]
        for login in demo.users:
            c = admin if login == a.login else Client(a.base_url, login)
            if c is not admin:
                c.login(login, a.password)
            clients.append(c)
        for c in clients:
            os.makedirs(os.path.join(self.out, c.name), exist_ok=True)

        jobs = []
        for c in clients:
            for pattern in sorted(plan):
                note = "unmapped" if pattern in unmapped else ""
                for url, headers in plan[pattern]:
                    jobs.append((c, url, headers, note, pattern))
            if c is admin and a.slow:
                for u in SLOW_SEEDS:
                    jobs.append((c, u, {}, "slow", match_route(u.split("?")[0], patterns)))
        done: dict[str, set] = {c.name: set() for c in clients}
        for c, url, headers, _, _ in jobs:
            if not headers:
                done[c.name].add(url)
        found: dict[str, set] = {c.name: set() for c in clients}
        assets: set[str] = set()

        def work(job):
            c, url, headers, note, pattern = job
            try:
                status, ctype, body = self.fetch(c, url, headers, note)
            except Exception as e:  # noqa: BLE001 - reported, the run goes on
                with self.lock:
                    self.errors.append(f"{c.name} GET {url}: {e}")
                return
            if status == 200 and ctype.startswith("text/html") and not headers:
                links = harvest(body)
                with self.lock:
                    for u in links:
                        if u.startswith("/assets/"):
                            assets.add(u)
                        else:
                            found[c.name].add(u)

        t0 = time.time()
        with concurrent.futures.ThreadPoolExecutor(a.jobs) as pool:
            list(pool.map(work, jobs))
        # Second pass: links of the pages.
        jobs2 = []
        for c in clients:
            per_route: dict[str, list[str]] = {}
            for u in sorted(found[c.name] - done[c.name]):
                pat = match_route(u.split("?")[0], patterns)
                if pat is None:
                    continue
                per_route.setdefault(pat, []).append(u)
            for pat, urls in sorted(per_route.items()):
                for u in urls[:HARVEST_PER_ROUTE]:
                    jobs2.append((c, u, {}, "link", pat))
        anon = clients[0]
        versions = sorted({u.split("/")[2] for u in assets})
        asset_urls = set(assets)
        for v in versions:
            asset_urls.update(f"/assets/{v}/{f}" for f in VENDOR_ASSETS)
        if versions:
            v = versions[0]
            asset_urls.update({f"/assets/{v}/app/nope.css", "/assets/000000000000/app/maillage.css"})
        for u in sorted(asset_urls):
            jobs2.append((anon, u, {}, "asset", "/assets/{version}/{path*}"))
        if versions:
            v = versions[0]
            for h in ({"Accept-Encoding": "gzip"}, {"Accept-Encoding": "br"},
                      {"If-None-Match": "@etag"}):
                jobs2.append((anon, f"/assets/{v}/htmx/htmx.min.js", h, "asset", ""))
        with concurrent.futures.ThreadPoolExecutor(a.jobs) as pool:
            list(pool.map(work, jobs2))

        self.rows.sort()
        with open(os.path.join(self.out, "index.tsv"), "w", encoding="utf-8") as f:
            f.write("account\tmethod\turl\tstatus\tcontent_type\tbytes\tsha256_16\trules\tnote\tfile\n")
            for r in self.rows:
                f.write("\t".join(r) + "\n")
        per_account = {}
        for r in self.rows:
            per_account[r[0]] = per_account.get(r[0], 0) + 1
        statuses = {}
        for r in self.rows:
            statuses[r[3]] = statuses.get(r[3], 0) + 1
        summary = {"requests": len(self.rows), "per_account": per_account, "statuses": statuses,
                   "routes": patterns, "unmapped_routes": unmapped,
                   "seeded_patterns_not_in_server": stale, "errors": sorted(self.errors),
                   "demo": demo.as_json()}
        with open(os.path.join(self.out, "summary.json"), "w", encoding="utf-8") as f:
            json.dump(summary, f, indent=1, ensure_ascii=False, sort_keys=True)
            f.write("\n")
        print(f"{len(self.rows)} requêtes en {time.time() - t0:.0f} s -> {self.out}")
        for k, v in sorted(per_account.items()):
            print(f"  {k:45s} {v}")
        for w in unmapped:
            print(f"route GET sans valeurs connues (valeurs génériques) : {w}", file=sys.stderr)
        for w in stale:
            print(f"route attendue absente du serveur : {w}", file=sys.stderr)
        for e in self.errors:
            print(f"ERREUR {e}", file=sys.stderr)
        return 1 if self.errors else 0


# ------------------------------------------------------------------------------------ compare

def split_http(data: bytes):
    head, sep, body = data.partition(b"\n\n")
    return head, body


def readable(data: bytes) -> list[str]:
    head, body = split_http(data)
    lines = head.decode("utf-8", "replace").splitlines() + [""]
    text = None
    stripped = body.strip()
    if stripped[:1] in (b"{", b"[") and b"Content-Encoding" not in head:
        try:
            text = json.dumps(json.loads(body), indent=1, ensure_ascii=False, sort_keys=False)
        except ValueError:
            text = None
    if text is None:
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            text = "\n".join(body[i:i + 32].hex() for i in range(0, len(body), 32))
    return lines + text.splitlines()


def compare(d1: str, d2: str, max_lines: int) -> int:
    def files(d):
        out = set()
        for root, _, names in os.walk(d):
            for n in names:
                if n.endswith(".http"):
                    out.add(os.path.relpath(os.path.join(root, n), d))
        return out

    f1, f2 = files(d1), files(d2)
    differ = 0
    for f in sorted(f1 - f2):
        print(f"seulement dans {d1} : {f}")
        differ += 1
    for f in sorted(f2 - f1):
        print(f"seulement dans {d2} : {f}")
        differ += 1
    for f in sorted(f1 & f2):
        a = open(os.path.join(d1, f), "rb").read()
        b = open(os.path.join(d2, f), "rb").read()
        if a == b:
            continue
        differ += 1
        print(f"--- différent : {f}")
        diff = list(difflib.unified_diff(readable(a), readable(b), f"{d1}/{f}", f"{d2}/{f}",
                                         n=2, lineterm=""))
        if not diff:  # e.g. JSON that differs only in its formatting: show the raw lines
            print("(différence de mise en forme seulement : lignes brutes)")
            diff = list(difflib.unified_diff(
                a.decode("utf-8", "replace").splitlines(), b.decode("utf-8", "replace").splitlines(),
                f"{d1}/{f}", f"{d2}/{f}", n=0, lineterm=""))
        for line in diff[:max_lines]:
            print(line if len(line) < 400 else line[:400] + " [...]")
        if len(diff) > max_lines:
            print(f"[... {len(diff) - max_lines} lignes de plus]")
    print(f"{len(f1 & f2)} fichiers communs, {differ} différence(s)"
          f" ({len(f1 - f2)} seulement à gauche, {len(f2 - f1)} seulement à droite)")
    return 1 if differ else 0


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--base-url", help="ex. http://127.0.0.1:8080")
    p.add_argument("--out", help="dossier (vide ou absent) où écrire l'instantané")
    p.add_argument("--login", default=DEFAULT_ADMIN, help="compte admin de la démo")
    p.add_argument("--password", default=DEMO_PASSWORD, help="mot de passe des comptes de démo")
    p.add_argument("--clock-window-start", type=float, default=None,
                   help="époque (s) du début du chargement de la démo (règle N3 ; défaut : 24 h avant)")
    p.add_argument("--slow", action="store_true",
                   help="ajoute les requêtes très lentes (SLOW_SEEDS, compte admin seulement)")
    p.add_argument("--jobs", type=int, default=4, help="requêtes en parallèle (défaut 4)")
    p.add_argument("--compare", nargs=2, metavar=("DIR1", "DIR2"),
                   help="compare deux instantanés ; code 1 s'ils diffèrent")
    p.add_argument("--max-diff-lines", type=int, default=40)
    a = p.parse_args()
    if a.compare:
        return compare(a.compare[0], a.compare[1], a.max_diff_lines)
    if not a.base_url or not a.out:
        p.error("--base-url et --out sont requis (ou --compare DIR1 DIR2)")
    return Snapshot(a).run()


if __name__ == "__main__":
    sys.exit(main())

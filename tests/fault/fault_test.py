#!/usr/bin/env python3
"""Fault tests of the real `maillage serve` (issue 17 §2), one CASE per CTest test
(tests/fault/CMakeLists.txt; what each proves: tests/fault/README.md).

  fault_test.py CASE --bin MAILLAGE_BINARY --source SOURCE_TREE

  sigkill-sqlite, sigkill-postgresql  SIGKILL of the server under concurrent writers, 3 rounds
  pg-outage                           PostgreSQL stopped and started again under readers and writers
  disk-full                           SQLite on a full filesystem (a tmpfs mount), then space back
  backup-sqlite, backup-postgresql    `maillage backup` under writers, restored and compared

Environment: MAILLAGE_REFERENCE (the référentiel; `make test` builds it), MAILLAGE_TEST_PG (the
PostgreSQL server of scripts/test.sh). Without them a case is skipped (exit 77), which is a
failure under CI=true. The outcome never depends on timing: the tests wait for counts of
answers (with generous bounds that only catch a hang) and assert what the store holds.
"""
import argparse
import errno
import http.client
import json
import os
import random
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

SKIP = 77
PASSWORD = "mot de passe des tests de panne"
LOGIN = "admin@panne.test"
# A bound on every wait of this file: reached only when something hangs (the load of the
# machine changes how long things take, never whether they happen).
HANG = 300
REQUEST_TIMEOUT = 120  # a request unanswered this long is a hang, reported as a failure
UNAVAILABLE_MESSAGE = "Service momentanément indisponible."  # the catalogue's 503 (src/common/error.cpp)


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


def log(message):
    print(f"fault: {message}", flush=True)


def wait_for(what, predicate, bound=HANG, interval=0.05):
    deadline = time.monotonic() + bound
    while not predicate():
        if time.monotonic() > deadline:
            raise Failure(f"still waiting after {bound} s for {what}")
        time.sleep(interval)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def skip(reason):
    if os.environ.get("CI") == "true":
        print(f"fault test FAILED: CI=true and it cannot run: {reason}", file=sys.stderr)
        sys.exit(1)
    log(f"SKIPPED: {reason}")
    sys.exit(SKIP)


# ---- the binary and its store -----------------------------------------------------------------

class Maillage:
    def __init__(self, binary, source, reference, workdir):
        self.binary, self.source, self.reference, self.workdir = binary, source, reference, workdir
        self.servers = 0

    def env(self, database, port=None):
        env = dict(os.environ, MAILLAGE_DATABASE=database, MAILLAGE_REFERENCE=self.reference,
                   MAILLAGE_ASSETS=self.source, MAILLAGE_THREADS="4", MAILLAGE_ACCESS_LOG="false",
                   MAILLAGE_KEEP_ALIVE_TIMEOUT="60s", MAILLAGE_HOST="127.0.0.1")
        if port is not None:
            env["MAILLAGE_PORT"] = str(port)
        return env

    def cli(self, database, *args):
        r = subprocess.run([self.binary, *args], env=self.env(database), capture_output=True,
                           text=True, timeout=HANG)
        check(r.returncode == 0,
              f"maillage {' '.join(args)} exited with {r.returncode}:\n{r.stdout}{r.stderr}")
        return r.stdout

    def prepare(self, database):
        """A fresh store: schema and one administrator."""
        self.cli(database, "migrate")
        self.cli(database, "user", "add", "--login", LOGIN, "--name", "Tests de panne", "--role",
                 "admin", "--password", PASSWORD)

    def serve(self, database):
        self.servers += 1
        return Server(self, database, os.path.join(self.workdir, f"serve-{self.servers}.log"))


class Server:
    def __init__(self, maillage, database, log_path):
        self.port = free_port()
        self.log_path = log_path
        self.log = open(log_path, "ab")
        self.process = subprocess.Popen([maillage.binary, "serve"],
                                        env=maillage.env(database, self.port),
                                        stdout=self.log, stderr=subprocess.STDOUT)
        def healthy():
            check(self.process.poll() is None,
                  f"the server exited with {self.process.returncode} (log {self.log_path}):\n"
                  + self.tail())
            try:
                status, _ = request(self.port, "GET", "/healthz", timeout=5)
                return status == 200
            except (OSError, http.client.HTTPException):
                return False
        wait_for("the server to answer /healthz", healthy, interval=0.2)

    def tail_all(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def tail(self):
        return self.tail_all()[-3000:]

    def kill(self):
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=HANG)
        self.log.close()

    def stop(self):
        """SIGTERM: the server finishes the requests in flight and exits 0."""
        self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout=HANG)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise Failure(f"the server did not stop on SIGTERM:\n{self.tail()}")
        self.log.close()
        check(code == 0, f"the server exited with {code} on SIGTERM:\n{self.tail()}")


# ---- HTTP ---------------------------------------------------------------------------------------

def request(port, method, path, body=None, headers=None, timeout=REQUEST_TIMEOUT, conn=None):
    own = conn is None
    if own:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        h = dict(headers or {})
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        conn.request(method, path, body=data, headers=h)
        r = conn.getresponse()
        raw = r.read()
        try:
            answer = json.loads(raw) if raw else {}
        except ValueError:
            answer = {"raw": raw[:500].decode("utf-8", "replace")}
        if method == "POST" and path == "/api/v1/session":
            answer["_cookies"] = r.msg.get_all("Set-Cookie") or []
        return r.status, answer
    finally:
        if own:
            conn.close()


def sign_in(port):
    status, answer = request(port, "POST", "/api/v1/session",
                             {"identifiant": LOGIN, "mot_de_passe": PASSWORD})
    check(status == 201, f"sign-in answered {status}: {answer}")
    cookies = [c.split(";")[0] for c in answer["_cookies"] if c.startswith("maillage_session=")]
    check(len(cookies) == 1, f"no session cookie: {answer['_cookies']}")
    return {"Cookie": cookies[0], "X-CSRF-Token": answer["csrf"]}


class Load:
    """Writers creating structures (each name unique) and readers reading acknowledged ones,
    against one server; every answer is recorded with the phase it started and ended in."""

    def __init__(self, port, session, tag):
        self.port, self.session, self.tag = port, session, tag
        self.lock = threading.Lock()
        self.acked = {}          # name -> id: the server answered 201
        self.refused = {}        # name -> (status, code, message): answered, not written
        self.unanswered = set()  # the connection broke: unknown outcome
        self.answers = []        # (kind, phase at start, phase at end, status, code, message)
        self.hung = []
        self.broken = 0          # connections that broke without an answer
        self.written = 0         # names given to writes (unique over restarts of the load)
        self.phase = "load"
        self.server_gone = False  # set before a SIGKILL: broken connections end the threads
        self.stop_event = threading.Event()
        self.threads = []

    def set_phase(self, phase):
        with self.lock:
            self.phase = phase

    def count(self, predicate):
        with self.lock:
            return sum(1 for a in self.answers if predicate(a))

    def start(self, writers, readers=0):
        self.stop_event.clear()
        for i in range(writers):
            self._spawn(self._writer, i)
        for i in range(readers):
            self._spawn(self._reader, i)

    def _spawn(self, fn, i):
        t = threading.Thread(target=fn, args=(i,), daemon=True)
        t.start()
        self.threads.append(t)

    def stop(self):
        self.stop_event.set()
        for t in self.threads:
            t.join(timeout=HANG)
            check(not t.is_alive(), "a load thread did not stop")
        self.threads = []
        check(not self.hung, f"{len(self.hung)} request(s) hung for {REQUEST_TIMEOUT} s: "
                             f"{self.hung[:3]}")

    def _call(self, kind, conn, method, path, body, name=None):
        with self.lock:
            phase = self.phase
        try:
            status, answer = request(self.port, method, path, body, self.session, conn=conn)
        except socket.timeout:
            with self.lock:
                self.hung.append(f"{method} {path}")
            return None
        except (OSError, http.client.HTTPException):
            conn.close()
            with self.lock:
                self.broken += 1
                if name is not None:
                    self.unanswered.add(name)
            return False
        with self.lock:
            self.answers.append((kind, phase, self.phase, status, answer.get("code"),
                                 answer.get("message")))
            if name is not None:
                if status == 201:
                    self.acked[name] = answer["id"]
                else:
                    self.refused[name] = (status, answer.get("code"), answer.get("message"))
        return status

    def _loop(self, step):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT)
        while not self.stop_event.is_set():
            result = step(conn)
            if result is None:
                return  # hung: reported by stop()
            if result is False:
                if self.server_gone:
                    return
                time.sleep(0.05)
            elif not 200 <= result < 300:
                time.sleep(0.01)  # as a client would, rather than spin on refusals
        conn.close()

    def _writer(self, i):
        def step(conn):
            with self.lock:
                self.written += 1
                name = f"{self.tag}-{i}-{self.written}"
            return self._call("write", conn, "POST", "/api/v1/structures",
                              {"nom": name, "type": "CPTS", "departement": "57"}, name)
        self._loop(step)

    def _reader(self, i):
        rng = random.Random(i)
        def step(conn):
            with self.lock:
                ids = list(self.acked.values())
            path = f"/api/v1/structures/{rng.choice(ids)}" if ids else "/api/v1/structures?departement=57"
            return self._call("read", conn, "GET", path, None)
        self._loop(step)

    def non_2xx(self, phases=None):
        with self.lock:
            return [a for a in self.answers
                    if not 200 <= a[3] < 300 and (phases is None or (a[1], a[2]) in phases)]


# ---- what the store holds -----------------------------------------------------------------------

# Every structure has the audit row written in its transaction: a torn transaction would show here.
ORPHANS = ("SELECT count(*) FROM structures s WHERE NOT EXISTS (SELECT 1 FROM audit_log a "
           "WHERE a.entity = 'structure' AND a.action = 'structure.create' "
           "AND a.entity_id = CAST(s.id AS TEXT))")


class SqliteStore:
    def __init__(self, path):
        self.path = path
        self.url = "sqlite:" + path

    def names(self):
        with sqlite3.connect(self.path) as db:
            return {name: i for i, name in db.execute("SELECT id, name FROM structures")}

    def check_integrity(self):
        db = sqlite3.connect(self.path)
        try:
            result = [r[0] for r in db.execute("PRAGMA integrity_check")]
            check(result == ["ok"], f"PRAGMA integrity_check on {self.path}: {result[:5]}")
            fk = db.execute("PRAGMA foreign_key_check").fetchall()
            check(not fk, f"PRAGMA foreign_key_check on {self.path}: {fk[:5]}")
            orphans = db.execute(ORPHANS).fetchone()[0]
            check(orphans == 0, f"{orphans} structure(s) without their audit row in {self.path}")
        finally:
            db.close()
        return "integrity_check ok, foreign_key_check empty, audit rows complete"


def pg_bindir():
    base = "/usr/lib/postgresql"
    versions = sorted((d for d in os.listdir(base) if d.isdigit()), key=int) if os.path.isdir(base) else []
    return os.path.join(base, versions[-1], "bin") if versions else None


class PostgresStore:
    """A database on a PostgreSQL server; psql and pg_amcheck get the connection through PG*."""

    def __init__(self, server_url, dbname):
        u = urllib.parse.urlparse(server_url)
        self.env = dict(os.environ, PGHOST=u.hostname or "127.0.0.1", PGPORT=str(u.port or 5432),
                        PGUSER=u.username or "postgres", PGDATABASE=dbname)
        if u.password:
            self.env["PGPASSWORD"] = u.password
        self.dbname = dbname
        self.url = urllib.parse.urlunparse(u._replace(path="/" + dbname))

    def psql(self, sql, database=None):
        env = dict(self.env, PGDATABASE=database or self.dbname)
        r = subprocess.run(["psql", "-X", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-c", sql],
                           env=env, capture_output=True, text=True, timeout=HANG)
        check(r.returncode == 0, f"psql {sql!r}: {r.stderr}")
        return [line.split("\t") for line in r.stdout.splitlines() if line]

    def create(self):
        self.psql(f"CREATE DATABASE {self.dbname}", database="postgres")
        return self

    def drop(self):
        try:
            self.psql(f"DROP DATABASE IF EXISTS {self.dbname} WITH (FORCE)", database="postgres")
        except Failure as e:
            log(f"could not drop {self.dbname}: {e}")

    def names(self):
        return {name: int(i) for i, name in self.psql("SELECT id, name FROM structures")}

    def check_integrity(self):
        orphans = int(self.psql(ORPHANS)[0][0])
        check(orphans == 0, f"{orphans} structure(s) without their audit row in {self.dbname}")
        invalid = self.psql("SELECT count(*) FROM pg_constraint WHERE NOT convalidated")[0][0]
        check(invalid == "0", f"{invalid} constraint(s) not validated in {self.dbname}")
        bindir = pg_bindir()
        amcheck = bindir and os.path.join(bindir, "pg_amcheck")
        if amcheck and os.path.exists(amcheck):
            # Heap pages and every B-tree index, each index checked against its table.
            r = subprocess.run([amcheck, "--install-missing", "--heapallindexed", "--no-strict-names",
                                "-d", self.dbname], env=self.env, capture_output=True, text=True,
                               timeout=HANG)
            check(r.returncode == 0, f"pg_amcheck {self.dbname}: {r.stdout}{r.stderr}")
            return "audit rows complete, constraints validated, pg_amcheck --heapallindexed ok"
        return "audit rows complete, constraints validated (pg_amcheck not installed)"


def scratch_postgres(server_url, label):
    return PostgresStore(server_url, f"fault_{label}_{secrets.token_hex(4)}").create()


def check_acknowledged(store, load, what):
    present = store.names()
    lost = [n for n in load.acked if n not in present]
    check(not lost, f"{what}: {len(lost)} acknowledged write(s) LOST, e.g. {lost[:5]}")
    wrong = [n for n, i in load.acked.items() if present[n] != i]
    check(not wrong, f"{what}: {len(wrong)} write(s) stored under another id: {wrong[:5]}")
    return present


# ---- the cases ----------------------------------------------------------------------------------

def case_sigkill(m, store, rounds=3, writers=4, per_round=60):
    """SIGKILL mid-load: every acknowledged write is there after the crash, and the store is sound."""
    total_acked = total_in_flight = 0
    load = None
    for r in range(rounds):
        server = m.serve(store.url)
        session = sign_in(server.port)
        if r > 0:
            # The restarted server serves what the killed one left.
            status, answer = request(server.port, "GET", "/api/v1/structures?departement=57", None,
                                     session)
            check(status == 200, f"list after restart: {status} {answer}")
            listed = {s["nom"] for s in answer["structures"]}
            check(set(store.names()) == listed,
                  "the restarted server does not list what the store holds")
        load = Load(server.port, session, f"kill{r}")
        load.start(writers)
        wait_for(f"{per_round} acknowledged writes", lambda: len(load.acked) >= per_round)
        load.server_gone = True
        server.kill()
        load.stop()
        present = check_acknowledged(store, load, f"round {r + 1}")
        integrity = store.check_integrity()
        # Written but never answered (the kill came between COMMIT and the answer): allowed.
        in_flight = sum(1 for n in load.unanswered if n in present)
        refused = {k: v for k, v in load.refused.items()}
        check(not refused, f"round {r + 1}: writes refused before the kill: {list(refused.items())[:3]}")
        total_acked += len(load.acked)
        total_in_flight += in_flight
        log(f"round {r + 1}: {len(load.acked)} acknowledged, 0 lost, {len(load.unanswered)} "
            f"unanswered at the kill ({in_flight} of them committed); {integrity}")
    log(f"SIGKILL x{rounds}: {total_acked} acknowledged writes, 0 lost, {total_in_flight} "
        f"committed without an answer; each restarted server listed what the store held")


def case_pg_outage(m, source, workdir):
    """PostgreSQL stopped under load: clear 503s, no hang, recovery without restarting Maillage."""
    # Beside the work directory, not in it: that one is private to root, and the cluster runs as
    # the postgres user (pg.sh hands this directory over to it; `pg.sh stop` removes it).
    pgdir = tempfile.mkdtemp(prefix="maillage-fault-pg-")
    pg = os.path.join(source, "scripts", "pg.sh")
    r = subprocess.run([pg, "start", pgdir], capture_output=True, text=True, timeout=HANG)
    check(r.returncode == 0, f"pg.sh start: {r.stderr}")
    try:
        store = PostgresStore(r.stdout.strip(), "postgres")
        m.prepare(store.url)
        server = m.serve(store.url)
        load = Load(server.port, sign_in(server.port), "outage")
        load.start(writers=2, readers=2)
        wait_for("30 acknowledged writes before the outage", lambda: len(load.acked) >= 30)
        load.set_phase("stopping")
        subprocess.run([pg, "halt", pgdir], check=True, timeout=HANG)
        load.set_phase("outage")
        outage = {("outage", "outage")}
        wait_for("20 writes and 20 reads answered during the outage",
                 lambda: load.count(lambda a: a[0] == "write" and (a[1], a[2]) in outage) >= 20
                 and load.count(lambda a: a[0] == "read" and (a[1], a[2]) in outage) >= 20)
        health, health_body = request(server.port, "GET", "/healthz")
        acked_before_restart = len(load.acked)
        load.set_phase("starting")
        subprocess.run([pg, "resume", pgdir], check=True, timeout=HANG)
        load.set_phase("after")
        after = {("after", "after")}
        wait_for("30 writes acknowledged after PostgreSQL came back",
                 lambda: load.count(lambda a: a[0] == "write" and a[3] == 201 and (a[1], a[2]) in after) >= 30)
        load.stop()
        # A restart nobody saw (no request while PostgreSQL was down): every pooled connection is
        # dead, and the first requests after it must still succeed.
        subprocess.run([pg, "halt", pgdir], check=True, timeout=HANG)
        subprocess.run([pg, "resume", pgdir], check=True, timeout=HANG)
        load.set_phase("unseen")
        unseen = {("unseen", "unseen")}
        load.start(writers=2, readers=2)
        wait_for("30 writes acknowledged after a restart nobody saw",
                 lambda: load.count(lambda a: a[0] == "write" and a[3] == 201 and (a[1], a[2]) in unseen) >= 30)
        load.stop()
        server.stop()

        during = [a for a in load.answers if (a[1], a[2]) in outage]
        bad = [a for a in during if (a[3], a[4], a[5]) != (503, "unavailable", UNAVAILABLE_MESSAGE)]
        check(not bad, f"{len(bad)} answer(s) during the outage were not the catalogue's 503: {bad[:5]}")
        check((health, health_body.get("code")) == (503, "unavailable"),
              f"/healthz during the outage: {health} {health_body}")
        elsewhere = [a for a in load.non_2xx() if a[3] != 503 or a[4] != "unavailable"]
        check(not elsewhere, f"answers other than 2xx/503 around the outage: {elsewhere[:5]}")
        failed_unseen = load.non_2xx(unseen)
        check(not failed_unseen, f"{len(failed_unseen)} request(s) failed after a restart nobody "
                                 f"saw: {failed_unseen[:5]}")
        failed_after = load.non_2xx(after)
        check(not failed_after, f"{len(failed_after)} request(s) failed after PostgreSQL came back: "
                                f"{failed_after[:5]}")
        check(load.broken == 0, f"{load.broken} request(s) got no answer at all (connection broken)")
        check_acknowledged(store, load, "after the outage")
        integrity = store.check_integrity()
        writes = [a for a in during if a[0] == "write"]
        log(f"outage: {len(writes)} writes and {len(during) - len(writes)} reads answered 503 "
            f"unavailable « {UNAVAILABLE_MESSAGE} » (0 other answers, 0 hung), /healthz 503; "
            f"{acked_before_restart} acknowledged before PostgreSQL came back, "
            f"{len(load.acked)} in all, 0 lost; 0 failures after the restart, and 0 after a "
            f"second restart with no request during it; {integrity}")
    finally:
        subprocess.run([pg, "stop", pgdir], timeout=HANG)


def case_disk_full(m, workdir):
    """SQLite on a full filesystem: a clear 507, no corruption, writes work again once space is back."""
    disk = os.path.join(workdir, "disk")
    os.makedirs(disk)
    # A tmpfs of 24 MiB the test owns (as root, or as root of a user namespace: see main()).
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", disk],
                       capture_output=True, text=True)
    if r.returncode != 0:
        skip(f"cannot mount a tmpfs ({r.stderr.strip()})")
    try:
        store = SqliteStore(os.path.join(disk, "maillage.sqlite"))
        m.prepare(store.url)
        server = m.serve(store.url)
        load = Load(server.port, sign_in(server.port), "full")
        load.start(writers=2)
        wait_for("20 acknowledged writes before the disk fills", lambda: len(load.acked) >= 20)
        ballast = os.path.join(disk, "ballast")
        filled = 0
        with open(ballast, "wb", buffering=0) as f:
            chunk = b"\0" * 65536
            while True:
                try:
                    filled += f.write(chunk)
                except OSError as e:
                    check(e.errno == errno.ENOSPC, f"filling the disk: {e}")
                    break
        load.set_phase("full")
        full = {("full", "full")}
        wait_for("10 writes refused on the full disk",
                 lambda: load.count(lambda a: a[0] == "write" and a[3] != 201 and (a[1], a[2]) in full) >= 10)
        # A read needs no space, but the session's sliding expiry is written once a minute
        # (services/accounts.cpp): whether this read is answered depends on the clock, so it is
        # reported, not asserted.
        ids = list(load.acked.values())
        read_status, _ = request(server.port, "GET", f"/api/v1/structures/{ids[0]}", None,
                                 load.session)
        load.set_phase("freeing")
        os.remove(ballast)
        load.set_phase("freed")
        freed = {("freed", "freed")}
        wait_for("20 writes acknowledged once space is back",
                 lambda: load.count(lambda a: a[0] == "write" and a[3] == 201 and (a[1], a[2]) in freed) >= 20)
        load.stop()
        server.stop()

        refusals = [a for a in load.answers if a[0] == "write" and a[3] != 201]
        bad = [a for a in refusals if (a[3], a[4], a[5]) != (503, "unavailable", UNAVAILABLE_MESSAGE)]
        check(not bad, f"{len(bad)} refusal(s) other than the catalogue's 503: {bad[:5]}")
        full_logged = "Disque plein" in server.tail_all()
        check(full_logged, "the server log does not name the cause (« Disque plein »)")
        check(not load.non_2xx(freed), f"writes failed once space was back: {load.non_2xx(freed)[:5]}")
        check(load.broken == 0, f"{load.broken} request(s) got no answer (connection broken)")
        present = check_acknowledged(store, load, "after the full disk")
        written_anyway = [n for n in load.refused if n in present]
        check(not written_anyway, f"{len(written_anyway)} refused write(s) are in the store: "
                                  f"{written_anyway[:5]}")
        integrity = store.check_integrity()
        log(f"disk full: ballast {filled // 1024} KiB on a 24 MiB tmpfs; {len(refusals)} writes "
            f"refused with 503 unavailable « {UNAVAILABLE_MESSAGE} » (the log says « Disque plein »), "
            f"0 other errors, none of them stored; a read answered {read_status}; {len(load.acked)} acknowledged in all, 0 lost; "
            f"writes acknowledged again once space was back; {integrity}")
    finally:
        subprocess.run(["umount", "-l", disk])


def case_backup(m, store, fresh, workdir):
    """`maillage backup` while writers write, restored into a fresh store and compared."""
    m.prepare(store.url)
    server = m.serve(store.url)
    load = Load(server.port, sign_in(server.port), "backup")
    load.start(writers=2)
    wait_for("40 acknowledged writes before the backup", lambda: len(load.acked) >= 40)
    with load.lock:
        before = dict(load.acked)
    file = os.path.join(workdir, "maillage.backup")
    m.cli(store.url, "backup", file)
    with load.lock:
        during = len(load.acked) - len(before)
    base = len(load.acked)
    wait_for("20 writes acknowledged after the backup", lambda: len(load.acked) >= base + 20)
    load.stop()
    server.stop()
    check(not load.non_2xx(), f"writes failed during the backup: {load.non_2xx()[:5]}")
    check(load.broken == 0, f"{load.broken} request(s) got no answer (connection broken)")

    m.cli(fresh.url, "restore", "--yes", file)
    restored = fresh.names()
    live = check_acknowledged(store, load, "live store")
    missing = [n for n in before if n not in restored]
    check(not missing, f"{len(missing)} write(s) acknowledged before the backup are not in it: "
                       f"{missing[:5]}")
    foreign = [n for n, i in restored.items() if live.get(n) != i]
    check(not foreign, f"the backup holds rows the live store does not: {foreign[:5]}")
    if isinstance(store, SqliteStore):
        # One writer: a consistent snapshot is exactly the rows up to some id.
        top = max(restored.values())
        prefix = {n for n, i in live.items() if i <= top}
        check(prefix == set(restored), "the SQLite backup is not a consistent snapshot")
    integrity = fresh.check_integrity()
    log(f"backup: {len(before)} acknowledged before it started, {during} more while it ran, "
        f"{len(load.acked)} in all; the restored copy holds {len(restored)}: all {len(before)} "
        f"of before, nothing the live store lacks; {integrity}")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("case", choices=["sigkill-sqlite", "sigkill-postgresql", "pg-outage",
                                    "disk-full", "backup-sqlite", "backup-postgresql"])
    p.add_argument("--bin", required=True)
    p.add_argument("--source", required=True)
    a = p.parse_args()

    if a.case == "disk-full" and not os.environ.get("MAILLAGE_FAULT_MOUNT_NS"):
        # Run again in a mount namespace of its own, so that the tmpfs is private to this test and
        # goes away with it whatever happens; not being root, as root of a new user namespace
        # too (-r). Where neither works the case is skipped (refused under CI=true).
        if shutil.which("unshare"):
            probe = ["unshare", "-m" if os.geteuid() == 0 else "-rm", "--"]
            if subprocess.run(probe + ["true"], capture_output=True).returncode == 0:
                os.environ["MAILLAGE_FAULT_MOUNT_NS"] = "1"
                os.execvp("unshare", probe + [sys.executable, *sys.argv])
            # A namespace that only fails to make "/" private means "/" is not a mount point: a
            # chroot (../shared/tools/fresh-debian-test). A tmpfs mounted there would propagate to
            # the host, so the case is skipped even under CI=true; CI machines are not chroots.
            unchanged = ["unshare", "-m", "--propagation", "unchanged", "--", "true"]
            if os.geteuid() == 0 and subprocess.run(unchanged, capture_output=True).returncode == 0:
                log("SKIPPED: in a chroot, where a private mount namespace cannot be made")
                sys.exit(SKIP)
        skip("cannot make a mount namespace (unshare -m / -rm) to mount a small tmpfs")

    reference = os.environ.get("MAILLAGE_REFERENCE", "")
    if not os.path.isfile(reference):
        skip(f"référentiel not found (MAILLAGE_REFERENCE={reference!r}): `make test` builds it")
    pg_url = os.environ.get("MAILLAGE_TEST_PG", "")
    needs_pg = a.case in ("sigkill-postgresql", "pg-outage", "backup-postgresql")
    if needs_pg and not pg_url:
        skip("MAILLAGE_TEST_PG is not set (scripts/test.sh starts a PostgreSQL server)")

    workdir = tempfile.mkdtemp(prefix=f"maillage-fault-{a.case}-")
    m = Maillage(os.path.abspath(a.bin), os.path.abspath(a.source), os.path.abspath(reference),
                 workdir)
    scratch = []
    ok = False
    try:
        if a.case == "sigkill-sqlite":
            store = SqliteStore(os.path.join(workdir, "maillage.sqlite"))
            m.prepare(store.url)
            case_sigkill(m, store)
        elif a.case == "sigkill-postgresql":
            store = scratch_postgres(pg_url, "kill")
            scratch.append(store)
            m.prepare(store.url)
            case_sigkill(m, store)
        elif a.case == "pg-outage":
            case_pg_outage(m, a.source, workdir)
        elif a.case == "disk-full":
            case_disk_full(m, workdir)
        elif a.case == "backup-sqlite":
            case_backup(m, SqliteStore(os.path.join(workdir, "live.sqlite")),
                        SqliteStore(os.path.join(workdir, "restored.sqlite")), workdir)
        elif a.case == "backup-postgresql":
            live, fresh = scratch_postgres(pg_url, "live"), scratch_postgres(pg_url, "restored")
            scratch += [live, fresh]
            case_backup(m, live, fresh, workdir)
        ok = True
    except Failure as e:
        print(f"fault test FAILED ({a.case}): {e}", file=sys.stderr, flush=True)
        print(f"server logs kept in {workdir}", file=sys.stderr, flush=True)
    finally:
        for s in scratch:
            s.drop()
        if ok:
            shutil.rmtree(workdir, ignore_errors=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()

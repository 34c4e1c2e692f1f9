"""`scx bench-audit`: the audit ledger's three figures of issue 10, each against the real thing.

- **Ingest**: a backlog of realistic envelopes is published to a real nats-server before the audit service starts
  (its own uvicorn process on SQLite, migrated with Alembic); the rate is the backlog over the time from its first
  leaf to its last, as seen by polling the ledger's head from outside the process.
- **Journey query**: a ledger of `ledger_size` events is built straight into a migrated database (not over HTTP:
  `build_ledger`, which computes every leaf hash, the stored subtree hashes and signed checkpoints as the service
  does, so that proofs work); the audit service is started on it and an auditor's queries (by journey id, by
  claimant_ref, by journey with inclusion proofs) are timed over HTTP one after another, for journeys picked at
  random; a sample of the proofs is checked against the signed checkpoint with `scx_ledger`.
- **Verify**: an export of `verify_size` events with a checkpoint every 1,000 is written (`scx_ledger.build`, as the
  tamper tests make theirs) and `scx audit verify` is run on it as a user would, with and without `--quiet`.

The CLI may not import the service (import-linter), so the ledger builder writes the audit service's tables with
plain SQL; `audit_events` says what it indexes each event by, and the query bench checks the service finds every
event of a journey.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import os
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from scx_cli.audit_events import events
from scx_cli.bench_audit_report import (
    CHECKPOINT_EVERY,
    WARM_UP,
    AuditBenchOptions,
    AuditReport,
)
from scx_cli.bench_events import _cpu_seconds, _percentile, machine
from scx_cli.stack import LocalStack, ServiceSpec, repo_root
from scx_ledger.checkpoint import Checkpoint, CheckpointError
from scx_ledger.merkle import CompactRange, ProofError, leaf_hash, verify_inclusion
from scx_ledger.note import Signer, Verifier
from scx_messaging import BusSettings, Outgoing, connect
from scx_messaging.local import free_port

Echo = Callable[[str], None]
ORIGIN = "scx.example/audit"
# The bench's own signing key (the service is started with it): fixed, so that a ledger built once can be reused.
SIGNER = Signer.from_seed(ORIGIN, hashlib.sha256(b"scx bench-audit signing key").digest())
STRIDE = 4  # the audit service stores subtree hashes at levels 4, 8, 12... (ADR 0019)


# ---- the ledger, built straight into the database


def _sqlite_time(moment: datetime) -> str:
    """As SQLAlchemy's SQLite DateTime stores a UTC moment."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def migrate(database: Path) -> None:
    ini = repo_root() / "services" / "audit" / "alembic.ini"
    env = {**os.environ, "SCX_AUDIT_DATABASE_URL": f"sqlite+aiosqlite:///{database.resolve()}"}
    subprocess.run([sys.executable, "-m", "alembic", "-c", str(ini), "upgrade", "head"], env=env, check=True,
                   stdout=subprocess.DEVNULL)


def head_revision() -> str:
    versions = repo_root() / "services" / "audit" / "migrations" / "versions"
    return hashlib.sha256("".join(sorted(p.name for p in versions.glob("*.py"))).encode()).hexdigest()[:12]


def build_ledger(database: Path, size: int, echo: Echo, *, seed: int = 10, chunk: int = 50_000) -> None:
    """A ledger of `size` events in a fresh migrated SQLite database, as the audit service would have appended them
    (leaf i is stream sequence i + 1), with a checkpoint signed every 1,000 leaves and at the end. The secondary
    indexes are dropped while loading and made again at the end (sorting once beats inserting at random)."""
    migrate(database)
    db = sqlite3.connect(database, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode=OFF")
        db.execute("PRAGMA synchronous=OFF")
        db.execute("PRAGMA cache_size=-1000000")
        db.execute("PRAGMA temp_store=MEMORY")
        indexes = db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = "
                             "'ledger_leaves' AND sql IS NOT NULL").fetchall()
        for name, _ in indexes:
            db.execute(f'DROP INDEX "{name}"')
        nodes: list[tuple[int, int, bytes]] = []

        def keep(level: int, index: int, digest: bytes) -> None:
            if level % STRIDE == 0:
                nodes.append((level, index, digest))

        tree = CompactRange(on_node=keep)
        leaves: list[tuple[Any, ...]] = []
        parties: list[tuple[str, int, bool]] = []
        checkpoints: list[tuple[int, bytes, str, str]] = []
        appended = _sqlite_time(datetime.now(UTC))
        started = time.monotonic()

        def flush() -> None:
            db.execute("BEGIN")
            db.executemany("INSERT INTO ledger_leaves (leaf_index, stream_sequence, leaf_hash, leaf, subject, "
                           "event_id, event_type, occurred_at, journey_id, claimant_ref, actor_id, appended_at) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", leaves)
            db.executemany("INSERT INTO ledger_parties (organisation_id, leaf_index, as_actor) VALUES (?, ?, ?)",
                           parties)
            db.executemany("INSERT INTO ledger_nodes (level, node_index, hash) VALUES (?, ?, ?)", nodes)
            db.executemany("INSERT INTO ledger_checkpoints (tree_size, root_hash, note, signed_at) "
                           "VALUES (?, ?, ?, ?)", checkpoints)
            db.execute("COMMIT")
            for rows in (leaves, parties, nodes, checkpoints):
                rows.clear()

        for index, (subject, payload, meta) in enumerate(events(size, seed=seed)):
            event_id, kind, occurred, journey, claimant, actor, concerned = meta
            digest = leaf_hash(payload)
            tree.append(digest)
            leaves.append((index, index + 1, digest, payload, subject, event_id, kind, _sqlite_time(occurred),
                           journey, claimant, actor, appended))
            parties.extend((org, index, org == actor) for org in concerned)
            if tree.size % CHECKPOINT_EVERY == 0 or tree.size == size:
                root = tree.root()
                checkpoints.append((tree.size, root, Checkpoint(ORIGIN, tree.size, root).sign(SIGNER), appended))
            if len(leaves) >= chunk:
                flush()
                if tree.size % (chunk * 20) == 0:
                    rate = tree.size / (time.monotonic() - started)
                    echo(f"  built {tree.size:,} of {size:,} leaves ({rate:,.0f}/s)")
        flush()
        db.execute("INSERT INTO ledger_head (head_id, size, last_sequence, fringe) VALUES (1, ?, ?, ?)",
                   (size, size, b"".join(tree.hashes)))
        echo(f"  leaves written in {time.monotonic() - started:.0f}s; indexing")
        for name, sql in indexes:
            db.execute(sql)
            echo(f"  index {name} made ({time.monotonic() - started:.0f}s)")
    finally:
        db.close()


def ledger_for(size: int, cache: Path | None, work: Path, echo: Echo) -> tuple[Path, float | None]:
    """A built ledger of `size`: the cached one if it is there (same size, same migrations), else built now."""
    folder = cache if cache is not None else work
    folder.mkdir(parents=True, exist_ok=True)
    database = folder / f"audit-ledger-{size}-{head_revision()}.db"
    if cache is not None and database.exists():
        echo(f"reusing the ledger of {size:,} events in {database}")
        return database, None
    for stale in folder.glob(f"audit-ledger-{size}-*.db*"):
        stale.unlink()
    echo(f"building a ledger of {size:,} events in {database}")
    started = time.monotonic()
    partial = database.with_suffix(".building")
    partial.unlink(missing_ok=True)
    build_ledger(partial, size, echo)
    partial.rename(database)
    return database, time.monotonic() - started


# ---- ingest


async def _publish(url: str, count: int, echo: Echo) -> None:
    bus = await connect(BusSettings(servers=[url], name="bench-audit"))
    try:
        await bus.ensure_stream()
        chunk: list[Outgoing] = []
        for i, (subject, payload, _) in enumerate(events(count, seed=7)):
            chunk.append(Outgoing(subject, payload, f"bench-audit-{i}"))
            if len(chunk) == 10_000:
                await bus.publish_many(chunk)
                chunk = []
        if chunk:
            await bus.publish_many(chunk)
        echo(f"published {count:,} events")
    finally:
        await bus.close()


def _ledger_size(database: Path) -> int:
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30) as db:
            row = db.execute("SELECT size FROM ledger_head").fetchone()
    except sqlite3.OperationalError:
        return 0
    return int(row[0]) if row else 0


def run_ingest(report: AuditReport, data: Path, echo: Echo) -> None:
    audit = ServiceSpec("audit", free_port())
    stack = LocalStack(data_dir=data / "ingest", services=[audit], nats_port=free_port(),
                       extra_env={"SCX_AUDIT_SIGNING_KEY": str(SIGNER)})
    try:
        stack.start_nats()
        assert stack.nats is not None
        backlog = report.options.backlog
        asyncio.run(_publish(stack.nats.url, backlog, echo))
        stack.migrate(audit)
        database = data / "ingest" / "audit.db"
        stack.start_service(audit)
        pid = stack.processes["audit"].pid
        # From the first leaf seen (the process's start-up is not ingest): the leaves after it, over the time to the
        # last, and the process's CPU meanwhile.
        first: tuple[float, int, float] | None = None
        deadline = time.monotonic() + 1800
        while (size := _ledger_size(database)) < backlog:
            if size and first is None:
                first = (time.monotonic(), size, _cpu_seconds(pid))
            if time.monotonic() > deadline or stack.processes["audit"].poll() is not None:
                raise RuntimeError(f"the ledger holds {size} of {backlog}; see {stack.logs / 'audit.log'}")
            time.sleep(0.01)
        done, cpu = time.monotonic(), _cpu_seconds(pid)
        started, at_first, cpu_first = first or (done, 0, cpu)
        counted = max(backlog - at_first, 1)
        report.ingest_cpu_per_event = (cpu - cpu_first) / counted
        report.ingest_seconds = done - started
        report.ingest_rate = counted / max(report.ingest_seconds, 1e-9)
        echo(f"ingest: {report.ingest_rate:,.0f} events/s ({report.ingest_cpu_per_event * 1e6:.0f} µs of the "
             "audit process's CPU an event)")
    finally:
        stack.stop()


# ---- the auditor's journey query on a big ledger


def _sample(database: Path, count: int) -> list[tuple[str, str, int]]:
    """(journey id, claimant_ref, events in the journey) of leaves picked at random."""
    rng = random.Random(1)
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
        size = int(db.execute("SELECT size FROM ledger_head").fetchone()[0])
        picked: list[tuple[str, str, int]] = []
        while len(picked) < count:
            row = db.execute("SELECT journey_id, claimant_ref FROM ledger_leaves WHERE leaf_index = ?",
                             (rng.randrange(size),)).fetchone()
            if row and row[0]:
                n = db.execute("SELECT count(*) FROM ledger_leaves WHERE journey_id = ?", (row[0],)).fetchone()[0]
                picked.append((row[0], row[1], int(n)))
    return picked


def _into_page_cache(database: Path) -> None:
    """Read the database file once, so that the timings are the query's and not the disk's (a ledger built just now,
    or by an earlier run, may be partly out of the OS's page cache; a serving ledger's pages are in it)."""
    with database.open("rb") as f:
        while f.read(16 << 20):
            pass


def _timed(client: httpx.Client, params: dict[str, Any]) -> tuple[float, dict[str, Any]]:
    started = time.perf_counter()
    response = client.get("/events", params=params)
    elapsed = time.perf_counter() - started
    response.raise_for_status()
    return elapsed, response.json()


def run_queries(report: AuditReport, data: Path, echo: Echo) -> None:
    o = report.options
    database, report.build_seconds = ledger_for(o.ledger_size, o.cache, data, echo)
    report.ledger_bytes = database.stat().st_size
    picked = _sample(database, o.queries + WARM_UP)
    warm, picked = picked[:WARM_UP], picked[WARM_UP:]
    _into_page_cache(database)
    audit = ServiceSpec("audit", free_port())
    work = data / "queries"
    work.mkdir(parents=True, exist_ok=True)
    (work / "audit.db").symlink_to(database.resolve())
    stack = LocalStack(data_dir=work, services=[audit], nats_port=free_port(),
                       extra_env={"SCX_AUDIT_SIGNING_KEY": str(SIGNER)})
    from scx_cli import demo

    token = demo.dev_issuer().issue("dwp", "dwp", ["auditor"], user="bench-audit")
    try:
        stack.start_nats()
        stack.start_service(audit)
        stack.wait_ready(audit, timeout=120)
        verifier = Verifier.parse(httpx.get(f"{audit.url}/public-key").text)
        with httpx.Client(base_url=audit.url, headers={"Authorization": f"Bearer {token}"}, timeout=30) as client:
            kinds: dict[str, Callable[[str, str], dict[str, Any]]] = {
                "by journey id": lambda j, c: {"journey_id": j},
                "by claimant_ref": lambda j, c: {"claimant_ref": c},
                "by journey id, with inclusion proofs": lambda j, c: {"journey_id": j, "proofs": "true"},
            }
            # Warm up on other journeys: the first requests of each kind pay for the read pool's connections and
            # SQLAlchemy's statement cache.
            for params in kinds.values():
                for journey, claimant, _ in warm:
                    _timed(client, params(journey, claimant))
            for name, params in kinds.items():
                times: list[float] = []
                found = 0
                for journey, claimant, expected in picked:
                    elapsed, body = _timed(client, params(journey, claimant))
                    times.append(elapsed)
                    found += len(body["items"])
                    if "journey_id" in params(journey, claimant) and len(body["items"]) != min(expected, 50):
                        raise RuntimeError(f"journey {journey}: {len(body['items'])} events, expected {expected}")
                    if body["items"] and body["items"][0]["audit_path"] is not None and report.proofs_checked < 200:
                        report.proofs_checked += _check_proofs(body, verifier)
                ms = sorted(t * 1000 for t in times)
                report.queries[name] = {"n": len(ms), "p50": _percentile(ms, 0.5), "p99": _percentile(ms, 0.99),
                                        "max": ms[-1], "events": found / len(ms)}
                q = report.queries[name]
                echo(f"{name}: p50 {q['p50']:.2f} ms, p99 {q['p99']:.2f} ms ({q['events']:.1f} events an answer)")
    finally:
        stack.stop()


def _check_proofs(body: dict[str, Any], verifier: Verifier) -> int:
    try:
        checkpoint = Checkpoint.open(body["checkpoint"]["checkpoint"], verifier, origin=ORIGIN)
    except CheckpointError as exc:
        raise RuntimeError(f"the answer's checkpoint does not verify: {exc}") from None
    for item in body["items"]:
        leaf = base64.b64decode(item["leaf_input"])
        proof = [base64.b64decode(h) for h in item["audit_path"]]
        try:
            verify_inclusion(item["leaf_index"], checkpoint.size, leaf_hash(leaf), proof, checkpoint.root)
        except ProofError as exc:
            raise RuntimeError(f"leaf {item['leaf_index']}: its inclusion proof fails: {exc}") from None
    return len(body["items"])


# ---- verify


def run_verify(report: AuditReport, data: Path, echo: Echo) -> None:
    from scx_ledger.build import Ledger, lines

    size = report.options.verify_size
    started = time.monotonic()
    ledger = Ledger.make([payload for _, payload, _ in events(size, seed=3)], SIGNER, every=CHECKPOINT_EVERY)
    export = data / "verify.export"
    with export.open("w", encoding="ascii") as out:
        out.writelines(lines(ledger.header(), ledger.entries()))
    del ledger
    report.verify_events, report.verify_bytes = size, export.stat().st_size
    echo(f"wrote an export of {size:,} events ({report.verify_bytes / 1e6:,.0f} MB) in "
         f"{time.monotonic() - started:.0f}s")
    scx = [sys.executable, "-c", "from scx_cli.main import app; app()"]
    for quiet in (True, False):
        command = [*scx, "audit", "verify", str(export), "--key", str(SIGNER.verifier()), *(["--quiet"] if quiet
                                                                                           else [])]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.monotonic()
        result = _run_with_terminal(command)
        wall = time.monotonic() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        if result.returncode != 0:
            raise RuntimeError(f"verify failed ({result.returncode}): {result.stdout}")
        if quiet:
            report.verify_quiet_wall, report.verify_quiet_cpu = wall, cpu
        else:
            report.verify_wall, report.verify_cpu = wall, cpu
        echo(f"verify{' --quiet' if quiet else ''}: {wall:.1f} s ({cpu:.1f} s of CPU)")


def _run_with_terminal(command: list[str]) -> subprocess.CompletedProcess[str]:
    """Run with stderr on a pseudo-terminal (drained as it is written), so that the progress bar is drawn as a user
    at a terminal sees it; rich draws nothing on a pipe."""
    import pty
    import threading

    controller, terminal = pty.openpty()
    drained = threading.Thread(target=lambda: _drain(controller), daemon=True)
    drained.start()
    try:
        result = subprocess.run(command, stdout=subprocess.PIPE, stderr=terminal, text=True, env={**os.environ,
                                "COLUMNS": "100", "TERM": "xterm-256color"})
    finally:
        os.close(terminal)
        drained.join(timeout=5)
        os.close(controller)
    return result


def _drain(fd: int) -> None:
    try:
        while os.read(fd, 65536):
            pass
    except OSError:  # the terminal side closed
        pass


def run_audit_bench(options: AuditBenchOptions, echo: Echo, *, parts: tuple[str, ...] = ("ingest", "query",
                                                                                           "verify"),
                    keep_data: bool = False) -> AuditReport:
    report = AuditReport(options, datetime.now(UTC), machine())
    data = Path(tempfile.mkdtemp(prefix="scx-bench-audit-"))
    try:
        if "ingest" in parts:
            run_ingest(report, data, echo)
        if "query" in parts:
            run_queries(report, data, echo)
        if "verify" in parts:
            run_verify(report, data, echo)
    finally:
        if keep_data:
            echo(f"kept {data}")
        else:
            shutil.rmtree(data, ignore_errors=True)
    return report


# ---- the report

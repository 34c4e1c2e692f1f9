"""`scx bench-events`: how fast a service applies events, with a real nats-server and real SQLite.

Three figures, each against the referral service running as its own uvicorn process (its subscriptions, its
migrated database, its durable consumer), read back from its inbox table:

- the rate at which it applies a backlog of registry events already in the stream;
- the time a new consumer (a fresh database and durable) takes to catch up with the whole stream;
- commit → applied latency at fixed rates: the bench commits events through a real `UnitOfWork` into a migrated
  subcontracts database and runs a real `OutboxRelay`; latency is the inbox's `applied_at` minus the event's
  `recorded_at` (both UTC, one machine clock).
"""

from __future__ import annotations

import asyncio
import functools
import os
import platform
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from scx_cli.stack import LocalStack, ServiceSpec
from scx_contracts import REGISTRY, Actor, Envelope
from scx_messaging import BusSettings, Outgoing, connect
from scx_messaging.local import free_port
from scx_persistence import UnitOfWorkFactory, create_engine
from scx_persistence.outbox import OutboxRelay

Echo = Callable[[str], None]
BEGIN = "<!-- bench-events: begin (written by `scx bench-events --output`) -->"
END = "<!-- bench-events: end -->"
DWP = Actor(organisation_id="dwp", organisation_kind="dwp", role="contract_manager", user="bench")


@dataclass(frozen=True)
class EventsBenchOptions:
    backlog: int = 100_000
    rates: tuple[int, ...] = (100, 500, 1000)
    seconds: float = 10.0


@dataclass
class EventsReport:
    options: EventsBenchOptions
    started: datetime
    machine: dict[str, str]
    backlog_rate: float = 0.0  # events/s between the first and the last applied
    backlog_wall: float = 0.0  # process start → every event applied
    backlog_cpu: float = 0.0  # referral process CPU seconds over the backlog
    catch_up_events: int = 0
    catch_up_wall: float = 0.0
    catch_up_rate: float = 0.0
    latency: list[dict[str, float]] = field(default_factory=list)


def _envelope(event_type: str, data: dict[str, Any]) -> Envelope:
    REGISTRY.model_for(event_type, 1).model_validate(data)  # strict, as any producer
    return Envelope(type=event_type, version=1, producer="subcontracts", actor=DWP, data=data)


def registry_events(count: int) -> list[Envelope]:
    """Valid events, each applicable in order: a partner, a contract, its subcontract, varied, then ended."""
    terms = {
        "client_group": {"postcode_districts": ["NE1"], "health_conditions": []},
        "share_of_targets_percent": 20,
        "monthly_capacity": 30,
        "start_date": "2026-01-01",
        "end_date": "2027-12-31",
    }
    events: list[Envelope] = []
    n = 0
    while len(events) < count:
        n += 1
        ids = {"contract_id": f"bench-contract-{n}", "prime_id": "prime-bench"}
        sub = {**ids, "subcontract_id": f"bench-sub-{n}", "partner_id": f"bench-partner-{n}"}
        cycle: list[tuple[str, dict[str, Any]]] = [
            ("organisation.registered", {"organisation_id": f"bench-partner-{n}", "name": f"P{n}", "kind": "partner"}),
            ("contract.awarded", {**ids, "contract_package_area": "North East", "start_date": "2026-01-01",
                                  "end_date": "2028-12-31", "value_pence": 10_000_000, "payment_model": "outcome"}),
            ("subcontract.agreed", {**sub, "model": "end_to_end", "terms": terms}),
            ("subcontract.varied", {**sub, "variation": 1, "reason": "capacity", "terms": {**terms,
                                                                                      "monthly_capacity": 40}}),
            ("subcontract.ended", {**sub, "ended_on": "2027-06-30", "reason": "expired"}),
        ]
        events.extend(_envelope(t, d) for t, d in cycle[: count - len(events)])
    return events


class InboxReader:
    """Reads a service's inbox from outside the process, as an operator would (SQLite, read-only, WAL)."""

    def __init__(self, path: Path, consumer: str) -> None:
        self.path, self.consumer = path, consumer

    def _query(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        with sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=30) as conn:
            return conn.execute(sql, (self.consumer, *args)).fetchall()

    def count(self) -> int:
        return int(self._query("SELECT count(*) FROM inbox WHERE consumer = ?")[0][0])

    def holds(self, events: int) -> bool:
        return self.count() >= events

    def applied_span(self) -> tuple[datetime, datetime]:
        [(first, last)] = self._query("SELECT min(applied_at), max(applied_at) FROM inbox WHERE consumer = ?")
        return _utc(first), _utc(last)

    def applied_at(self) -> dict[str, datetime]:
        return {e: _utc(a) for e, a in self._query("SELECT event_id, applied_at FROM inbox WHERE consumer = ?")}


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _wait_for(probe: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not probe():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} after {timeout:.0f}s")
        time.sleep(0.05)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def machine() -> dict[str, str]:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    return {
        "CPUs (nproc)": str(os.cpu_count()),
        "CPU": cpu,
        "Python": platform.python_version(),
        "SQLite": sqlite3.sqlite_version,
        "load average at start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


async def _publish_backlog(url: str, events: list[Envelope], echo: Echo) -> None:
    bus = await connect(BusSettings(servers=[url], name="bench-events"))
    try:
        await bus.ensure_stream()
        for start in range(0, len(events), 10_000):
            chunk = events[start : start + 10_000]
            await bus.publish_many([Outgoing(e.subject, e.model_dump_json().encode(), e.event_id) for e in chunk])
        echo(f"published {len(events)} events")
    finally:
        await bus.close()


async def _produce_at(rate: int, seconds: float, database_url: str, nats_url: str) -> dict[str, datetime]:
    """Commit one event per unit of work at `rate` per second; a real relay publishes them. Returns recorded_at
    by event id."""
    engine = create_engine(database_url)
    factory = UnitOfWorkFactory(engine)
    bus = await connect(BusSettings(servers=[nats_url], name="bench-producer"))
    relay = OutboxRelay(engine, bus, factory.outbox_signal, hand_over=factory.hand_over)
    relay_task = asyncio.create_task(relay.run())
    recorded: dict[str, datetime] = {}
    loop = asyncio.get_running_loop()
    try:
        start = loop.time()
        for i in range(int(rate * seconds)):
            delay = start + i / rate - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            partner = f"bench-latency-{rate}-{i}"
            event = _envelope("organisation.registered", {"organisation_id": partner, "name": partner,
                                                          "kind": "partner"})
            async with factory() as uow:
                uow.record(event)
                await uow.commit()
            recorded[event.event_id] = event.recorded_at
        await asyncio.sleep(1.0)  # the relay publishes and marks the tail before it stops
    finally:
        relay.stop()
        await asyncio.wait([relay_task], timeout=5)
        relay_task.cancel()
        await bus.close()
        await engine.dispose()
    return recorded


def run_events_bench(options: EventsBenchOptions, echo: Echo, *, keep_data: bool = False) -> EventsReport:
    report = EventsReport(options, datetime.now(UTC), machine())
    data_dir = Path(tempfile.mkdtemp(prefix="scx-bench-events-"))
    referral = ServiceSpec("referral", free_port())
    stack = LocalStack(data_dir=data_dir, services=[referral], nats_port=free_port())
    try:
        stack.start_nats()
        assert stack.nats is not None
        events = registry_events(options.backlog)
        asyncio.run(_publish_backlog(stack.nats.url, events, echo))

        # 1. A backlog, applied by the real service process.
        stack.migrate(referral)
        reader = InboxReader(data_dir / "referral.db", "referral")
        launched = time.monotonic()
        stack.start_service(referral)
        pid = stack.processes["referral"].pid
        cpu_before = _cpu_seconds(pid)
        _wait_for(functools.partial(reader.holds, options.backlog), 1800, "backlog not applied")
        report.backlog_wall = time.monotonic() - launched
        report.backlog_cpu = _cpu_seconds(pid) - cpu_before
        first, last = reader.applied_span()
        report.backlog_rate = options.backlog / max((last - first).total_seconds(), 1e-9)
        echo(f"backlog: {report.backlog_rate:,.0f} events/s, all applied {report.backlog_wall:.1f}s after launch")

        # 2. Commit → applied at fixed rates, with the same process consuming.
        producer = ServiceSpec("subcontracts", 0)
        stack.migrate(producer)
        expected = options.backlog
        for rate in options.rates:
            recorded = asyncio.run(_produce_at(rate, options.seconds, stack.database_url(producer), stack.nats.url))
            expected += len(recorded)
            _wait_for(functools.partial(reader.holds, expected), 120, "latency run not applied")
            applied = reader.applied_at()
            lags = [(applied[e] - at) / timedelta(milliseconds=1) for e, at in recorded.items()]
            row = {"rate": rate, "achieved": len(recorded) / options.seconds, "events": len(recorded),
                   "p50": _percentile(lags, 0.5), "p99": _percentile(lags, 0.99), "max": max(lags)}
            report.latency.append(row)
            echo(f"{rate}/s: p50 {row['p50']:.1f} ms, p99 {row['p99']:.1f} ms, max {row['max']:.1f} ms")
        first_process = stack.processes.pop("referral")
        first_process.terminate()
        first_process.wait(30)

        # 3. A new consumer (its own database and durable) catches up with the whole stream.
        fresh = ServiceSpec("referral", free_port())
        second = LocalStack(data_dir=data_dir / "new", services=[fresh], nats=stack.nats,
                            extra_env={"SCX_REFERRAL_SERVICE_NAME": "referral-new"})
        second.logs.mkdir(parents=True)
        second.migrate(fresh)
        new_reader = InboxReader(data_dir / "new" / "referral.db", "referral-new")
        launched = time.monotonic()
        second.start_service(fresh)
        stack.processes["referral-new"] = second.processes["referral"]  # stopped with the rest below
        _wait_for(functools.partial(new_reader.holds, expected), 1800, "new consumer did not catch up")
        report.catch_up_wall = time.monotonic() - launched
        report.catch_up_events = expected
        first, last = new_reader.applied_span()
        report.catch_up_rate = expected / max((last - first).total_seconds(), 1e-9)
        echo(f"new consumer: {expected} events caught up {report.catch_up_wall:.1f}s after launch")
    finally:
        stack.stop()
        if not keep_data:
            shutil.rmtree(data_dir, ignore_errors=True)
        else:
            echo(f"kept {data_dir}")
    return report


def section(report: EventsReport) -> str:
    o = report.options
    verdict = "met" if report.backlog_rate >= 5000 else "not met"
    lines = [
        BEGIN,
        "",
        "## Events: applying a backlog, catching up, commit → applied",
        "",
        f"Generated by `scx bench-events --output docs/benchmarks.md`, run {report.started:%Y-%m-%d %H:%M} UTC.",
        "",
        "| measure | figure | target |",
        "|---|---:|---:|",
        f"| backlog of {o.backlog:,} registry events applied by one referral process (SQLite) | "
        f"**{report.backlog_rate:,.0f} events/s** ({verdict}) | ≥ 5,000 events/s |",
        f"| the same, from process launch to the last applied | {report.backlog_wall:.1f} s | — |",
        f"| referral process CPU per event over the backlog | {report.backlog_cpu / o.backlog * 1e6:.0f} µs | — |",
        f"| a new consumer catching up with the whole stream ({report.catch_up_events:,} events it applies) | "
        f"{report.catch_up_wall:.1f} s from launch ({report.catch_up_rate:,.0f} events/s applying) | — |",
    ]
    for row in report.latency:
        target = " ≤ 100 ms p99" if row["rate"] == 500 else "—"
        lines.append(
            f"| commit → applied in referral's read model at {row['rate']:.0f} events/s "
            f"(achieved {row['achieved']:.0f}/s, {row['events']:.0f} events) | "
            f"p50 {row['p50']:.1f} ms, **p99 {row['p99']:.1f} ms**, max {row['max']:.1f} ms | {target} |"
        )
    lines += [
        "",
        "Method:",
        "",
        "- One nats-server (JetStream, file storage) and the referral service as its own uvicorn process on SQLite "
        "(WAL), both on free ports in a temporary directory; the database is migrated with Alembic.",
        f"- Backlog: {o.backlog:,} valid events (organisation registered, contract awarded, subcontract agreed, "
        "varied, ended, in that order per partner) are published before the service starts; its durable consumer "
        "fetches up to 256 at a time and applies each fetch in one transaction. The rate is the number of events "
        "over the span between the first and the last inbox `applied_at`; the bench polls the inbox count from "
        "outside the process.",
        f"- Latency: the bench commits one `organisation.registered` per unit of work into a migrated subcontracts "
        f"database at a fixed rate for {o.seconds:.0f} s per rate, and runs a real `OutboxRelay` publishing them; "
        "latency is the referral inbox's `applied_at` minus the event's `recorded_at` (`applied_at` is stamped as the "
        "event's handler returns, before its batch commits: early by at most one batch's apply time).",
        "- Catch-up: the referral process is stopped; a new one with a fresh database and its own durable name "
        "starts against the whole stream (the backlog plus the latency runs); timed from launch until its inbox "
        "holds every event.",
        "- Everything shares the machine's CPUs with each other (and with whatever else runs on it).",
        "",
        "Machine: " + "; ".join(f"{k}: {v}" for k, v in report.machine.items()) + ".",
        "",
        END,
    ]
    return "\n".join(lines) + "\n"


def write_section(report: EventsReport, output: Path) -> None:
    """Replace this bench's section of the file (or append it), keeping everything else as it is."""
    text = output.read_text() if output.exists() else ""
    new = section(report)
    if BEGIN in text and END in text:
        before, rest = text.split(BEGIN, 1)
        after = rest.split(END, 1)[1].lstrip("\n")
        text = before + new + ("\n" + after if after else "")
    else:
        text = text.rstrip("\n") + "\n\n" + new if text else new
    output.write_text(text)


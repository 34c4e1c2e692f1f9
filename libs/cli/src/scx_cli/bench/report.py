"""Report writing: the machine it ran on, the tables, the reading of the figures, and docs/benchmarks.md (keeping
the hand-written notes below the marker)."""

from __future__ import annotations

import contextlib
import os
import platform
import sqlite3
import subprocess
from pathlib import Path

from scx_cli.bench.results import Level, Report, Run, ms, percentile
from scx_messaging.local import nats_server_binary

NOTES_MARKER = "<!-- hand-written notes below are kept by `scx bench --output` -->"




def machine() -> dict[str, str]:
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    ram = "unknown"
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    try:
        nats_version = subprocess.run(
            [nats_server_binary(), "--version"], capture_output=True, text=True, check=False, timeout=10
        ).stdout.strip().removeprefix("nats-server: ")
    except (OSError, subprocess.SubprocessError):
        nats_version = "unknown"
    load = "unknown"
    with contextlib.suppress(OSError):
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return {
        "CPUs (nproc)": str(os.cpu_count()),
        "CPU": cpu,
        "RAM": ram,
        "OS": platform.platform(),
        "Python": platform.python_version(),
        "SQLite": sqlite3.sqlite_version,
        "nats-server": nats_version,
        "load average at start": load,
    }


def level_line(level: Level) -> str:
    o, b = level.ours, level.baseline
    return (
        f"  ours {o.rps:7.1f} req/s (p50 {ms(percentile(o.latencies, 50))} ms, p99 {ms(percentile(o.latencies, 99))} "
        f"ms, {o.errors} errors); baseline {b.rps:7.1f} req/s (p50 {ms(percentile(b.latencies, 50))} ms, p99 "
        f"{ms(percentile(b.latencies, 99))} ms); ratio {level.ratio:.2f}; event lag p50 "
        f"{ms(percentile(level.event_lags, 50))} ms p99 {ms(percentile(level.event_lags, 99))} ms"
    )




def table(report: Report) -> str:
    head = (
        "| concurrency | journeys | ours req/s | journeys/s | req p50 ms | req p99 ms | journey p50 ms "
        "| journey p99 ms | event lag p50 ms | event lag p99 ms | baseline req/s | baseline p50 ms "
        "| baseline p99 ms | ratio |\n"
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
    )
    rows = []
    for level in report.levels:
        o, b = level.ours, level.baseline
        rows.append(
            f"| {o.concurrency} | {o.journeys} | {o.rps:.0f} | {o.jps:.1f} | {ms(percentile(o.latencies, 50))} "
            f"| {ms(percentile(o.latencies, 99))} | {ms(percentile(o.journey_latencies, 50))} "
            f"| {ms(percentile(o.journey_latencies, 99))} | {ms(percentile(level.event_lags, 50))} "
            f"| {ms(percentile(level.event_lags, 99))} | {b.rps:.0f} | {ms(percentile(b.latencies, 50))} "
            f"| {ms(percentile(b.latencies, 99))} | **{level.ratio:.2f}** |"
        )
    return head + "\n".join(rows) + "\n"


def cpu_table(report: Report) -> str:
    """CPU milliseconds per request in each process: where the time goes; and what else kept the machine busy."""
    head = (
        "| concurrency | ours: referral | ours: nats-server | ours: load generator | ours: total "
        "| baseline: app | baseline: nats-server | baseline: load generator | baseline: total "
        "| other processes (CPUs busy) |\n"
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
    )
    rows = []
    for level in report.levels:
        o, b = level.ours, level.baseline
        per_o = {n: o.cpu.get(n, 0.0) / max(o.requests, 1) for n in ["referral", "nats", "bench", "subcontracts"]}
        per_b = {n: b.cpu.get(n, 0.0) / max(b.requests, 1) for n in ["baseline", "nats", "bench"]}
        rows.append(
            f"| {o.concurrency} | {ms(per_o['referral'])} | {ms(per_o['nats'])} | {ms(per_o['bench'])} "
            f"| {ms(sum(per_o.values()))} | {ms(per_b['baseline'])} | {ms(per_b['nats'])} | {ms(per_b['bench'])} "
            f"| {ms(sum(per_b.values()))} | {o.other_cores:.2f} / {b.other_cores:.2f} |"
        )
    return head + "\n".join(rows) + "\n"


def lag_lines(report: Report) -> list[str]:
    lines = []
    for name, values in (
        ("organisation registered → partner known to the referral service", report.organisation_lags),
        ("subcontract agreed → referral service allocates under it", report.subcontract_lags),
    ):
        lines.append(
            f"- {name}: p50 {ms(percentile(values, 50))} ms, p99 {ms(percentile(values, 99))} ms, "
            f"max {ms(max(values) if values else float('nan'))} ms ({len(values)} samples)"
        )
    return lines


def case_tracking_section(report: Report) -> list[str]:
    """Case tracking's write path (an attended appointment) against the baseline, and the start → case lag."""
    if not report.case_levels:
        return []
    rows = []
    for level in report.case_levels:
        o, b = level.ours, level.baseline
        cpu_o = o.cpu.get("case_tracking", 0.0) / max(o.requests, 1)
        cpu_b = b.cpu.get("baseline", 0.0) / max(b.requests, 1)
        rows.append(
            f"| {o.concurrency} | {o.requests} | {o.rps:.0f} | {ms(percentile(o.latencies, 50))} "
            f"| {ms(percentile(o.latencies, 99))} | {ms(cpu_o)} | {b.rps:.0f} | {ms(percentile(b.latencies, 50))} "
            f"| {ms(percentile(b.latencies, 99))} | {ms(cpu_b)} | **{level.ratio:.2f}** |"
        )
    lags = report.case_open_lags
    worst = min(report.case_levels, key=lambda lv: lv.ratio)
    errors = sum(lv.ours.errors + lv.baseline.errors for lv in report.case_levels)
    samples = [e for lv in report.case_levels for e in lv.ours.first_errors + lv.baseline.first_errors][:3]
    return [
        "## Case tracking",
        "",
        "- Write path: `POST /cases/{id}/appointments/{aid}/attend` (prime token; the case allocated in-house, the "
        "appointment booked for earlier today in the untimed set-up): checks the caller delivers the case, locks "
        "it, records the attendance, moves the case's first-meeting clock, WFI count and contact time, adds the "
        "timeline entry and the event to the outbox, commits. "
        f"{report.options.case_requests} requests at each concurrency, then as many baseline requests.",
        "- Lag: from the referral service's answer to `POST /referrals/{id}/start` to the first `200` of `GET "
        "/cases/{id}` on case tracking (polled every 5 ms): the relay publishes `referral.started`, case "
        "tracking's consumer applies it and opens the case. No other load.",
        "",
        "| concurrency | requests | ours req/s | p50 ms | p99 ms | case_tracking CPU ms/req | baseline req/s "
        "| baseline p50 ms | baseline p99 ms | baseline CPU ms/req | ratio |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        *rows,
        "",
        f"- `referral.started` → case visible: p50 {ms(percentile(lags, 50))} ms, p99 {ms(percentile(lags, 99))} "
        f"ms, max {ms(max(lags) if lags else float('nan'))} ms ({len(lags)} samples).",
        f"- Ratio {worst.ratio:.2f} at its lowest (concurrency {worst.ours.concurrency}): the target of ≥ 0.6 is "
        + ("**met** at every level." if worst.ratio >= 0.6 else "**not met** at every level."),
        *([f"- {errors} requests failed; first: {'; '.join(samples)}"] if errors else []),
        "",
    ]


def reading(report: Report) -> list[str]:
    """What the numbers say, worked out from them, so it stays true when they change."""
    if not report.levels:
        return ["No levels were run."]
    best = max(report.levels, key=lambda lv: lv.ours.rps)
    worst_ratio = min(report.levels, key=lambda lv: lv.ratio)
    best_ratio = max(report.levels, key=lambda lv: lv.ratio)
    ours_cpu = sum(lv.ours.cpu.get("referral", 0.0) for lv in report.levels)
    ours_requests = sum(lv.ours.requests for lv in report.levels)
    base_cpu = sum(lv.baseline.cpu.get("baseline", 0.0) for lv in report.levels)
    base_requests = sum(lv.baseline.requests for lv in report.levels)
    cpu_ours = ours_cpu / max(ours_requests, 1)
    cpu_base = base_cpu / max(base_requests, 1)

    def used(run: Run, name: str) -> float:
        return run.cpu.get(name, 0.0) / run.elapsed if run.elapsed else 0.0

    utils = ", ".join(f"{used(lv.ours, 'referral'):.0%} at {lv.ours.concurrency}" for lv in report.levels)
    met = all(lv.ratio >= 0.6 for lv in report.levels)
    out = [
        f"- Peak throughput: {best.ours.rps:.0f} requests/s ({best.ours.jps:.1f} journeys/s) at concurrency "
        f"{best.ours.concurrency}; the baseline peaks at {max(lv.baseline.rps for lv in report.levels):.0f} "
        "requests/s.",
        f"- Ratio (ours ÷ baseline requests/s): {worst_ratio.ratio:.2f} at concurrency "
        f"{worst_ratio.ours.concurrency} to {best_ratio.ratio:.2f} at concurrency {best_ratio.ours.concurrency}. "
        + ("The target of ≥ 0.6 is **met** at every level." if met else
           "The target of ≥ 0.6 is **not met** at every level: see below for why and what would close the gap."),
        f"- The referral service's process spent {cpu_ours * 1000:.2f} ms of CPU per request, the baseline's "
        f"{cpu_base * 1000:.2f} ms ({cpu_ours / cpu_base if cpu_base else float('nan'):.1f} times). At that cost "
        f"one uvicorn worker (one event loop, one CPU) cannot pass about {1 / cpu_ours if cpu_ours else 0:.0f} "
        f"requests/s. It used {utils} (share of a CPU at each concurrency): where that is well below 100%, "
        "requests were waiting, not computing - the notes say on what.",
    ]
    client_bound = [lv for lv in report.levels if used(lv.baseline, "bench") >= 0.85]
    if client_bound:
        fair = [lv for lv in report.levels if lv not in client_bound]
        out.append(
            "- At concurrency " + ", ".join(str(lv.ours.concurrency) for lv in client_bound)
            + " the load generator itself used ≥ 85% of a CPU driving the baseline, so the baseline's figure there "
            "is capped by the client, not the server, and the ratio is flattered."
            + (f" Where it was not, the ratio is {min(lv.ratio for lv in fair):.2f} to "
               f"{max(lv.ratio for lv in fair):.2f}." if fair else "")
        )
    lags = [lag for lv in report.levels for lag in lv.event_lags]
    if lags:
        out.append(
            f"- Commit → event at a JetStream consumer (the outbox relay is woken by each commit): p50 "
            f"{ms(percentile(lags, 50))} ms, p99 {ms(percentile(lags, 99))} ms over all levels; it grows with load: "
            "the relay shares the process, and the database, with the requests. Measured from the moment the HTTP "
            "response arrived, so it can be slightly negative when the relay publishes before the response is "
            "delivered."
        )
    other = max(max(lv.ours.other_cores, lv.baseline.other_cores) for lv in report.levels)
    if other > 0.25:
        out.append(
            f"- Other processes on the machine kept up to {other:.2f} CPUs busy during a run (of "
            f"{os.cpu_count()}): the figures are perturbed by that much; compare ours and the baseline level by "
            "level, and rerun on a quiet machine before reading much into small differences."
        )
    missing = sum(lv.events_missing for lv in report.levels)
    if missing:
        out.append(f"- {missing} events were not seen by the listener within 60 s of their level ending.")
    errors = sum(lv.ours.errors + lv.baseline.errors for lv in report.levels)
    if errors:
        samples = [e for lv in report.levels for e in lv.ours.first_errors + lv.baseline.first_errors][:3]
        out.append(f"- {errors} requests failed; first: {'; '.join(samples)}")
    return out


def markdown(report: Report, notes: str = "") -> str:
    o = report.options
    lines = [
        "# Benchmarks",
        "",
        "Generated by `make bench` (`scx bench --output docs/benchmarks.md`); rerun it to refresh the figures. "
        "The notes at the end are hand-written and kept across runs.",
        "",
        f"Run {report.started.strftime('%Y-%m-%d %H:%M UTC')}, {report.wall:.0f} s in all.",
        "",
        "## Machine",
        "",
        *[f"- {k}: {v}" for k, v in report.machine.items()],
        "",
        "## Method",
        "",
        "- `scx bench` starts its own local stack (nats-server with JetStream file storage, the subcontracts and "
        "referral services as one uvicorn process each, on SQLite in WAL mode) in a temporary directory on free "
        "ports, loads the demo through the APIs, registers a partner and agrees it an end-to-end subcontract for "
        "NE1-NE4 with no monthly capacity.",
        "- A journey is three requests with an HTTP/1.1 keep-alive `httpx.AsyncClient`: `POST /referrals` (JCP "
        "token, a unique valid NI number, an `Idempotency-Key`), `POST /referrals/{id}/start` and "
        "`POST /referrals/{id}/allocation` (prime token; alternately to the bench's partner and in-house). "
        f"At each concurrency ({', '.join(map(str, o.levels))}) that many workers run journeys back to back "
        + (f"for {o.journeys} journeys" if o.journeys > 0 else f"for {o.seconds:g} s")
        + f", after {o.warmup} warm-up journeys. Latency is per request, and per journey.",
        "- Baseline: `scx_cli.baseline`, a bare FastAPI endpoint in its own uvicorn process: one async SQLAlchemy "
        "ORM insert into a SQLite WAL table, commit, then one JetStream publish awaiting the ack, on the same "
        "nats-server. It is driven right after ours at the same concurrency for the same number of requests "
        "(three per journey). **Ratio** = our requests/s ÷ the baseline's. "
        + ("The baseline uses SQLAlchemy's stock `sqlite+aiosqlite` engine, as a bare app would; the services run "
           "SQLite's writer on the event loop's thread (ADR 0011); `--baseline-engine inline` gives the baseline "
           "that engine too." if o.baseline_engine == "stock" else
           "The baseline runs on the services' SQLite writer engine (`--baseline-engine inline`, ADR 0011), not "
           "SQLAlchemy's stock `sqlite+aiosqlite`."),
        "- Event lag: a separate process holds an ordered JetStream consumer on `scx.referral.>`; the lag of each "
        "event is from the arrival of the HTTP response that committed it to the arrival of the event there "
        "(both `CLOCK_MONOTONIC`).",
        "- Read-model lag (subcontracts → referral, the direction the referral service consumes): DWP registers "
        "a partner, then the prime agrees it an SLA subcontract; from each 201 the bench polls `POST "
        "/referrals/{id}/allocation` every 5 ms until the referral service stops answering `unknown-partner`, "
        "then `no-subcontract`. Resolution is one poll (≈5 ms plus a round trip). Measured with no other load.",
        "- Everything (load generator included) shares the machine's CPUs; CPU time per process comes from "
        "`/proc/<pid>/stat`.",
        "",
        "## Results",
        "",
        table(report),
        "CPU milliseconds per request, by process:",
        "",
        cpu_table(report),
        "Read-model lag (no other load):",
        "",
        *lag_lines(report),
        "",
        "## Reading",
        "",
        *reading(report),
        "",
        *case_tracking_section(report),
        NOTES_MARKER,
    ]
    text = "\n".join(lines) + "\n"
    if notes:
        text += "\n" + notes
    return text


def kept_notes(path: Path) -> str:
    if not path.exists():
        return ""
    text = path.read_text()
    if NOTES_MARKER not in text:
        return ""
    return text.split(NOTES_MARKER, 1)[1].lstrip("\n")


def write_report(report: Report, output: Path) -> None:
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(markdown(report, kept_notes(output)))

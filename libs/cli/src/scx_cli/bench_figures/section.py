"""`scx bench-figures`' options, what it measured, and its section of docs/benchmarks.md (between its markers, so
the other benches' sections and the hand-written notes stay)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from scx_cli.bench_figures.timing import TARGET_P99_MS, WARM_UP, Timed

BEGIN = "<!-- bench-figures: begin (written by `scx bench-figures --output`) -->"
END = "<!-- bench-figures: end -->"


@dataclass(frozen=True)
class FiguresBenchOptions:
    referrals: int = 700_000
    seed: int = 20261201
    requests: int = 200
    cache: Path | None = None  # a folder keeping the loaded database between runs (None: loaded afresh each time)


@dataclass
class FiguresReport:
    options: FiguresBenchOptions
    started: datetime
    machine: dict[str, str]
    end: date | None = None
    rows: dict[str, int] = field(default_factory=dict)
    load_seconds: dict[str, float] = field(default_factory=dict)
    reused: bool = False
    database_bytes: int = 0
    proportions: dict[str, float] = field(default_factory=dict)
    timed: list[Timed] = field(default_factory=list)
    explained: dict[str, list[str]] = field(default_factory=dict)  # path → its slow query's plan
    wall_seconds: float = 0.0


def _ms(value: float) -> str:
    return f"{value:.1f}"


def _row(t: Timed) -> str:
    r = t.report
    if not t.built:
        return f"| {r.name} | `{r.path}` | not yet built | | | | |"
    if not t.all_samples:
        why = f"cannot fill {', '.join(t.unfilled)}" if t.unfilled else f"refused: {t.first_refusal[:160]}"
        return f"| {r.name} | `{r.path}` | not timed ({why}) | | | | |".replace("\n", " ")
    tokens = "DWP and prime" if "prime" in t.samples else "DWP"
    refused = f"; refused: {', '.join(f'{n} {k}' for k, n in t.refused.items())}" if t.refused else ""
    verdict = "met" if t.met else "**not met**"
    return (f"| {r.name} | `{r.path}` | {len(t.all_samples)} ({tokens}{refused}) | {_ms(t.p(50))} | {_ms(t.p(95))} | "
            f"**{_ms(t.p(99))}** | {verdict} |")


def section(report: FiguresReport) -> str:
    o, rows = report.options, report.rows
    load = (f"reused from an earlier run (`--cache`), loaded then in {sum(report.load_seconds.values()):.0f} s"
            if report.reused else f"loaded in **{sum(report.load_seconds.values()):.0f} s**")
    steps = "; ".join(f"{name} {seconds:.0f} s" for name, seconds in report.load_seconds.items())
    tallies = sum(rows.get(t, 0) for t in ("history_monthly_tallies", "history_cohort_tallies",
                                            "history_delay_tallies"))
    built = [t for t in report.timed if t.all_samples]
    missed = [t for t in built if not t.met]
    lines = [
        BEGIN, "",
        "## Reports on a national year: returns, reconciliation, performance, flows and health (issue 11)", "",
        f"Measured {report.started:%Y-%m-%d %H:%M} UTC by `scx bench-figures` (part of `make bench`), "
        f"{report.wall_seconds:.0f} s in all. Target: **p99 ≤ {TARGET_P99_MS:.0f} ms for every report**; "
        + (f"{len(built) - len(missed)} of {len(built)} timed reports meet it." if built else "no report was timed."),
        "",
        "| report | route | requests timed | p50 ms | p95 ms | p99 ms | target |",
        "|---|---|---:|---:|---:|---:|---|",
        *(_row(t) for t in report.timed),
        "",
        "The year:", "",
        f"- {o.referrals:,} referrals over the twelve months to {report.end} (seed {o.seed}), in 18 contract package "
        f"areas, {rows.get('contracts', 0)} prime contracts, {rows.get('subcontracts', 0)} subcontracts with "
        f"{report.rows.get('partners', 0):,} partners, {rows.get('profile_months', 0):,} profile months.",
        f"- History: {rows.get('history_journeys', 0):,} journeys, **{rows.get('history_occurrences', 0):,} "
        f"occurrences**, {tallies:,} tally rows (monthly {rows.get('history_monthly_tallies', 0):,}, cohort "
        f"{rows.get('history_cohort_tallies', 0):,}, delay {rows.get('history_delay_tallies', 0):,})"
        + (f"; the referral flows' roll-up {_sum(rows, 'flow_tallies', 'flow_delays', 'flow_awaiting_days'):,} rows"
           if rows.get("flow_tallies") else "")
        + (f"; {rows['weekly_returns']:,} weekly returns with {rows.get('weekly_return_versions', 0):,} versions"
           if rows.get("weekly_returns") else "")
        + (f"; {rows['health_owed_lines']:,} lines owed to partners by the flow-down"
           if rows.get("health_owed_lines") else "") + f"; the SQLite file {report.database_bytes / 1e9:.1f} GB.",
        f"- Proportions seen in the year (of referrals): {_proportions(report)}. Recent referrals have had less time, "
        "so the year shows fewer job starts and outcomes than each journey was drawn with (35% and 28%).",
        f"- The load: {load} ({steps}) by `scx_cli.bench_figures.loader`, straight into a database migrated by "
        "Alembic, in one transaction; the history's rows are those the projection would have made of the journeys' "
        "events (`services/subcontracts/tests/test_bench_loader.py` publishes a sample's events to the real "
        "projection and compares every row).",
        "",
        "Method: the subcontracts service runs as its own uvicorn process (a real nats-server beside it) on the "
        "loaded SQLite database (WAL), the file read once beforehand into the OS's page cache. For each report the "
        "bench takes the route from the service's `/openapi.json` (a report it does not list is not yet built; a "
        "GET route it lists outside the registry's is timed too), sends "
        f"{WARM_UP} requests unmeasured, then {o.requests} one at a time over a keep-alive connection, each with "
        "other parameters: another contract, its partner, a window of months, an ISO week, a quarter; tokens "
        "alternate between a DWP contract manager's and the chosen contract's prime's (a report DWP's alone: DWP's "
        "each time). Latency is the client's, request to answer read; only 200s are timed, refusals are counted.",
    ]
    if report.explained:
        lines += ["", "Where a report misses the target or comes near it (p99 over 60% of it), the statement that took "
                  "most of its time, found by asking it again with the service's SQL traced, and its plan "
                  "(`EXPLAIN QUERY PLAN` on the same database):", ""]
        slowest = {t.report.path: t.slowest for t in report.timed if t.all_samples}
        for path, plan in report.explained.items():
            ms, asked = slowest.get(path, (0.0, ""))
            lines += [f"- `{path}` (its slowest request: {ms:.0f} ms, {asked}):", "", "  ```",
                      *(f"  {line}" for line in plan), "  ```"]
    lines += ["", "Machine: " + "; ".join(f"{k}: {v}" for k, v in report.machine.items()) + ".", "", END]
    return "\n".join(lines) + "\n"


def _proportions(report: FiguresReport) -> str:
    return ", ".join(f"{name} {share:.1%}" for name, share in report.proportions.items())


def _sum(rows: dict[str, int], *tables: str) -> int:
    return sum(rows.get(t, 0) for t in tables)


def write_section(report: FiguresReport, output: Path) -> None:
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

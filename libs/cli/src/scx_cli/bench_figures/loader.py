"""Writes a national year into a subcontracts database migrated by Alembic, as an operator's bulk load would: the
registry's rows, and the history's rows exactly as the projection would have made them from the journeys' events
(`projection`), in one transaction with `executemany`.

SQLite keeps an index current row by row; building it once, after the rows, is several times faster. So the
history's secondary indexes (whatever the migration made; read from `sqlite_master`) are dropped before the load and
created again, with the migration's own SQL, after it: the database ends with the schema the migration gave it.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from scx_cli import manifest
from scx_cli.bench_figures.flowdown import TABLES as FLOWDOWN_TABLES
from scx_cli.bench_figures.flowdown import Candidate, candidates, flow_down, health_rows, terms_of
from scx_cli.bench_figures.flows import TABLES as FLOW_TABLES
from scx_cli.bench_figures.flows import flow_rows
from scx_cli.bench_figures.journeys import JourneyPlan, NationalYear
from scx_cli.bench_figures.projection import Figures
from scx_cli.bench_figures.registry import Registry
from scx_cli.bench_figures.returns import TABLES as RETURNS_TABLES
from scx_cli.bench_figures.returns import weekly_returns

HISTORY_TABLES = ("history_journeys", "history_occurrences", "history_monthly_tallies", "history_cohort_tallies",
                  "history_delay_tallies")
CHUNK = 20_000  # journeys whose rows are written at a time


@dataclass
class LoadReport:
    rows: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds.values())


def database_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path.resolve()}"


def migrate(path: Path) -> None:
    """The subcontracts service's migrations, run by Alembic as `make up` runs them."""
    ini = manifest.find_root() / "services" / "subcontracts" / "alembic.ini"
    env = {**os.environ, "SCX_SUBCONTRACTS_DATABASE_URL": database_url(path)}
    subprocess.run([sys.executable, "-m", "alembic", "-c", str(ini), "upgrade", "head"], env=env, check=True,
                   stdout=subprocess.DEVNULL)


def _value(value: Any) -> Any:
    """A registry value as SQLAlchemy stores it in SQLite: dates ISO, moments UTC without a zone, JSON as text."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value)
    return value


def _insert(db: sqlite3.Connection, table: str, rows: Iterable[Sequence[Any]], width: int) -> None:
    marks = ", ".join("?" * width)
    db.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)  # noqa: S608 - our own table names


def _columns(db: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in db.execute(f"PRAGMA table_info({table})")]


def write_registry(db: sqlite3.Connection, registry: Registry) -> dict[str, int]:
    counts = {}
    for table, rows in registry.rows().items():
        columns = _columns(db, table)
        _insert(db, table, ([_value(row[c]) for c in columns] for row in rows), len(columns))
        counts[table] = len(rows)
    return counts


def _has_tables(db: sqlite3.Connection, names: Iterable[str]) -> bool:
    present = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return set(names) <= present


def _secondary_indexes(db: sqlite3.Connection) -> list[tuple[str, str]]:
    marks = ", ".join("?" * len(HISTORY_TABLES))
    return list(db.execute(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({marks})",  # noqa: S608
        HISTORY_TABLES,
    ))


class _Writer:
    """One transaction into the migrated, empty database: the registry first, the history's secondary indexes
    dropped, the history's rows as they come, then the tallies, the returns, and the indexes made again."""

    def __init__(self, path: Path, registry: Registry, report: LoadReport) -> None:
        self.registry, self.report = registry, report
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=OFF")  # one transaction into an empty database: nothing to roll back to
        self.db.execute("PRAGMA synchronous=OFF")
        self.db.execute("PRAGMA cache_size=-1000000")
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.execute("BEGIN")
        began = time.perf_counter()
        report.rows.update(write_registry(self.db, registry))
        report.seconds["write the registry"] = time.perf_counter() - began
        self.indexes = _secondary_indexes(self.db)
        for name, _ in self.indexes:
            self.db.execute(f'DROP INDEX "{name}"')
        self.rows = {"history_journeys": 0, "history_occurrences": 0}

    def write(self, journeys: Sequence[Sequence[Any]], occurrences: Sequence[Sequence[Any]]) -> None:
        _insert(self.db, "history_journeys", journeys, 21)
        _insert(self.db, "history_occurrences", occurrences, 12)
        self.rows["history_journeys"] += len(journeys)
        self.rows["history_occurrences"] += len(occurrences)

    def finish(self, figures: Figures, year_of: tuple[int, date] | None, owing: list[Candidate]) -> None:
        db, report, rows = self.db, self.report, self.rows
        for table, counts in (("history_monthly_tallies", figures.monthly), ("history_cohort_tallies", figures.cohorts),
                              ("history_delay_tallies", figures.delays)):
            width = len(next(iter(counts), ())) + 1
            _insert(db, table, ((*key, count) for key, count in counts.items()), width)
            rows[table] = len(counts)
        if _has_tables(db, FLOW_TABLES):
            self._write_rows(flow_rows(figures, {c["contract_id"]: c["prime_id"] for c in self.registry.contracts}))
        if year_of is not None and _has_tables(db, RETURNS_TABLES):
            began = time.perf_counter()
            self._write_rows(weekly_returns(year_of[0], self.registry, figures.weekly, year_of[1]).rows())
            report.seconds["generate and write the weekly returns"] = time.perf_counter() - began
        if year_of is not None and _has_tables(db, FLOWDOWN_TABLES):
            began = time.perf_counter()
            self._write_rows(health_rows(flow_down(year_of[0], owing, year_of[1])))
            report.seconds["generate and write the flow-down's lines and payments"] = time.perf_counter() - began
        began = time.perf_counter()
        for _, sql in self.indexes:
            db.execute(sql)
        db.execute("COMMIT")
        report.seconds["build the indexes"] = time.perf_counter() - began
        report.rows.update(rows)

    def _write_rows(self, tables: dict[str, list[dict[str, Any]]]) -> None:
        for table, made in tables.items():
            columns = _columns(self.db, table)
            _insert(self.db, table, ([_value(row[c]) for c in columns] for row in made), len(columns))
            self.rows[table] = len(made)

    def close(self) -> None:
        self.db.close()


def load(
    path: Path, registry: Registry, journeys: Iterable[JourneyPlan], *, year_of: tuple[int, date] | None = None,
) -> LoadReport:
    """Write `registry` and the history of `journeys` into the migrated (and otherwise empty) database at `path`;
    with `year_of` (the seed and the year's last day), and where the schema has them, the partners' weekly returns
    and the flow-down's lines and payments."""
    report = LoadReport()
    terms, owing = terms_of(registry), []
    writer = _Writer(path, registry, report)
    try:
        began, figures = time.perf_counter(), Figures()
        for n, plan in enumerate(journeys, start=1):
            figures.apply(plan)
            owing += candidates(plan, terms)
            if n % CHUNK == 0:
                writer.write(figures.journeys, figures.occurrences)
                figures.journeys, figures.occurrences = [], []
        writer.write(figures.journeys, figures.occurrences)
        report.seconds["generate the journeys, project and write them"] = time.perf_counter() - began
        writer.finish(figures, year_of, owing)
    finally:
        writer.close()
    _back_to_wal(path)
    return report


def load_year(path: Path, year: NationalYear, *, workers: int = 2) -> LoadReport:
    """`load` of the whole year, its months shared between `workers` processes that make and project the journeys
    while this one writes their rows; the tallies of each are added together at the end (a tally is the sum of its
    journeys', and its row exists if any journey touched it)."""
    report = LoadReport()
    context = multiprocessing.get_context("fork")  # the workers inherit the year; they touch no database
    queue: multiprocessing.Queue[tuple[Any, ...]] = context.Queue(maxsize=2 * workers)
    processes = [context.Process(target=_project_months, args=(year, range(n, 12, workers), queue), daemon=True)
                 for n in range(workers)]
    for process in processes:
        process.start()
    writer = _Writer(path, year.registry, report)
    try:
        began, figures, done, owing = time.perf_counter(), Figures(), 0, []
        while done < workers:
            message = queue.get()
            if message[0] == "rows":
                writer.write(message[1], message[2])
            else:
                _add_tallies(figures, *message[1:7])
                owing += message[7]
                done += 1
        report.seconds[f"generate the journeys, project and write them ({workers} processes and the writer)"] = (
            time.perf_counter() - began)
        writer.finish(figures, (year.options.seed, year.end), owing)
    finally:
        writer.close()
        for process in processes:
            process.join(timeout=10)
    if any(p.exitcode for p in processes):
        raise RuntimeError(f"a worker failed: exit codes {[p.exitcode for p in processes]}")
    _back_to_wal(path)
    return report


def _project_months(year: NationalYear, months: range, queue: multiprocessing.Queue[tuple[Any, ...]]) -> None:
    figures, terms, owing = Figures(), terms_of(year.registry), []
    for n, plan in enumerate(year.journeys(months), start=1):
        figures.apply(plan)
        owing += candidates(plan, terms)
        if n % CHUNK == 0:
            queue.put(("rows", figures.journeys, figures.occurrences))
            figures.journeys, figures.occurrences = [], []
    queue.put(("rows", figures.journeys, figures.occurrences))
    queue.put(("tallies", figures.monthly, figures.cohorts, figures.delays, figures.weekly, figures.awaiting,
               figures.awaiting_days, owing))


def _add_tallies(figures: Figures, *tallies: dict[Any, int]) -> None:
    summed = (figures.monthly, figures.cohorts, figures.delays, figures.weekly, figures.awaiting, figures.awaiting_days)
    for into, counts in zip(summed, tallies, strict=True):
        for key, count in counts.items():
            into[key] = into.get(key, 0) + count


def _back_to_wal(path: Path) -> None:
    """As the service keeps it (and as the migration left it)."""
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode=WAL")
    finally:
        db.close()

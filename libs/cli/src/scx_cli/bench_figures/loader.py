"""Writes a national year into a subcontracts database migrated by Alembic, as an operator's bulk load would: the
registry's rows, and the history's rows exactly as the projection would have made them from the journeys' events
(`projection`), in one transaction with `executemany`.

SQLite keeps an index current row by row; building it once, after the rows, is several times faster. So the
history's secondary indexes (whatever the migration made; read from `sqlite_master`) are dropped before the load and
created again, with the migration's own SQL, after it: the database ends with the schema the migration gave it.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from scx_cli import manifest
from scx_cli.bench_figures.journeys import JourneyPlan
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


def load(
    path: Path, registry: Registry, journeys: Iterable[JourneyPlan], *, returns_of: tuple[int, date] | None = None,
) -> LoadReport:
    """Write `registry` and the history of `journeys` into the migrated (and otherwise empty) database at `path`;
    with `returns_of` (the seed and the year's last day), and where the schema has them, partners' weekly returns."""
    report = LoadReport()
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode=OFF")  # one transaction into an empty database: nothing to roll back to
        db.execute("PRAGMA synchronous=OFF")
        db.execute("PRAGMA cache_size=-1000000")
        db.execute("PRAGMA foreign_keys=ON")
        db.execute("BEGIN")
        began = time.perf_counter()
        report.rows.update(write_registry(db, registry))
        report.seconds["write the registry"] = time.perf_counter() - began
        indexes = _secondary_indexes(db)
        for name, _ in indexes:
            db.execute(f'DROP INDEX "{name}"')
        figures, generating, writing = Figures(), 0.0, 0.0
        rows = {"history_journeys": 0, "history_occurrences": 0}
        mark = time.perf_counter()
        for n, plan in enumerate(journeys, start=1):
            figures.apply(plan)
            if n % CHUNK == 0:
                now = time.perf_counter()
                generating += now - mark
                _flush(db, figures, rows)
                mark = time.perf_counter()
                writing += mark - now
        now = time.perf_counter()
        generating += now - mark
        _flush(db, figures, rows)
        _write_tallies(db, figures, rows)
        mark = time.perf_counter()
        writing += mark - now
        report.seconds["generate the journeys and project them"] = generating
        report.seconds["write the history's rows"] = writing
        if returns_of is not None and _has_tables(db, RETURNS_TABLES):
            made = weekly_returns(returns_of[0], registry, figures.weekly, returns_of[1])
            for table, made_rows in made.rows().items():
                columns = _columns(db, table)
                _insert(db, table, ([_value(row[c]) for c in columns] for row in made_rows), len(columns))
                rows[table] = len(made_rows)
            now, mark = mark, time.perf_counter()
            report.seconds["generate and write the weekly returns"] = mark - now
        for _, sql in indexes:
            db.execute(sql)
        db.execute("COMMIT")
        report.seconds["build the indexes"] = time.perf_counter() - mark
        report.rows.update(rows)
    finally:
        db.close()
    _back_to_wal(path)
    return report


def _flush(db: sqlite3.Connection, figures: Figures, rows: dict[str, int]) -> None:
    _insert(db, "history_journeys", figures.journeys, 21)
    _insert(db, "history_occurrences", figures.occurrences, 12)
    rows["history_journeys"] += len(figures.journeys)
    rows["history_occurrences"] += len(figures.occurrences)
    figures.journeys.clear()
    figures.occurrences.clear()


def _write_tallies(db: sqlite3.Connection, figures: Figures, rows: dict[str, int]) -> None:
    tallies: Mapping[str, dict[Any, int]] = {
        "history_monthly_tallies": figures.monthly, "history_cohort_tallies": figures.cohorts,
        "history_delay_tallies": figures.delays,
    }
    for table, counts in tallies.items():
        width = len(next(iter(counts), ())) + 1
        _insert(db, table, ((*key, count) for key, count in counts.items()), width)
        rows[table] = len(counts)


def _back_to_wal(path: Path) -> None:
    """As the service keeps it (and as the migration left it)."""
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode=WAL")
    finally:
        db.close()

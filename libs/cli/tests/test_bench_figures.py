"""`scx bench-figures`' own parts: the year it makes (deterministic, national in scale, in the proportions it
claims), its two loaders agreeing row for row, the requests it builds from an OpenAPI operation, and its section of
docs/benchmarks.md. That the loader writes what the service's projection makes is the service's test
(`services/subcontracts/tests/test_bench_loader.py`)."""

from __future__ import annotations

import random
import shutil
import sqlite3
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from scx_cli.bench_figures import loader
from scx_cli.bench_figures.journeys import NationalYear, YearOptions, national_year
from scx_cli.bench_figures.reports import REPORTS, Catalogue, Report, pick
from scx_cli.bench_figures.section import BEGIN, END, FiguresBenchOptions, FiguresReport, write_section
from scx_cli.bench_figures.timing import Timed, _request

END_DAY = date(2026, 11, 30)


def year_of(referrals: int, seed: int = 7) -> NationalYear:
    return national_year(YearOptions(referrals=referrals, seed=seed, end=END_DAY), END_DAY)


def test_one_seed_makes_one_year_and_each_month_can_be_made_apart() -> None:
    first, again, other = year_of(2000), year_of(2000), year_of(2000, seed=8)
    plans = list(first.journeys())
    assert plans == list(again.journeys())
    assert plans != list(other.journeys())
    assert first.registry.rows() == again.registry.rows()
    months = [p.referral_date.strftime("%Y-%m") for p in plans]
    third = sorted(set(months))[3]
    assert list(first.journeys([3])) == [p for p, m in zip(plans, months, strict=True) if m == third]


def test_the_year_is_national_in_scale_and_in_its_proportions() -> None:
    year = year_of(20_000)
    registry = year.registry
    assert len({c["contract_package_area"] for c in registry.contracts}) == 18
    assert len(registry.contracts) == 40
    assert 650 <= sum(1 for o in registry.organisations if o["kind"] == "partner") <= 760
    assert Counter(s["model"] for s in registry.subcontracts).keys() == {"end_to_end", "specialist", "sla",
                                                                         "signposting"}
    assert any(s["variation"] for s in registry.subcontracts)
    originals = Counter(m["contract_id"] for m in registry.profile_months if m["revision"] == 1)
    assert set(originals.values()) == {24}
    assert 5 <= sum(1 for c in registry.contracts if c["profile_revision"] == 2) <= 25
    plans = list(year.journeys())
    assert len(plans) == 20_000
    assert min(p.referral_date for p in plans) >= date(2025, 12, 1)
    assert max(s.on for p in plans for s in p.steps) <= END_DAY
    kinds = Counter(k for p in plans for k in {s.kind for s in p.steps})
    assert kinds["started"] / len(plans) == pytest.approx(0.94, abs=0.015)
    assert kinds["rejected"] / len(plans) == pytest.approx(0.04, abs=0.01)
    wfis = Counter(sum(s.kind == "attended" and s.detail == "wfi" for s in p.steps) for p in plans if
                   p.referral_date.month == 12 and p.referral_date.year == 2025 and "started" in {s.kind for s in
                                                                                              p.steps})
    assert set(wfis) <= set(range(0, 7)) and max(wfis) == 6
    first_quarter = [p for p in plans if p.referral_date < date(2026, 3, 1)]
    jobs = sum(any(s.kind == "job_started" for s in p.steps) for p in first_quarter) / len(first_quarter)
    assert 0.25 <= jobs <= 0.4  # nine months or more to find work: most of those who will have


def test_the_parallel_loader_writes_the_same_rows_as_the_one_process_loader(tmp_path: Path) -> None:
    year = year_of(1500)
    empty = tmp_path / "empty.db"
    loader.migrate(empty)
    one, many = tmp_path / "one.db", tmp_path / "many.db"
    shutil.copy(empty, one)
    shutil.copy(empty, many)
    loader.load(one, year.registry, year.journeys(), year_of=(year.options.seed, year.end))
    report = loader.load_year(many, year, workers=2)
    assert report.rows["history_journeys"] == 1500
    assert _dump(one) == _dump(many)
    with sqlite3.connect(many) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        indexes = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")}
    with sqlite3.connect(empty) as db:
        assert indexes == {r[0] for r in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")}


def _dump(path: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(path) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {t: sorted(db.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in tables}


def test_a_request_fills_the_path_the_required_and_the_window_parameters_and_names_what_it_cannot() -> None:
    year = year_of(10)
    choice = pick(random.Random(1), Catalogue(year.registry.plans, END_DAY))
    area = Report("area", "/contract-package-areas/{area}/performance", "performance")
    parameters = [
        {"name": "area", "in": "path", "required": True, "schema": {"type": "string"}},
        {"name": "from", "in": "query", "required": False, "schema": {"type": "string"}},
        {"name": "to", "in": "query", "required": False, "schema": {"type": "string"}},
        {"name": "limit", "in": "query", "required": False, "schema": {"type": "integer"}},
    ]
    url, query, unfilled = _request(area, parameters, choice)
    assert url == "/contract-package-areas/" + choice.plan.area.name.replace(" ", "%20").replace(",", "%2C") + \
        "/performance"
    assert query == {"from": choice.first_month, "to": choice.last_month}
    assert query["from"] <= query["to"]
    assert unfilled == []
    odd = [{"name": "cohort_kind", "in": "query", "required": True, "schema": {"type": "string"}}]
    assert _request(Report("odd", "/odd", "other"), odd, choice)[2] == ["cohort_kind"]


def test_its_section_replaces_its_own_and_keeps_the_rest(tmp_path: Path) -> None:
    output = tmp_path / "benchmarks.md"
    output.write_text("# Benchmarks\n\nhand-written notes\n")
    report = FiguresReport(FiguresBenchOptions(referrals=1000), datetime(2026, 12, 1, tzinfo=UTC), {"CPUs": "2"},
                           end=END_DAY, timed=[Timed(REPORTS[0], built=False)])
    write_section(report, output)
    write_section(report, output)
    text = output.read_text()
    assert text.count(BEGIN) == text.count(END) == 1
    assert text.startswith("# Benchmarks\n\nhand-written notes\n")
    assert "| not yet built |" in text

"""A year of partners' weekly returns, as the returns' use cases store them: for every end-to-end, specialist and SLA
subcontract, a return for each week it was live that has ended (a few never posted), most agreeing with what the
history counts for it, some differing by a figure or two; most on time against the deadline the prime set (a third
of contracts changed it mid-year), some late; some corrected by a second version (mostly putting a difference right).

The figures a return agrees with are the history's own for the subcontract and week (`projection.Figures.weekly`),
so that reconciliation is timed on the mix a real year would give it.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from scx_cli.bench_figures.ids import uuid7_on
from scx_cli.bench_figures.registry import Allocation, ContractPlan, Registry
from scx_contracts.weekly_stats import WEEKLY_FIGURES

LONDON = ZoneInfo("Europe/London")
TABLES = ("weekly_return_deadlines", "weekly_returns", "weekly_return_versions")
REASONS = ("corrected after the prime's reconciliation", "late referrals added", "a WFI recorded twice",
           "job start confirmed by the employer")


@dataclass
class Returns:
    deadlines: list[dict[str, Any]] = field(default_factory=list)
    returns: list[dict[str, Any]] = field(default_factory=list)
    versions: list[dict[str, Any]] = field(default_factory=list)

    def rows(self) -> dict[str, list[dict[str, Any]]]:
        return {"weekly_return_deadlines": self.deadlines, "weekly_returns": self.returns,
                "weekly_return_versions": self.versions}


@dataclass(frozen=True)
class _Deadline:
    revision: int
    days_after_week_end: int
    at_local_time: str
    set_at: datetime


def _at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def deadline_of(monday: date, setting: _Deadline) -> datetime:
    """As the returns' rules compute it: the London time on the day `days_after_week_end` after the week's Sunday."""
    hours, minutes = int(setting.at_local_time[:2]), int(setting.at_local_time[3:5])
    due_day = monday + timedelta(days=7 + setting.days_after_week_end)
    return datetime.combine(due_day, time(hours, minutes), tzinfo=LONDON).astimezone(UTC)


def week_ends_at(monday: date) -> datetime:
    return datetime.combine(monday + timedelta(days=7), time(0, 0), tzinfo=LONDON).astimezone(UTC)


def iso_week(monday: date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year:04d}-W{week:02d}"


def weekly_returns(
    seed: int, registry: Registry, history: Mapping[tuple[str, str, str], int], end: date,
) -> Returns:
    """The returns of the year to `end`, each posted no later than `end`'s start."""
    rng = random.Random(seed + 2)
    out = Returns()
    cutoff = _at(end, 0)
    for plan in registry.plans:
        settings = _deadlines(rng, plan, out)
        for allocation in (*plan.end_to_end, *plan.specialists, *plan.sla):
            _returns_of(rng, plan, allocation, settings, history, cutoff, out)
    return out


def _deadlines(rng: random.Random, plan: ContractPlan, out: Returns) -> list[_Deadline]:
    settings = [_Deadline(1, rng.randint(2, 5), rng.choice(("17:00", "12:00", "23:59")),
                          _at(plan.start - timedelta(days=1)))]
    if rng.random() < 0.33:
        changed = _at(plan.start + timedelta(days=rng.randint(150, 200)))
        settings.append(_Deadline(2, rng.randint(1, 3), "17:00", changed))
    for s in settings:
        out.deadlines.append({
            "contract_id": plan.contract_id, "revision": s.revision, "prime_id": plan.prime_id,
            "days_after_week_end": s.days_after_week_end, "at_local_time": s.at_local_time, "set_at": s.set_at,
            "set_by": f"{plan.prime_id}-user",
        })
    return settings


def _in_force(settings: list[_Deadline], at: datetime) -> _Deadline | None:
    current = None
    for s in settings:
        if s.set_at <= at:
            current = s
    return current


def _returns_of(
    rng: random.Random, plan: ContractPlan, allocation: Allocation, settings: list[_Deadline],
    history: Mapping[tuple[str, str, str], int], cutoff: datetime, out: Returns,
) -> None:
    last_day = allocation.ended_on or plan.end
    monday = allocation.start - timedelta(days=allocation.start.weekday())
    while monday <= last_day and week_ends_at(monday) < cutoff:
        week = iso_week(monday)
        monday += timedelta(days=7)
        if rng.random() < 0.04:
            continue  # never posted
        derived = {f: history.get((allocation.subcontract_id, week, f), 0) for f in WEEKLY_FIGURES}
        figures = derived if rng.random() < 0.88 else _differing(rng, derived)
        first = _posted_at(rng, monday - timedelta(days=7), settings)
        if first >= cutoff:
            continue  # not posted yet
        versions: list[tuple[datetime, dict[str, int], str | None]] = [(first, figures, None)]
        corrects = (figures != derived and rng.random() < 0.5) or rng.random() < 0.01
        again = first + timedelta(days=rng.randint(2, 12), hours=rng.randint(0, 8))
        if corrects and again < cutoff:
            versions.append((again, derived if figures != derived else _differing(rng, derived), rng.choice(REASONS)))
        _write(rng, plan, allocation, week, monday - timedelta(days=7), versions, settings, out)


def _differing(rng: random.Random, derived: dict[str, int]) -> dict[str, int]:
    figures = dict(derived)
    for name in rng.sample(WEEKLY_FIGURES, rng.choice((1, 1, 1, 2))):
        figures[name] = max(0, figures[name] + rng.choice((-2, -1, 1, 1, 2, 3)))
    return figures if figures != derived else {**figures, "wfis_delivered": figures["wfis_delivered"] + 1}


def _posted_at(rng: random.Random, monday: date, settings: list[_Deadline]) -> datetime:
    """Before the deadline in force at the week's end (after it for about one in ten), never before the week ends."""
    ended = week_ends_at(monday)
    setting = _in_force(settings, ended)
    due = deadline_of(monday, setting) if setting else ended + timedelta(days=3)
    if rng.random() < 0.1:
        return due + timedelta(minutes=rng.randint(1, 5 * 24 * 60))
    return max(ended + timedelta(minutes=rng.randint(1, 600)), due - timedelta(minutes=rng.randint(0, 3 * 24 * 60)))


def _write(
    rng: random.Random, plan: ContractPlan, allocation: Allocation, week: str, monday: date,
    versions: list[tuple[datetime, dict[str, int], str | None]], settings: list[_Deadline], out: Returns,
) -> None:
    return_id = uuid7_on(rng, versions[0][0].date())
    out.returns.append({
        "return_id": return_id, "subcontract_id": allocation.subcontract_id, "contract_id": plan.contract_id,
        "prime_id": plan.prime_id, "partner_id": allocation.partner_id, "iso_week": week,
        "latest_version": len(versions), "first_posted_at": versions[0][0], "last_posted_at": versions[-1][0],
    })
    source = "upload" if rng.random() < 0.2 else "api"
    for number, (at, figures, reason) in enumerate(versions, start=1):
        setting = _in_force(settings, at)
        due = deadline_of(monday, setting) if setting else None
        out.versions.append({
            "return_id": return_id, "version": number, **figures, "corrects_version": number - 1 or None,
            "reason": reason, "source": source, "posted_at": at, "posted_by": f"{allocation.partner_id}-user",
            "late": None if due is None else at > due, "deadline": due,
            "deadline_revision": setting.revision if setting else None,
        })

"""A return against the history: each figure posted against the same figure derived from the events (ADR 0022),
the difference (posted - derived), and the journeys behind the derived count, so that prime and partner can settle
it journey by journey. A return agrees when all eight figures do; a week a subcontract should post for and has not
is `not_yet_posted`.

Which weeks a subcontract should post for: every ended ISO week that overlaps its live dates, if its model posts
(`rules.returns`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal, Protocol

from scx_contracts.weekly_stats import WEEKLY_FIGURES

Status = Literal["agrees", "differs", "not_yet_posted"]


class Counted(Protocol):
    """What the history holds of one counted event (`models.history.Occurrence`)."""

    @property
    def figure(self) -> str: ...
    @property
    def referral_id(self) -> str: ...
    @property
    def claimant_ref(self) -> str: ...
    @property
    def on_date(self) -> date: ...


@dataclass(frozen=True)
class JourneyCounted:
    """One journey behind a derived count: how many times it counted, and on which days."""

    referral_id: str
    claimant_ref: str
    dates: tuple[date, ...]


@dataclass(frozen=True)
class FigureComparison:
    figure: str
    posted: int | None  # None: the week is not posted
    derived: int
    journeys: tuple[JourneyCounted, ...] = ()

    @property
    def difference(self) -> int | None:
        return None if self.posted is None else self.posted - self.derived

    @property
    def agrees(self) -> bool:
        return self.difference == 0


def journeys_behind(occurrences: Iterable[Counted]) -> dict[str, tuple[JourneyCounted, ...]]:
    """Each weekly figure's journeys (in the order of their first day, then their id); other figures are left out."""
    found: dict[str, dict[tuple[str, str], list[date]]] = {figure: {} for figure in WEEKLY_FIGURES}
    for occurrence in occurrences:
        if occurrence.figure in found:
            key = (occurrence.referral_id, occurrence.claimant_ref)
            found[occurrence.figure].setdefault(key, []).append(occurrence.on_date)
    return {
        figure: tuple(sorted(
            (JourneyCounted(referral_id, claimant_ref, tuple(sorted(days)))
             for (referral_id, claimant_ref), days in journeys.items()),
            key=lambda j: (j.dates[0], j.referral_id),
        ))
        for figure, journeys in found.items()
    }


def compare_with_journeys(
    posted: Mapping[str, int] | None, journeys: Mapping[str, tuple[JourneyCounted, ...]]
) -> list[FigureComparison]:
    return [
        FigureComparison(
            figure, None if posted is None else posted[figure],
            sum(len(j.dates) for j in journeys.get(figure, ())), journeys.get(figure, ()),
        )
        for figure in WEEKLY_FIGURES
    ]


def compare_counts(posted: Mapping[str, int] | None, derived: Mapping[str, int]) -> list[FigureComparison]:
    return [
        FigureComparison(figure, None if posted is None else posted[figure], derived.get(figure, 0))
        for figure in WEEKLY_FIGURES
    ]


def status_of(comparisons: Iterable[FigureComparison]) -> Status:
    figures = list(comparisons)
    if any(c.posted is None for c in figures):
        return "not_yet_posted"
    return "agrees" if all(c.agrees for c in figures) else "differs"


def mondays_to_post(*, start: date, end: date, first: date, last: date) -> list[date]:
    """The Mondays of the weeks from `first` to `last` (both Mondays; `last` an ended week) that overlap the live
    dates `start` to `end`."""
    monday = max(first, start - timedelta(days=start.weekday()))
    final = min(last, end - timedelta(days=end.weekday()))
    weeks = []
    while monday <= final:
        weeks.append(monday)
        monday += timedelta(days=7)
    return weeks

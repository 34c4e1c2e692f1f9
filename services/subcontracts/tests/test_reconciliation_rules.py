"""Reconciliation's rules on their own: the journeys behind each figure, the comparison and its status, and which
weeks a subcontract should post for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from scx_subcontracts.rules.reconciliation import (
    FigureComparison,
    JourneyCounted,
    compare_counts,
    compare_with_journeys,
    journeys_behind,
    mondays_to_post,
    status_of,
)

from .returns_builders import figures

D = date(2026, 11, 2)  # a Monday


@dataclass(frozen=True)
class Counted:
    figure: str
    referral_id: str
    claimant_ref: str
    on_date: date


def test_the_journeys_behind_a_figure_are_grouped_and_ordered_by_their_first_day() -> None:
    counted = [
        Counted("activities_delivered", "r-2", "c-2", D + timedelta(days=4)),
        Counted("activities_delivered", "r-1", "c-1", D + timedelta(days=3)),
        Counted("activities_delivered", "r-2", "c-2", D + timedelta(days=1)),
        Counted("sustained_job_outcomes", "r-1", "c-1", D),  # not a weekly figure
        Counted("exits", "r-3", "c-3", D + timedelta(days=2)),
    ]

    behind = journeys_behind(counted)

    assert behind["activities_delivered"] == (
        JourneyCounted("r-2", "c-2", (D + timedelta(days=1), D + timedelta(days=4))),
        JourneyCounted("r-1", "c-1", (D + timedelta(days=3),)),
    )
    assert behind["exits"] == (JourneyCounted("r-3", "c-3", (D + timedelta(days=2),)),)
    assert "sustained_job_outcomes" not in behind and behind["starts"] == ()


def test_a_comparison_names_the_difference_posted_less_derived() -> None:
    behind = journeys_behind([
        Counted("fail_to_attends", "r-1", "c-1", D), Counted("activities_delivered", "r-1", "c-1", D),
        Counted("activities_delivered", "r-1", "c-1", D),
    ])

    compared = compare_with_journeys(figures(fail_to_attends=0, activities_delivered=2, job_starts=2), behind)

    by_figure = {c.figure: (c.posted, c.derived, c.difference, c.agrees) for c in compared}
    assert by_figure["fail_to_attends"] == (0, 1, -1, False)
    assert by_figure["activities_delivered"] == (2, 2, 0, True)
    assert by_figure["job_starts"] == (2, 0, 2, False)
    assert status_of(compared) == "differs"
    assert [c.figure for c in compared][:2] == ["referrals_received", "starts"]


def test_a_return_agrees_only_when_every_figure_does_and_a_missing_one_is_not_yet_posted() -> None:
    counts = figures()

    assert status_of(compare_counts(figures(), counts)) == "agrees"
    assert status_of(compare_counts(figures(exits=2), counts)) == "differs"
    assert status_of(compare_counts(None, counts)) == "not_yet_posted"
    assert status_of(compare_counts(dict.fromkeys(counts, 0), {})) == "agrees"
    assert FigureComparison("exits", None, 3).difference is None


def test_the_weeks_a_subcontract_should_post_for_meet_its_live_dates() -> None:
    first, last = D - timedelta(weeks=4), D

    assert mondays_to_post(start=D - timedelta(weeks=10), end=D + timedelta(weeks=10), first=first, last=last) == [
        D - timedelta(weeks=n) for n in range(4, -1, -1)
    ]
    # Live from a Wednesday to a Tuesday: the weeks holding those days count.
    assert mondays_to_post(
        start=D - timedelta(weeks=2) + timedelta(days=2), end=D - timedelta(weeks=1) + timedelta(days=1),
        first=first, last=last,
    ) == [D - timedelta(weeks=2), D - timedelta(weeks=1)]
    assert mondays_to_post(start=D + timedelta(days=1), end=D + timedelta(weeks=5), first=first, last=last) == [D]
    assert mondays_to_post(start=D + timedelta(days=7), end=D + timedelta(weeks=5), first=first, last=last) == []
    assert mondays_to_post(start=D, end=D + timedelta(weeks=5), first=D, last=D - timedelta(weeks=1)) == []

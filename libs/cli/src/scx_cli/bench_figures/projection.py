"""The rows the subcontracts service's history projection would make of a journey's events, made here without it.

`scx_cli` is a library and may not import a service, so this is the projection (`scx_subcontracts.service.history`
and `rules.history`, ADR 0022) written again, step by step in the same order: each event counts its occurrence, then
moves the journey's milestones, and every change of milestones moves the tallies by the difference. The service's
test `test_bench_loader.py` publishes generated journeys to the real projection and compares every row with these,
so the two cannot drift apart unnoticed.

Two consequences of counting by difference that the rows must keep: a tally row, once touched, stays when its count
falls back to 0 (a journey re-allocated away, a claim rejected); so a key's row exists if the journey counted in it
in any state it passed through, and its count is what the journey counts in at the end.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import cache
from typing import Any

from scx_cli.bench_figures.journeys import JourneyPlan, Step
from scx_contracts.clocks import Clock, deadline

IN_HOUSE = ""
JOB_OUTCOMES = "job_outcomes"
SUSTAINED_JOB_OUTCOMES = "sustained_job_outcomes"
REFERRAL_TO_FIRST_WFI = "referral_to_first_wfi"

# (contract, organisation, payment group, cohort, month, measure)
CohortKey = tuple[str, str, int, str, str, str]
# (contract, organisation, referral month, measure, days)
DelayKey = tuple[str, str, str, str, int]
# (contract, organisation, subcontract, month, figure)
MonthKey = tuple[str, str, str, str, str]


@cache
def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


@cache
def iso_week_of(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}"


@cache
def iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


@cache
def a_year_on(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


@cache
def _due(clock: Clock, start: date) -> date:
    return deadline(clock, start)


class Journey:
    """A journey's row as the projection keeps it, changed in place as its events are applied."""

    __slots__ = (
        "action_plan_on", "assessment_on", "claimant_ref", "contract_id", "exit_kind", "exited_on", "first_job_on",
        "first_meeting_on", "first_subcontract_id", "first_wfi_on", "job_outcome_on", "organisation_id",
        "payment_group", "prime_id", "referral_date", "referral_id", "referrer_id", "rejected_on", "started_on",
        "subcontract_id", "withdrawn_on",
    )

    def __init__(self, plan: JourneyPlan) -> None:
        self.referral_id, self.claimant_ref = plan.referral_id, plan.claimant_ref
        self.contract_id, self.prime_id, self.referrer_id = plan.contract_id, plan.prime_id, plan.referrer_id
        self.payment_group, self.referral_date = plan.payment_group, plan.referral_date
        self.organisation_id, self.subcontract_id = plan.prime_id, IN_HOUSE
        self.first_subcontract_id: str | None = None
        self.rejected_on: date | None = None
        self.started_on: date | None = None
        self.first_meeting_on: date | None = None
        self.first_wfi_on: date | None = None
        self.assessment_on: date | None = None
        self.action_plan_on: date | None = None
        self.first_job_on: date | None = None
        self.job_outcome_on: date | None = None
        self.withdrawn_on: date | None = None
        self.exited_on: date | None = None
        self.exit_kind: str | None = None

    def row(self) -> tuple[object, ...]:
        """In the column order of `history_journeys`, dates as SQLite keeps them (ISO text)."""
        return (
            self.referral_id, self.claimant_ref, self.contract_id, self.prime_id, self.referrer_id, self.payment_group,
            iso(self.referral_date), self.organisation_id, self.subcontract_id, self.first_subcontract_id,
            iso(self.rejected_on), iso(self.started_on), iso(self.first_meeting_on), iso(self.first_wfi_on),
            iso(self.assessment_on), iso(self.action_plan_on), iso(self.first_job_on), iso(self.job_outcome_on),
            iso(self.withdrawn_on), iso(self.exited_on), self.exit_kind,
        )


def _breached(clock: Clock, start: date | None, done: date | None, end: date | None) -> bool:
    if start is None:
        return False
    due = _due(clock, start)
    if done is not None:
        return done > due
    return end is not None and end > due


def cohort_keys(j: Journey) -> list[CohortKey]:
    """`rules.history.cohort_measures`, each key led by the contract."""
    c, who, group, month = j.contract_id, j.organisation_id, j.payment_group, month_of(j.referral_date)
    reached = ["referred"]
    if j.rejected_on:
        reached.append("rejected")
    if j.started_on:
        reached.append("started")
    if j.first_wfi_on:
        reached.append("first_wfi")
    if j.first_job_on:
        reached.append("job_start")
    if j.job_outcome_on:
        reached.append("job_outcome")
        if j.job_outcome_on <= a_year_on(j.referral_date):
            reached.append("job_outcome_within_12_months")
    end = j.withdrawn_on or j.exited_on
    if j.first_job_on is None and (j.withdrawn_on or j.exit_kind == "early_exit"):
        reached.append("dropped_out")
    if _breached(Clock.ACKNOWLEDGEMENT, j.referral_date, j.started_on or j.rejected_on, end):
        reached.append("acknowledgement_breached")
    if not j.rejected_on and _breached(Clock.FIRST_MEETING, j.referral_date, j.first_meeting_on, end):
        reached.append("first_meeting_breached")
    assessed = None if j.assessment_on is None or j.action_plan_on is None else max(j.assessment_on, j.action_plan_on)
    if _breached(Clock.ASSESSMENT, j.started_on, assessed, end):
        reached.append("assessment_breached")
    keys: list[CohortKey] = [(c, who, group, "referral", month, measure) for measure in reached]
    if j.started_on:
        start_month = month_of(j.started_on)
        keys.append((c, who, group, "start", start_month, "started"))
        if j.job_outcome_on:
            keys.append((c, who, group, "start", start_month, "job_outcome"))
    return keys


def delay_keys(j: Journey) -> list[DelayKey]:
    if j.first_wfi_on is None:
        return []
    days = (j.first_wfi_on - j.referral_date).days
    return [(j.contract_id, j.organisation_id, month_of(j.referral_date), REFERRAL_TO_FIRST_WFI, days)]


# (contract, clock, the day it started, referral month): a clock the journey awaits, whoever delivers it
AwaitingDay = tuple[str, str, date, str]


def awaiting_keys(j: Journey) -> list[tuple[str, str, str, date]]:
    """(organisation, referral month, clock, the day it started) for each clock an open journey has started and not
    met (the referral flows' `rules.awaiting`)."""
    if j.withdrawn_on or j.exited_on:
        return []
    who, month, found = j.organisation_id, month_of(j.referral_date), []
    if j.started_on is None and j.rejected_on is None:
        found.append((who, month, "acknowledgement", j.referral_date))
    if not j.rejected_on and j.first_meeting_on is None:
        found.append((who, month, "first_meeting", j.referral_date))
    if j.started_on is not None and (j.assessment_on is None or j.action_plan_on is None):
        found.append((who, month, "assessment", j.started_on))
    return found


def _earliest(known: date | None, on: date) -> date:
    return on if known is None or on < known else known


class Figures:
    """What the projection would hold after applying every journey given to `apply`: the journeys' rows, the
    occurrences still counted (rows in their tables' column order, dates as ISO text), and the three tallies
    (every row ever touched, with its count)."""

    def __init__(self) -> None:
        self.journeys: list[tuple[object, ...]] = []
        self.occurrences: list[tuple[object, ...]] = []
        self.monthly: dict[MonthKey, int] = {}
        self.cohorts: dict[CohortKey, int] = {}
        self.delays: dict[DelayKey, int] = {}
        self.weekly: dict[tuple[str, str, str], int] = {}  # (subcontract, ISO week, figure): what a return reports
        self.awaiting: dict[tuple[str, str, str, str], int] = {}  # (contract, organisation, month, clock): open ones
        self.awaiting_days: dict[AwaitingDay, int] = {}

    def apply(self, plan: JourneyPlan) -> None:
        _Applying(self, plan).run()


class _Applying:
    """One journey's events applied in order, as `scx_subcontracts.service.history` applies them."""

    def __init__(self, figures: Figures, plan: JourneyPlan) -> None:
        self.figures, self.plan = figures, plan
        self.j = Journey(plan)
        self.live: list[list[Any]] = []  # occurrence rows, the claim's id last
        self.cohorts: set[CohortKey] = set()
        self.delays: set[DelayKey] = set()
        self.awaiting_days: set[AwaitingDay] = set()

    def run(self) -> None:
        j, handlers = self.j, self._handlers()
        self._tally()
        for step in self.plan.steps:
            handlers[step.kind](step)
        figures = self.figures
        figures.journeys.append(j.row())
        figures.occurrences.extend(tuple(row) for row in self.live)
        weekly = figures.weekly
        for row in self.live:
            if row[7]:
                week = (row[7], row[9], row[1])
                weekly[week] = weekly.get(week, 0) + 1
        cohorts, delays = figures.cohorts, figures.delays
        for key in self.cohorts:
            cohorts.setdefault(key, 0)
        for key in cohort_keys(j):
            cohorts[key] += 1
        for delay in self.delays:
            delays.setdefault(delay, 0)
        for delay in delay_keys(j):
            delays[delay] += 1
        awaiting, days = figures.awaiting, figures.awaiting_days
        for day in self.awaiting_days:
            days.setdefault(day, 0)
        for who, month, clock, since in awaiting_keys(j):
            days[j.contract_id, clock, since, month] += 1
            open_clock = (j.contract_id, who, month, clock)
            awaiting[open_clock] = awaiting.get(open_clock, 0) + 1

    def _handlers(self) -> dict[str, Callable[..., None]]:
        return {
            "received": lambda step: None, "rejected": self.rejected, "started": self.started,
            "allocated": self.allocated, "reallocated": self.allocated, "withdrawn": self.withdrawn,
            "attended": self.attended, "failed_to_attend": self.failed_to_attend, "action_plan": self.action_plan,
            "activity": self.activity, "job_started": self.job_started, "exited": self.exited,
            "claim_submitted": self.claim_submitted, "claim_rejected": self.claim_rejected,
        }

    def _tally(self) -> None:
        """Every state the journey passes through touches its keys' rows."""
        j = self.j
        self.cohorts.update(cohort_keys(j))
        self.delays.update(delay_keys(j))
        self.awaiting_days.update((j.contract_id, clock, since, month) for _, month, clock, since in awaiting_keys(j))

    def _count(
        self, event_id: str, figure: str, on: date, *, organisation_id: str | None = None,
        subcontract_id: str | None = None, claim_id: str | None = None,
    ) -> None:
        j = self.j
        who = organisation_id or j.organisation_id
        if subcontract_id is None:
            subcontract_id = j.subcontract_id if who == j.organisation_id else IN_HOUSE
        month = month_of(on)
        self.live.append([event_id, figure, j.referral_id, j.claimant_ref, j.contract_id, j.prime_id, who,
                          subcontract_id, iso(on), iso_week_of(on), month, claim_id])
        key = (j.contract_id, who, subcontract_id, month, figure)
        monthly = self.figures.monthly
        monthly[key] = monthly.get(key, 0) + 1

    # Referral events

    def rejected(self, step: Step) -> None:
        if self.j.rejected_on is None:
            self.j.rejected_on = step.on  # the envelope's occurred_at date
            self._tally()

    def started(self, step: Step) -> None:
        if self.j.started_on is None:
            self.j.started_on = step.on
            self._tally()

    def allocated(self, step: Step) -> None:
        j = self.j
        event_id, on, partner_id, subcontract_id = step.event_id, step.on, step.by, step.subcontract_id
        first_allocation = j.first_subcontract_id is None
        j.organisation_id = partner_id or j.prime_id
        j.subcontract_id = subcontract_id or IN_HOUSE
        j.first_subcontract_id = j.first_subcontract_id or subcontract_id or IN_HOUSE
        self._count(event_id, "referrals_received", on)
        if first_allocation:
            assert j.started_on is not None  # the projection waits for the start
            self._count(f"{event_id}:start", "starts", j.started_on)
        self._tally()

    def withdrawn(self, step: Step) -> None:
        if self.j.withdrawn_on is None:
            self.j.withdrawn_on = step.on
            self._tally()

    # Case tracking's events

    def attended(self, step: Step) -> None:
        j, on, kind = self.j, step.on, step.detail
        if kind == "wfi":
            self._count(step.event_id, "wfis_delivered", on, organisation_id=step.by)
        before = (j.first_meeting_on, j.first_wfi_on, j.assessment_on)
        j.first_meeting_on = _earliest(j.first_meeting_on, on)
        if kind == "wfi":
            j.first_wfi_on = _earliest(j.first_wfi_on, on)
        if kind == "needs_assessment":
            j.assessment_on = _earliest(j.assessment_on, on)
        if (j.first_meeting_on, j.first_wfi_on, j.assessment_on) != before:
            self._tally()

    def failed_to_attend(self, step: Step) -> None:
        self._count(step.event_id, "fail_to_attends", step.on, organisation_id=step.by)

    def action_plan(self, step: Step) -> None:
        j = self.j
        agreed = _earliest(j.action_plan_on, step.on)
        if agreed != j.action_plan_on:
            j.action_plan_on = agreed
            self._tally()

    def activity(self, step: Step) -> None:
        self._count(step.event_id, "activities_delivered", step.on, organisation_id=step.by,
                    subcontract_id=step.subcontract_id)

    def job_started(self, step: Step) -> None:
        j = self.j
        self._count(step.event_id, "job_starts", step.on, organisation_id=step.by)
        first = _earliest(j.first_job_on, step.on)
        if first != j.first_job_on:
            j.first_job_on = first
            self._tally()

    def exited(self, step: Step) -> None:
        j = self.j
        self._count(step.event_id, "exits", step.on, organisation_id=step.by)
        if j.exited_on is None:
            j.exited_on, j.exit_kind = step.on, step.detail
            self._tally()

    # Claims' events

    def claim_submitted(self, step: Step) -> None:
        j, on, kind = self.j, step.on, step.detail
        if kind == "job_outcome":
            self._count(step.event_id, JOB_OUTCOMES, on, claim_id=step.claim_id)
            first = _earliest(j.job_outcome_on, on)
            if first != j.job_outcome_on:
                j.job_outcome_on = first
                self._tally()
        elif kind == "sustained_job_outcome" or step.number == 1:
            self._count(step.event_id, SUSTAINED_JOB_OUTCOMES, on, claim_id=step.claim_id)

    def claim_rejected(self, step: Step) -> None:
        j, claim_id = self.j, step.claim_id
        gone = [row for row in self.live if row[11] == claim_id]
        if not gone:
            return
        self.live = [row for row in self.live if row[11] != claim_id]
        monthly = self.figures.monthly
        for row in gone:
            key = (j.contract_id, row[6], row[7], row[10], row[1])
            monthly[key] -= 1
        if any(row[1] == JOB_OUTCOMES for row in gone):
            remaining = [str(row[8]) for row in self.live if row[1] == JOB_OUTCOMES]
            j.job_outcome_on = date.fromisoformat(min(remaining)) if remaining else None
            self._tally()

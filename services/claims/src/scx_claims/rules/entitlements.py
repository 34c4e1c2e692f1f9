"""Eligibility from the journey: what the recorded weeks make payable, from when, resting on which weeks.

What the words mean here, from the data claims keeps:

- **A week** is a Monday-to-Sunday week named by its Monday. Its hours are the hours reported for it at their
  latest revision, **added up over the claimant's jobs** (two jobs of 10 and 6 hours are a week of 16). Weeks
  before the week of the case's start do not count; a week nobody reported is a week with no hours.
- **A week in work** for an outcome is a week whose hours reach the tariff's `week_min_hundredths`: for PL
  Pathways, **entering paid work of at least 8 hours a week is the first reported week of 8 hours or more**
  (7.99 is not 8); for the Work Programme any hours at all.
- An outcome is **payable from the Monday after the week that earns it** (the week has to end, and be reported).
  An attachment fee is payable from the start.
- The **nth week in work** counts weeks in work over the whole journey: a job end and a restart carry the count on.
  A sustained job outcome instead looks at a window (13 weeks of 16 hours or more within 26 consecutive weeks,
  the window ending with the week that earns it) and is never payable before the job outcome.
- **Which version decides**: on each day the version of the contract's tariff in force that day decides; an
  entitlement is payable from the first day on which the version then in force makes it payable, and is priced
  by that version. A version taking effect later never reprices it.
- **Nothing is payable that the weeks do not support**, nor anything priced at nil (a fourth-year attachment fee),
  nor an outcome priced from a profile that has no outcomes in it.

`reconcile` turns a fresh assessment into changes to the entitlements already recorded: new ones are added; one
still payable and still supported keeps its amount and version (only its payable date and evidence follow the
journey); one the journey no longer supports is withdrawn if still only payable; one claimed, approved or paid is
never touched here, and is left to validation and recovery; a withdrawn one supported again is payable again, priced
afresh.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from scx_claims.models.entitlements import Entitlement
from scx_claims.rules.tariffs import (
    TariffBody,
    TariffVersion,
    contract_year,
    share_per_outcome,
    windows,
)

WEEK = timedelta(weeks=1)
PAYABLE = "payable"
WITHDRAWN = "withdrawn"


@dataclass(frozen=True)
class Week:
    week_commencing: date
    hundredths: int  # hours x 100, every job's added up


@dataclass(frozen=True)
class ContractTerms:
    """What the prices depend on: the contract's start and value, and its first profile revision's outcomes."""

    start_date: date
    value_pence: int | None
    profiled_job_outcomes: int
    profiled_sustained_job_outcomes: int


@dataclass(frozen=True)
class Payable:
    kind: str
    sequence: int
    amount_pence: int
    tariff_model: str
    tariff_version: int
    payable_from: date
    evidence_weeks: tuple[date, ...]


@dataclass(frozen=True)
class Earned:
    """What one version's rules make of the journey, before the version's days in force are considered."""

    on: date
    amount_pence: int
    evidence: tuple[date, ...]


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weeks_worked(reports: Iterable[tuple[date, int]], started_on: date) -> list[Week]:
    """The journey's weeks from each job's reported weeks (week, hundredths) at their latest revision: hours of the
    same week added up over jobs, weeks before the week of the start left out, in week order."""
    hours: dict[date, int] = defaultdict(int)
    first = monday_of(started_on)
    for week, hundredths in reports:
        if week >= first:
            hours[week] += hundredths
    return [Week(w, h) for w, h in sorted(hours.items())]


def _nth_week_at(weeks: list[Week], minimum: int, n: int) -> tuple[date, ...] | None:
    """The first n weeks of at least `minimum`, if there are n."""
    found = tuple(w.week_commencing for w in weeks if w.hundredths >= minimum)
    return found[:n] if len(found) >= n else None


def _sustained_window(weeks: list[Week], minimum: int, needed: int, within: int) -> tuple[date, ...] | None:
    """The first time `needed` weeks of at least `minimum` fall within `within` consecutive weeks: those weeks."""
    qualifying = [w.week_commencing for w in weeks if w.hundredths >= minimum]
    for last in qualifying:
        window = tuple(q for q in qualifying if last - (within - 1) * WEEK <= q <= last)
        if len(window) >= needed:
            return window
    return None


def _under(
    body: TariffBody, *, started_on: date, payment_group: int, weeks: list[Week], terms: ContractTerms
) -> dict[tuple[str, int], Earned]:
    """What one tariff version's rules and prices make payable, each with the day it is earned."""
    earned: dict[tuple[str, int], Earned] = {}
    group = body.group(payment_group)
    if group is not None and group.attachment_fee_by_year_pence:
        year = contract_year(terms.start_date, started_on)
        fees = group.attachment_fee_by_year_pence
        if year <= len(fees) and fees[year - 1] > 0:
            earned[("attachment_fee", 1)] = Earned(started_on, fees[year - 1], ())
    job = body.job_outcome
    if job is None:
        return earned
    needed = group.job_outcome_after_weeks if group and group.job_outcome_after_weeks else job.weeks_in_work
    price = _price(job.share_of_value_basis_points, terms.profiled_job_outcomes, terms,
                   group.job_outcome_pence if group else None)
    at = _nth_week_at(weeks, job.week_min_hundredths, needed)
    if at is None:
        return earned
    if not price:
        return earned  # an outcome priced at nil, or from a profile with none, is not payable, nor what follows it
    job_on = at[-1] + WEEK
    earned[("job_outcome", 1)] = Earned(job_on, price, at)
    if (sustained := body.sustained_job_outcome) is not None:
        window = _sustained_window(weeks, sustained.week_min_hundredths, sustained.weeks, sustained.within_weeks)
        price = _price(sustained.share_of_value_basis_points, terms.profiled_sustained_job_outcomes, terms, None)
        if window is not None and price:
            earned[("sustained_job_outcome", 1)] = Earned(max(window[-1] + WEEK, job_on), price, window)
    if body.sustainment is not None and group is not None and group.sustainment_pence:
        every = body.sustainment.every_weeks_in_work
        payments = (group.sustainment_cap_pence or 0) // group.sustainment_pence
        in_work = [w.week_commencing for w in weeks if w.hundredths >= job.week_min_hundredths]
        for n in range(1, payments + 1):
            last = needed + every * n
            if len(in_work) < last:
                break
            evidence = tuple(in_work[last - every:last])
            earned[("sustainment_payment", n)] = Earned(evidence[-1] + WEEK, group.sustainment_pence, evidence)
    return earned


def _price(basis_points: int | None, profiled: int, terms: ContractTerms, per_group: int | None) -> int | None:
    if basis_points is None:
        return per_group
    if terms.value_pence is None:
        return None
    return share_per_outcome(terms.value_pence, basis_points, profiled)


def assess(
    *, started_on: date, payment_group: int, weeks: list[Week], terms: ContractTerms, versions: list[TariffVersion]
) -> list[Payable]:
    """Everything the journey makes payable under the contract's tariff, in the order it became payable."""
    best: dict[tuple[str, int], Payable] = {}
    for version, until in windows(versions):
        earned = _under(version.body, started_on=started_on, payment_group=payment_group, weeks=weeks, terms=terms)
        for (kind, sequence), it in earned.items():
            payable_from = max(it.on, version.effective_from)
            if until is not None and payable_from >= until:
                continue  # the version was no longer in force by then
            current = best.get((kind, sequence))
            if current is None or payable_from < current.payable_from:
                best[(kind, sequence)] = Payable(
                    kind=kind, sequence=sequence, amount_pence=it.amount_pence, tariff_model=version.model,
                    tariff_version=version.version, payable_from=payable_from, evidence_weeks=it.evidence,
                )
    return sorted(best.values(), key=lambda p: (p.payable_from, p.kind, p.sequence))


@dataclass(frozen=True)
class Changes:
    added: list[Payable]
    updated: list[Entitlement]
    withdrawn: list[Entitlement]

    def __bool__(self) -> bool:
        return bool(self.added or self.updated or self.withdrawn)


def evidence_of(payable: Payable) -> list[str]:
    return [w.isoformat() for w in payable.evidence_weeks]


def reconcile(existing: list[Entitlement], wanted: list[Payable], *, now: datetime) -> Changes:
    """The changes that bring the recorded entitlements in line with a fresh assessment (see the module's words)."""
    have = {(e.kind, e.sequence): e for e in existing}
    want = {(p.kind, p.sequence): p for p in wanted}
    added = [p for key, p in want.items() if key not in have]
    updated: list[Entitlement] = []
    withdrawn: list[Entitlement] = []
    for key, entitlement in have.items():
        payable = want.get(key)
        if payable is None:
            if entitlement.status == PAYABLE:
                withdrawn.append(replace(entitlement, status=WITHDRAWN, computed_at=now))
        elif entitlement.status == WITHDRAWN:
            updated.append(replace(
                entitlement, status=PAYABLE, amount_pence=payable.amount_pence, tariff_model=payable.tariff_model,
                tariff_version=payable.tariff_version, payable_from=payable.payable_from,
                evidence_weeks=evidence_of(payable), computed_at=now,
            ))
        elif entitlement.status == PAYABLE and (
            entitlement.payable_from != payable.payable_from or entitlement.evidence_weeks != evidence_of(payable)
        ):
            updated.append(replace(
                entitlement, payable_from=payable.payable_from, evidence_weeks=evidence_of(payable), computed_at=now,
            ))
    return Changes(added, updated, withdrawn)

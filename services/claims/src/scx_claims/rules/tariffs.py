"""Tariffs as data: what a payment model pays for, how much, and on which thresholds, as one versioned body that the
eligibility rules read. No payment model is a branch in the code; the same primitives, with other numbers, make
PL Pathways (`pathways-30-50-20`) and the Work Programme (`work-programme-2011`).

A body has optional sections, each a kind of payable thing:

- `service_fee`: a share of the contract's value (basis points, 1/100 of a %) in equal monthly instalments over the
  contract's months, paid without a claim.
- `groups[].attachment_fee_by_year_pence`: an attachment fee per start, by payment group and contract year (year 1
  is the first twelve months from the contract's start); past the list's end it is nil, and a nil fee is not payable.
- `job_outcome`: earned at the claimant's nth *week in work* (n = `weeks_in_work`, or the group's
  `job_outcome_after_weeks`), a week in work being a reported week whose hours, all jobs added up, reach
  `week_min_hundredths`; priced per group (`job_outcome_pence`) or as a share of the value ÷ the profiled job
  outcomes.
- `sustained_job_outcome`: earned once `weeks` weeks of at least `week_min_hundredths` fall within `within_weeks`
  consecutive weeks, after the job outcome; priced as a share of the value ÷ the profiled sustained outcomes.
- `sustainment`: a payment for each further `every_weeks_in_work` weeks in work after the job outcome, of the
  group's `sustainment_pence`, up to its `sustainment_cap_pence` (which must be a whole number of payments).
- `assumptions`: the figures that are not published but chosen, each named by its path (`groups.6.job_outcome_pence`,
  `sustainment.every_weeks_in_work`) with why: editable by a new version, and shown with the tariff.

Rounding, the same everywhere: a share of the value is rounded down to the whole penny (DWP never pays a fraction
of one, and never more than the share); the service fee's instalments are that total divided by the months,
rounded down, and the pennies left over go one each to the earliest months, so they sum to the total exactly; a
share-priced outcome is the share ÷ the profiled outcomes of the contract's first profile revision (the profile
agreed at award, never a revision), rounded down once.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from pydantic import Field, Strict

from scx_contracts.bounds import Name, Note, PaymentGroup, Pence
from scx_servicekit.strict import RequestModel

BASIS_POINTS = 10_000  # 100%
PAYMENT_GROUPS = range(1, 10)

BasisPoints = Annotated[int, Strict(), Field(ge=1, le=BASIS_POINTS, description="1/100 of a per cent: 3000 is 30%")]
Hundredths = Annotated[int, Strict(), Field(ge=1, le=16_800, description="hours a week x 100: 800 is 8 hours")]
Weeks = Annotated[int, Strict(), Field(ge=1, le=520)]
FIGURE_PATTERN = r"^[a-z_]{3,40}(\.[1-9])?\.[a-z_]{3,40}$"
Figure = Annotated[str, Strict(), Field(
    max_length=90, pattern=FIGURE_PATTERN,
    description="a figure's path: groups.6.job_outcome_pence, job_outcome.weeks_in_work",
)]


class ServiceFee(RequestModel):
    share_of_value_basis_points: BasisPoints


class JobOutcomeRule(RequestModel):
    week_min_hundredths: Hundredths = Field(description="the hours (x 100) that make a reported week a week in work")
    weeks_in_work: Weeks = Field(default=1, description="the week in work that earns it, unless the group says")
    share_of_value_basis_points: BasisPoints | None = Field(
        default=None, description="priced as this share of the value ÷ the profiled job outcomes; else per group"
    )


class SustainedJobOutcomeRule(RequestModel):
    week_min_hundredths: Hundredths
    weeks: Weeks
    within_weeks: Weeks
    share_of_value_basis_points: BasisPoints


class SustainmentRule(RequestModel):
    every_weeks_in_work: Weeks


class GroupPrices(RequestModel):
    payment_group: PaymentGroup
    attachment_fee_by_year_pence: list[Pence] = Field(default_factory=list, max_length=10)
    job_outcome_after_weeks: Weeks | None = None
    job_outcome_pence: Pence | None = None
    sustainment_pence: Pence | None = None
    sustainment_cap_pence: Pence | None = None


class Assumption(RequestModel):
    figure: Figure
    note: Note


class TariffBody(RequestModel):
    """One version of a payment model: its fee kinds, prices per payment group, thresholds, schedule, and which
    figures are assumptions."""

    title: Name
    service_fee: ServiceFee | None = None
    job_outcome: JobOutcomeRule | None = None
    sustained_job_outcome: SustainedJobOutcomeRule | None = None
    sustainment: SustainmentRule | None = None
    groups: list[GroupPrices] = Field(default_factory=list, max_length=9)
    assumptions: list[Assumption] = Field(default_factory=list, max_length=200)

    def group(self, payment_group: int) -> GroupPrices | None:
        return next((g for g in self.groups if g.payment_group == payment_group), None)


@dataclass(frozen=True)
class TariffVersion:
    """A tariff version as the rules use it."""

    model: str
    version: int
    effective_from: date
    body: TariffBody


def digest(body: TariffBody) -> str:
    """SHA-256 of the body's canonical JSON (sorted keys, no spaces): what a payment run freezes."""
    canonical = json.dumps(body.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _figure(body: TariffBody, path: str) -> Any:
    parts = path.split(".")
    if parts[0] == "groups" and len(parts) == 3:
        group = body.group(int(parts[1]))
        return getattr(group, parts[2], None) if group is not None else None
    section = getattr(body, parts[0], None) if len(parts) == 2 else None
    return getattr(section, parts[1], None) if section is not None else None


def faults(body: TariffBody) -> list[tuple[str, str]]:
    """What makes a well-formed body unusable, as (field path within the body, why); none when it can be used."""
    found: list[tuple[str, str]] = []
    seen: set[int] = set()
    for i, group in enumerate(body.groups):
        if group.payment_group in seen:
            found.append((f"groups.{i}.payment_group", "each payment group is priced once"))
        seen.add(group.payment_group)
    if not (body.service_fee or body.job_outcome or any(g.attachment_fee_by_year_pence for g in body.groups)):
        found.append(("service_fee", "a tariff pays for something: a service fee, attachment fees or outcomes"))
    found += _outcome_faults(body)
    shares = [s.share_of_value_basis_points for s in (body.service_fee, body.job_outcome, body.sustained_job_outcome)
              if s is not None and s.share_of_value_basis_points is not None]
    if sum(shares) > BASIS_POINTS:
        found.append(("service_fee.share_of_value_basis_points", "the shares of the value add up to more than 100%"))
    for i, assumption in enumerate(body.assumptions):
        if _figure(body, assumption.figure) is None:
            found.append((f"assumptions.{i}.figure", f"{assumption.figure} is not a figure of this tariff"))
    return found


def _outcome_faults(body: TariffBody) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    job, sustained, sustainment = body.job_outcome, body.sustained_job_outcome, body.sustainment
    if (sustained or sustainment) and job is None:
        found.append(("job_outcome", "sustained outcomes and sustainment payments follow a job outcome"))
    if sustained is not None and sustained.weeks > sustained.within_weeks:
        found.append(("sustained_job_outcome.weeks", "cannot be more than within_weeks"))
    priced_per_group = job is not None and job.share_of_value_basis_points is None
    for payment_group in PAYMENT_GROUPS:
        group = body.group(payment_group)
        where = f"groups.{body.groups.index(group)}" if group is not None else "groups"
        if priced_per_group and (group is None or group.job_outcome_pence is None):
            found.append((f"{where}.job_outcome_pence" if group else where,
                          f"payment group {payment_group} needs job_outcome_pence (the job outcome is priced per "
                          "group)"))
        if sustainment is None:
            continue
        if group is None or not group.sustainment_pence or group.sustainment_cap_pence is None:
            found.append((where, f"payment group {payment_group} needs sustainment_pence (above nil) and "
                                 "sustainment_cap_pence"))
        elif group.sustainment_cap_pence % group.sustainment_pence:
            found.append((f"{where}.sustainment_cap_pence",
                          "must be a whole number of sustainment payments (a multiple of sustainment_pence)"))
    return found


# The arithmetic of money


def share_of(value_pence: int, basis_points: int) -> int:
    """A share of a value, rounded down to the whole penny."""
    return value_pence * basis_points // BASIS_POINTS


def share_per_outcome(value_pence: int, basis_points: int, profiled: int) -> int | None:
    """A share of the value ÷ the profiled outcomes, rounded down once; None when nothing was profiled."""
    if profiled <= 0:
        return None
    return value_pence * basis_points // (BASIS_POINTS * profiled)


def contract_months(start: date, end: date) -> list[str]:
    """The calendar months a contract runs in, from its start's month to its end's, each as YYYY-MM (a contract
    that starts or ends mid-month still has that month's instalment)."""
    first, last = start.year * 12 + start.month - 1, end.year * 12 + end.month - 1
    return [f"{m // 12:04d}-{m % 12 + 1:02d}" for m in range(first, last + 1)]


def instalments(total_pence: int, months: list[str]) -> list[tuple[str, int]]:
    """`total_pence` in equal monthly instalments, rounded down, the remaining pennies one each to the earliest
    months: they sum to the total exactly, and no two differ by more than a penny."""
    if not months:
        return []
    base, remainder = divmod(total_pence, len(months))
    return [(month, base + (1 if i < remainder else 0)) for i, month in enumerate(months)]


def contract_year(contract_start: date, on: date) -> int:
    """The contract year a day falls in: 1 for the twelve months from the contract's start, then 2, 3 ... (a day
    before the start counts as year 1)."""
    years = on.year - contract_start.year - ((on.month, on.day) < (contract_start.month, contract_start.day))
    return max(years, 0) + 1


def in_force(versions: list[TariffVersion], on: date) -> TariffVersion | None:
    """The version in force on a day: the latest to take effect on or before it."""
    earlier = [v for v in versions if v.effective_from <= on]
    return max(earlier, key=lambda v: v.effective_from) if earlier else None


def windows(versions: list[TariffVersion]) -> list[tuple[TariffVersion, date | None]]:
    """Each version with the day the next takes effect (None for the last): the days it is in force."""
    ordered = sorted(versions, key=lambda v: (v.effective_from, v.version))
    return [(v, ordered[i + 1].effective_from if i + 1 < len(ordered) else None) for i, v in enumerate(ordered)]

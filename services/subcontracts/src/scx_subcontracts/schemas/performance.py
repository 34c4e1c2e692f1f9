"""The shapes of the performance reports (ADR 0023) and of the minimum performance levels DWP sets.

Percentages are decimal strings to two places (`87.50`, `-12.00`), rounded half up, so that they are exact and the
same in JSON and CSV; a percentage that would divide by zero is null. A target (profile) that is missing is null
too, never 0: a month with no profile is not a month with a target of nothing.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, Strict, StringConstraints, field_validator

from scx_contracts.bounds import PAYMENT_GROUPS, BasisPoints
from scx_servicekit.strict import Month, PaymentGroup, RequestModel

# A report's month or quarter, from year 1000: its cohorts' dates need a real year either side.
ReportMonth = Annotated[str, Strict(), StringConstraints(max_length=7, pattern=r"^[1-9][0-9]{3}-(0[1-9]|1[0-2])$")]
Quarter = Annotated[str, StringConstraints(max_length=7, pattern=r"^[1-9][0-9]{3}-Q[1-4]$")]
Percentage = Annotated[str, Field(pattern=r"^-?[0-9]+\.[0-9]{2}$", examples=["87.50"])]
Status = Literal["met", "below", "open", "no_level"]


# Performance against profiles


class AgainstProfile(BaseModel):
    """The actual against one revision of the profile."""

    profile: int = Field(description="the target")
    difference: int = Field(description="actual less target")
    percent_of_profile: Percentage | None = Field(description="actual as a percentage of the target; null if it is 0")


class RunningTotal(BaseModel):
    """From the contract's first month to this one."""

    actual: int
    original: AgainstProfile | None = Field(description="null when no month so far has an original target")
    latest: AgainstProfile | None = Field(description="null when no month so far has a target in the latest revision")


class FigureMonth(BaseModel):
    actual: int
    original: AgainstProfile | None = Field(description="null: the original profile has no target for this month")
    latest: AgainstProfile | None = Field(description="null: the latest revision has no target for this month")
    change: int | None = Field(description="month on month: this month's actual less the month before's; null for "
                                           "the contract's first month")
    change_percent: Percentage | None = Field(description="the change as a percentage of the month before's actual")
    running: RunningTotal


class PerformanceMonth(BaseModel):
    month: str
    ended: bool = Field(description="false for the current month (its actuals so far) and months to come")
    job_outcomes: FigureMonth
    sustained_job_outcomes: FigureMonth
    work_focused_interviews: FigureMonth


class FigureTotal(BaseModel):
    """Over the months of the report: every month's actual, against the targets of the months that have one."""

    actual: int
    original: AgainstProfile | None
    latest: AgainstProfile | None


class PerformanceTotals(BaseModel):
    job_outcomes: FigureTotal
    sustained_job_outcomes: FigureTotal
    work_focused_interviews: FigureTotal


class PerformanceOut(BaseModel):
    """A contract's job outcomes, sustained job outcomes and Work Focused Interviews, month by month, against the
    original profile (revision 1) and the latest revision."""

    contract_id: str
    prime_id: str
    contract_package_area: str
    from_month: str
    to_month: str
    as_of: date = Field(description="the day the report was made (UTC): the current month's actuals are so far")
    original_revision: int | None = Field(description="1, or null when the contract has no profile")
    latest_revision: int | None = Field(description="the latest revision of the profile; null when it has none")
    months_without_original_profile: list[str]
    months_without_latest_profile: list[str]
    months: list[PerformanceMonth]
    totals: PerformanceTotals


# Conversion


class ConversionRate(BaseModel):
    starts: int
    job_outcomes: int = Field(description="the job outcomes of those starts, to date")
    rate_percent: Percentage | None = Field(description="job outcomes as a percentage of starts; null if none started")


class ConversionCohort(ConversionRate):
    month: str = Field(description="the month of the cohort's starts")
    months_to_date: int = Field(description="calendar months the cohort has had, its own counted: this month's "
                                            "cohort has had 1, a cohort still to come 0")


class ConversionOut(BaseModel):
    """Conversion rate (starts → job outcomes) by monthly start cohort."""

    contract_id: str
    from_month: str
    to_month: str
    as_of: date
    cohorts: list[ConversionCohort]
    total: ConversionRate


# Minimum performance levels


class MinimumPerformanceCohort(BaseModel):
    month: str = Field(description="the month of the cohort's referrals")
    payment_group: int
    referred: int
    job_outcomes_within_12_months: int
    share_percent: Percentage
    level_basis_points: int | None = Field(description="the level in force for this cohort; null if none is set")
    level_percent: Percentage | None
    level_revision: int | None = Field(description="the setting the level comes from")
    status: Status = Field(description="met: the share has reached the level; below: the cohort has closed short "
                                       "of it; open: not yet reached, and the cohort can still reach it; no_level")
    closes_on: date | None = Field(description="the last day an outcome counts for the cohort (a year after its "
                                               "month's last day); null beyond the calendar")


class MinimumPerformanceStanding(BaseModel):
    """How many of the cohorts (month and payment group) have each status."""

    met: int
    below: int
    open: int
    no_level: int


class MinimumPerformanceOut(BaseModel):
    """The share of each monthly referral cohort, per payment group, with a job outcome within 12 months of
    referral, against the level DWP set; a row for each cohort that has referrals."""

    contract_id: str
    from_month: str
    to_month: str
    as_of: date
    cohorts: list[MinimumPerformanceCohort]
    standing: MinimumPerformanceStanding


class LevelIn(RequestModel):
    payment_group: PaymentGroup
    level_basis_points: BasisPoints


class SetMinimumPerformanceLevels(RequestModel):
    applies_from: Month | None = Field(
        default=None, description="the first referral cohort (YYYY-MM) the levels apply to; default: the contract's "
                                  "first month"
    )
    levels: list[LevelIn] = Field(min_length=1, max_length=PAYMENT_GROUPS)

    @field_validator("levels")
    @classmethod
    def _one_per_group(cls, levels: list[LevelIn]) -> list[LevelIn]:
        groups = [level.payment_group for level in levels]
        if len(groups) != len(set(groups)):
            raise ValueError("each payment group may appear once")
        return sorted(levels, key=lambda level: level.payment_group)


class LevelOut(BaseModel):
    payment_group: int
    level_basis_points: int
    level_percent: Percentage


class LevelSetOut(BaseModel):
    revision: int
    applies_from: str
    set_at: datetime
    set_by: str
    levels: list[LevelOut]


class MinimumPerformanceLevelsOut(BaseModel):
    """Every setting of the contract's levels, oldest first. For a payment group and referral cohort, the level in
    force is that of the latest setting naming the group that applies from the cohort's month or before."""

    contract_id: str
    sets: list[LevelSetOut]


# The primes of one contract package area


class AreaFigure(BaseModel):
    actual: int
    latest: AgainstProfile | None = Field(description="against the latest revision's targets of the months that have "
                                                      "one; null when none has")


class PrimeInArea(BaseModel):
    prime_id: str
    contract_id: str
    latest_revision: int | None
    job_outcomes: AreaFigure
    sustained_job_outcomes: AreaFigure
    work_focused_interviews: AreaFigure
    conversion: ConversionRate = Field(description="of the start cohorts of the months")
    minimum_performance: MinimumPerformanceStanding = Field(description="of the referral cohorts of the months")


class AreaPerformanceOut(BaseModel):
    """The primes of one contract package area side by side, one row per contract, by prime."""

    contract_package_area: str
    from_month: str
    to_month: str
    as_of: date
    primes: list[PrimeInArea]


# The quarterly Provider Performance Review pack


class PerformanceReviewOut(BaseModel):
    """The quarter's three months: performance against profile with month-on-month change, conversion by start
    cohort, and the minimum performance levels of the quarter's referral cohorts and of those whose 12 months close
    in the quarter (referred twelve months earlier)."""

    contract_id: str
    prime_id: str
    contract_package_area: str
    quarter: str = Field(description="a calendar quarter, YYYY-Qn: Q1 is January to March")
    months: list[str]
    as_of: date
    performance: PerformanceOut
    conversion: ConversionOut
    minimum_performance: MinimumPerformanceOut
    minimum_performance_closing: MinimumPerformanceOut

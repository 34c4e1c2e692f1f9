"""Performance against profiles as pure functions of the tallies and the registry (ADR 0023): months, percentages,
and the reports a contract manager reads.

- **Actuals** are the history's monthly tallies, by the month the thing happened: job outcomes and sustained job
  outcomes on the day they became payable (as claimed and not rejected), WFIs on the day they were attended.
- **Against a profile**: the difference is actual less target, and the percentage the actual's share of the
  target. A month the revision has no target for has no comparison at all (null), never 0%; a target of 0 has a
  difference but no percentage. The original profile is revision 1, the latest the contract's current revision.
- **Month on month**: this month's actual less the month before's, and that as a percentage of the month before's;
  none for the contract's first month. **Running totals** run from the contract's first month.
- **Conversion**: the job outcomes of a monthly start cohort (its journeys with a job outcome to date) as a
  percentage of its starts.
- **Minimum performance**: for each referral cohort (month of referral) and payment group, the journeys with a job
  outcome within 12 months of referral as a share of those referred, against the level in force for that cohort and
  group: that of the latest setting naming the group that applies from the cohort's month or before. `met` when the
  share has reached the level (in integers: `within * 10,000 >= level in basis points * referred`); otherwise
  `open` until the cohort closes (a year after its month's last day, when its last referral's 12 months are up),
  then `below`; `no_level` when none is in force.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from scx_contracts.bounds import MAX_PROFILE_MONTHS
from scx_subcontracts.models.performance import Level, LevelSet
from scx_subcontracts.models.registry import Contract, ProfileMonth
from scx_subcontracts.rules.history import a_year_on, month_of
from scx_subcontracts.schemas.performance import (
    AgainstProfile,
    AreaFigure,
    ConversionCohort,
    ConversionOut,
    ConversionRate,
    FigureMonth,
    FigureTotal,
    LevelOut,
    LevelSetOut,
    MinimumPerformanceCohort,
    MinimumPerformanceLevelsOut,
    MinimumPerformanceOut,
    MinimumPerformanceStanding,
    PerformanceMonth,
    PerformanceOut,
    PerformanceTotals,
    PrimeInArea,
    RunningTotal,
    Status,
)

# The report's figures, each the profile's column of the same name, and the monthly tallies' figure it is counted as.
FIGURES: dict[str, str] = {
    "job_outcomes": "job_outcomes",
    "sustained_job_outcomes": "sustained_job_outcomes",
    "work_focused_interviews": "wfis_delivered",
}
MAX_MONTHS = MAX_PROFILE_MONTHS  # a report's range, as long as the longest profile
START_MEASURES = ("started", "job_outcome")
REFERRAL_MEASURES = ("referred", "job_outcome_within_12_months")
BASIS_POINTS = 10_000
FIRST_REPORT_MONTH, LAST_REPORT_MONTH = 1000 * 12, 9999 * 12 + 11  # 1000-01 and 9999-12, by `month_number`
_CENT = Decimal("0.01")


# Months, as YYYY-MM text (which sorts as the months do)


def month_number(month: str) -> int:
    return int(month[:4]) * 12 + int(month[5:7]) - 1


def month_at(number: int) -> str:
    year, month = divmod(number, 12)
    return f"{year:04d}-{month + 1:02d}"


def shift(month: str, by: int) -> str:
    return month_at(month_number(month) + by)


def shift_within(month: str, by: int) -> str:
    """As `shift`, but kept within the months a report covers (`ReportMonth`): 1000-01 to 9999-12."""
    return month_at(min(max(month_number(month) + by, FIRST_REPORT_MONTH), LAST_REPORT_MONTH))


def months_from(first: str, last: str) -> list[str]:
    return [month_at(n) for n in range(month_number(first), month_number(last) + 1)]


def span(first: str, last: str) -> int:
    """How many months from `first` to `last`, both counted."""
    return month_number(last) - month_number(first) + 1


def contract_months(contract: Contract) -> tuple[str, str]:
    return month_of(contract.start_date), month_of(contract.end_date)


@dataclass(frozen=True, slots=True)
class AskedMonths:
    """The months a report was asked for; either end may be left to its default."""

    first: str | None = None
    last: str | None = None


def months_so_far(contract: Contract, as_of: date) -> tuple[str, str]:
    """The contract's first month to the current one (or its last, if it has ended), at most MAX_MONTHS of them:
    a contract yet to start has its first month."""
    first, end = contract_months(contract)
    last = max(first, min(month_of(as_of), end))
    return max(first, shift(last, 1 - MAX_MONTHS)), last


def months_asked(contract: Contract, asked: AskedMonths, as_of: date) -> tuple[str, str]:
    """The report's months: those asked for, each end by default the months so far's; a range given by one end
    only is kept to MAX_MONTHS, and to the months a report covers."""
    default_first, default_last = months_so_far(contract, as_of)
    if asked.first and asked.last:
        return asked.first, asked.last
    if asked.first:
        return asked.first, min(max(default_last, asked.first), shift_within(asked.first, MAX_MONTHS - 1))
    if asked.last:
        return max(contract_months(contract)[0], shift_within(asked.last, 1 - MAX_MONTHS)), asked.last
    return default_first, default_last


def area_months(contracts: Sequence[Contract], asked: AskedMonths, as_of: date) -> tuple[str, str]:
    """An area's months: those asked for, by default from the earliest of its contracts' first months to the current
    month, at most MAX_MONTHS of them (and within the months a report covers)."""
    if asked.first and asked.last:
        return asked.first, asked.last
    if asked.first:
        return asked.first, min(max(month_of(as_of), asked.first), shift_within(asked.first, MAX_MONTHS - 1))
    last = asked.last or month_of(as_of)
    earliest = min(contract_months(c)[0] for c in contracts)
    return min(max(earliest, shift_within(last, 1 - MAX_MONTHS)), last), last


def closes_on(cohort_month: str) -> date | None:
    """The last day a job outcome counts for a referral cohort: a year after its month's last day. None beyond the
    calendar (a cohort of 9999)."""
    year, month = int(cohort_month[:4]), int(cohort_month[5:7])
    try:
        return a_year_on(date(year, month, calendar.monthrange(year, month)[1]))
    except ValueError:
        return None


def percent(numerator: int, denominator: int) -> str | None:
    """`numerator` as a percentage of `denominator`, to two places rounded half up; None for a denominator of 0."""
    if denominator == 0:
        return None
    value = (Decimal(numerator) * 100 / Decimal(denominator)).quantize(_CENT, rounding=ROUND_HALF_UP)
    return f"{value if value else Decimal('0.00')}"


def basis_points_percent(level: int) -> str:
    return f"{(Decimal(level) / 100).quantize(_CENT)}"


# Performance against profiles


@dataclass(frozen=True, slots=True, kw_only=True)
class Profile:
    """One revision of a contract's profile: month → figure → target."""

    revision: int
    targets: Mapping[str, Mapping[str, int]]


def profile_of(revision: int, months: Iterable[ProfileMonth]) -> Profile:
    return Profile(revision=revision, targets={
        m.month: {figure: getattr(m, figure) for figure in FIGURES} for m in months if m.revision == revision
    })


def against(actual: int, target: int | None) -> AgainstProfile | None:
    if target is None:
        return None
    return AgainstProfile(profile=target, difference=actual - target, percent_of_profile=percent(actual, target))


def _target(profile: Profile | None, month: str, figure: str) -> int | None:
    if profile is None or month not in profile.targets:
        return None
    return profile.targets[month][figure]


def _sum_targets(profile: Profile | None, months: Iterable[str], figure: str) -> int | None:
    targets = [t for month in months if (t := _target(profile, month, figure)) is not None]
    return sum(targets) if targets else None


def _plus(total: int | None, target: int | None) -> int | None:
    return total if target is None else (total or 0) + target


def performance(
    contract: Contract, first: str, last: str, *, original: Profile | None, latest: Profile | None,
    actuals: Mapping[tuple[str, str], int], as_of: date,
) -> PerformanceOut:
    """`actuals` by (month, tally figure), from the contract's first month (or `first`, if earlier) to `last`: the
    running totals start there."""
    contract_first = contract_months(contract)[0]
    current = month_of(as_of)

    def actual(month: str, figure: str) -> int:
        return actuals.get((month, FIGURES[figure]), 0)

    running = dict.fromkeys(FIGURES, 0)
    running_targets: dict[tuple[str, str], int | None] = {}
    shown: list[PerformanceMonth] = []
    for month in months_from(min(contract_first, first), last):
        figures: dict[str, FigureMonth] = {}
        for figure in FIGURES:
            now = actual(month, figure)
            running[figure] += now
            for name, profile in (("original", original), ("latest", latest)):
                running_targets[name, figure] = _plus(running_targets.get((name, figure)),
                                                      _target(profile, month, figure))
            before = actual(shift(month, -1), figure) if month > contract_first else None
            figures[figure] = FigureMonth(
                actual=now,
                original=against(now, _target(original, month, figure)),
                latest=against(now, _target(latest, month, figure)),
                change=None if before is None else now - before,
                change_percent=None if before is None else percent(now - before, before),
                running=RunningTotal(
                    actual=running[figure],
                    original=against(running[figure], running_targets["original", figure]),
                    latest=against(running[figure], running_targets["latest", figure]),
                ),
            )
        if month >= first:
            shown.append(PerformanceMonth(month=month, ended=month < current, **figures))
    months = [m.month for m in shown]
    totals = {}
    for figure in FIGURES:
        total = sum(actual(month, figure) for month in months)
        totals[figure] = FigureTotal(
            actual=total,
            original=against(total, _sum_targets(original, months, figure)),
            latest=against(total, _sum_targets(latest, months, figure)),
        )
    return PerformanceOut(
        contract_id=contract.contract_id, prime_id=contract.prime_id,
        contract_package_area=contract.contract_package_area, from_month=first, to_month=last, as_of=as_of,
        original_revision=original.revision if original else None,
        latest_revision=latest.revision if latest else None,
        months_without_original_profile=[m for m in months if original is None or m not in original.targets],
        months_without_latest_profile=[m for m in months if latest is None or m not in latest.targets],
        months=shown, totals=PerformanceTotals(**totals),
    )


# Conversion


def conversion_rate(starts: int, job_outcomes: int) -> ConversionRate:
    return ConversionRate(starts=starts, job_outcomes=job_outcomes, rate_percent=percent(job_outcomes, starts))


def conversion(
    contract_id: str, first: str, last: str, *, counts: Mapping[tuple[str, str], int], as_of: date
) -> ConversionOut:
    """`counts` of the start cohorts by (month, measure)."""
    current = month_number(month_of(as_of))
    cohorts = [
        ConversionCohort(
            month=month, months_to_date=max(0, current - month_number(month) + 1),
            **conversion_rate(counts.get((month, "started"), 0), counts.get((month, "job_outcome"), 0)).model_dump(),
        )
        for month in months_from(first, last)
    ]
    total = conversion_rate(sum(c.starts for c in cohorts), sum(c.job_outcomes for c in cohorts))
    return ConversionOut(
        contract_id=contract_id, from_month=first, to_month=last, as_of=as_of, cohorts=cohorts, total=total
    )


# Minimum performance levels


@dataclass(frozen=True, slots=True, kw_only=True)
class LevelSetting:
    """One setting of a contract's levels: payment group → basis points, for the cohorts from `applies_from`."""

    revision: int
    applies_from: str
    levels: Mapping[int, int]


def level_in_force(settings: Sequence[LevelSetting], payment_group: int, month: str) -> LevelSetting | None:
    """The latest setting naming the group that applies to the month's referral cohort."""
    applying = [s for s in settings if s.applies_from <= month and payment_group in s.levels]
    return max(applying, key=lambda s: s.revision, default=None)


def cohort_status(referred: int, within: int, level: int | None, closes: date | None, as_of: date) -> Status:
    if level is None:
        return "no_level"
    if within * BASIS_POINTS >= level * referred:
        return "met"
    return "below" if closes is not None and as_of > closes else "open"


def minimum_performance(
    contract_id: str, first: str, last: str, *, months: Sequence[str], counts: Mapping[tuple[int, str, str], int],
    settings: Sequence[LevelSetting], as_of: date,
) -> MinimumPerformanceOut:
    """`counts` of the referral cohorts by (payment group, month, measure); a row for each of `months` and payment
    group with referrals."""
    groups = sorted({group for group, _, _ in counts})
    cohorts = []
    for month in months:
        closes = closes_on(month)
        for group in groups:
            referred = counts.get((group, month, "referred"), 0)
            if referred <= 0:
                continue
            within = counts.get((group, month, "job_outcome_within_12_months"), 0)
            setting = level_in_force(settings, group, month)
            level = setting.levels[group] if setting else None
            cohorts.append(MinimumPerformanceCohort(
                month=month, payment_group=group, referred=referred, job_outcomes_within_12_months=within,
                share_percent=percent(within, referred) or "0.00",
                level_basis_points=level, level_percent=None if level is None else basis_points_percent(level),
                level_revision=setting.revision if setting else None,
                status=cohort_status(referred, within, level, closes, as_of),
                closes_on=closes,
            ))
    return MinimumPerformanceOut(
        contract_id=contract_id, from_month=first, to_month=last, as_of=as_of, cohorts=cohorts,
        standing=standing_of(cohorts),
    )


def standing_of(cohorts: Iterable[MinimumPerformanceCohort]) -> MinimumPerformanceStanding:
    statuses = [c.status for c in cohorts]
    return MinimumPerformanceStanding(
        met=statuses.count("met"), below=statuses.count("below"), open=statuses.count("open"),
        no_level=statuses.count("no_level"),
    )


def settings_of(rows: Iterable[tuple[LevelSet, Level]]) -> dict[str, list[LevelSetting]]:
    """Each contract's settings of its levels, oldest first, from their rows."""
    found: dict[tuple[str, int], tuple[str, dict[int, int]]] = {}
    for level_set, level in rows:
        found.setdefault((level_set.contract_id, level_set.revision), (level_set.applies_from, {}))[1][
            level.payment_group] = level.level_basis_points
    settings: dict[str, list[LevelSetting]] = {}
    for (contract_id, revision), (applies_from, levels) in sorted(found.items()):
        settings.setdefault(contract_id, []).append(
            LevelSetting(revision=revision, applies_from=applies_from, levels=levels)
        )
    return settings


def levels_out(contract_id: str, rows: Iterable[tuple[LevelSet, Level]]) -> MinimumPerformanceLevelsOut:
    sets: dict[int, LevelSetOut] = {}
    for level_set, level in rows:
        shown = sets.setdefault(level_set.revision, LevelSetOut(
            revision=level_set.revision, applies_from=level_set.applies_from, set_at=level_set.set_at,
            set_by=level_set.set_by, levels=[],
        ))
        shown.levels.append(LevelOut(
            payment_group=level.payment_group, level_basis_points=level.level_basis_points,
            level_percent=basis_points_percent(level.level_basis_points),
        ))
    return MinimumPerformanceLevelsOut(contract_id=contract_id, sets=[sets[r] for r in sorted(sets)])


# The primes of one contract package area


def prime_in_area(
    contract: Contract, months: Sequence[str], *, latest: Profile | None, actuals: Mapping[tuple[str, str], int],
    starts: ConversionRate, standing: MinimumPerformanceStanding,
) -> PrimeInArea:
    figures = {}
    for figure, counted in FIGURES.items():
        actual = sum(actuals.get((month, counted), 0) for month in months)
        figures[figure] = AreaFigure(actual=actual, latest=against(actual, _sum_targets(latest, months, figure)))
    return PrimeInArea(
        prime_id=contract.prime_id, contract_id=contract.contract_id,
        latest_revision=latest.revision if latest else None, conversion=starts, minimum_performance=standing,
        **figures,
    )

"""The quarterly Provider Performance Review pack (ADR 0023): a contract's performance reports for the three months
of a calendar quarter (`YYYY-Qn`, Q1 January to March), as JSON and as CSV. Nothing random and no clock but the
day enters it, so the same history gives the same bytes, asked again the same day.

The CSV is one table, a row per line of the pack, every row with every column (RFC 4180, CRLF line ends, a header
row; an empty cell is a value that does not apply, or is null in the JSON). Its columns, and the rows they fill:

- `contract_id`, `quarter`, `section`: every row. `section` is `performance`, `conversion`, `minimum_performance`
  (the quarter's referral cohorts) or `minimum_performance_closing` (the cohorts referred a year earlier, whose 12
  months close in the quarter), in that order.
- `month`: the month (YYYY-MM), or the quarter itself (YYYY-Qn) on a row of the quarter's totals.
- `payment_group`: the minimum performance rows.
- `figure`: `performance` rows: `job_outcomes`, `sustained_job_outcomes` or `work_focused_interviews`.
- `actual`, `original_profile`, `original_difference`, `original_percent`, `latest_profile`, `latest_difference`,
  `latest_percent`: `performance` rows, the actual against the original profile and against the latest revision
  (the three of a revision empty when the month has no target in it).
- `change`, `change_percent`, `running_actual`, `running_original_profile`, `running_latest_profile`: a month's
  `performance` rows: month on month, and the running totals from the contract's first month.
- `starts`, `job_outcomes`, `rate_percent`, `months_to_date`: `conversion` rows, a start cohort each, then the
  quarter's (without months_to_date).
- `referred`, `within_12_months`, `share_percent`, `level_percent`, `status`, `closes_on`: the minimum performance
  rows, a referral cohort and payment group each.

Rows come month by month, then the quarter's total; `performance` rows by figure in the order above within a
month, minimum performance rows by month and then payment group.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from scx_subcontracts.rules.performance import shift
from scx_subcontracts.schemas.performance import (
    AgainstProfile,
    MinimumPerformanceOut,
    PerformanceReviewOut,
)

FIGURES = ("job_outcomes", "sustained_job_outcomes", "work_focused_interviews")
CSV_COLUMNS = (
    "contract_id", "quarter", "section", "month", "payment_group", "figure",
    "actual", "original_profile", "original_difference", "original_percent",
    "latest_profile", "latest_difference", "latest_percent",
    "change", "change_percent", "running_actual", "running_original_profile", "running_latest_profile",
    "starts", "job_outcomes", "rate_percent", "months_to_date",
    "referred", "within_12_months", "share_percent", "level_percent", "status", "closes_on",
)


def quarter_months(quarter: str) -> list[str]:
    year, number = int(quarter[:4]), int(quarter[6])
    return [f"{year:04d}-{month:02d}" for month in range(3 * number - 2, 3 * number + 1)]


def closing_months(months: list[str]) -> list[str]:
    """The referral cohorts whose 12 months close in these months: those of a year before."""
    return [shift(month, -12) for month in months]


def render_json(pack: PerformanceReviewOut) -> bytes:
    return pack.model_dump_json().encode()


def render_csv(pack: PerformanceReviewOut) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in _rows(pack):
        writer.writerow(
            "" if row.get(c) is None else str(row[c])
            for c in CSV_COLUMNS
        )
    return out.getvalue().encode("utf-8")


def _against(prefix: str, comparison: AgainstProfile | None) -> dict[str, Any]:
    if comparison is None:
        return {}
    return {
        f"{prefix}_profile": comparison.profile, f"{prefix}_difference": comparison.difference,
        f"{prefix}_percent": comparison.percent_of_profile,
    }


def _rows(pack: PerformanceReviewOut) -> Iterator[dict[str, Any]]:
    head = {"contract_id": pack.contract_id, "quarter": pack.quarter}
    performance = pack.performance
    for month in performance.months:
        for figure in FIGURES:
            shown = getattr(month, figure)
            yield {
                **head, "section": "performance", "month": month.month, "figure": figure, "actual": shown.actual,
                **_against("original", shown.original), **_against("latest", shown.latest),
                "change": shown.change, "change_percent": shown.change_percent,
                "running_actual": shown.running.actual,
                "running_original_profile": shown.running.original.profile if shown.running.original else None,
                "running_latest_profile": shown.running.latest.profile if shown.running.latest else None,
            }
    for figure in FIGURES:
        total = getattr(performance.totals, figure)
        yield {
            **head, "section": "performance", "month": pack.quarter, "figure": figure, "actual": total.actual,
            **_against("original", total.original), **_against("latest", total.latest),
        }
    for cohort in pack.conversion.cohorts:
        yield {
            **head, "section": "conversion", "month": cohort.month, "starts": cohort.starts,
            "job_outcomes": cohort.job_outcomes, "rate_percent": cohort.rate_percent,
            "months_to_date": cohort.months_to_date,
        }
    total_rate = pack.conversion.total
    yield {
        **head, "section": "conversion", "month": pack.quarter, "starts": total_rate.starts,
        "job_outcomes": total_rate.job_outcomes, "rate_percent": total_rate.rate_percent,
    }
    yield from _minimum_performance(head, "minimum_performance", pack.minimum_performance)
    yield from _minimum_performance(head, "minimum_performance_closing", pack.minimum_performance_closing)


def _minimum_performance(head: dict[str, Any], section: str, report: MinimumPerformanceOut) -> Iterator[dict[str, Any]]:
    for cohort in report.cohorts:
        yield {
            **head, "section": section, "month": cohort.month, "payment_group": cohort.payment_group,
            "referred": cohort.referred, "within_12_months": cohort.job_outcomes_within_12_months,
            "share_percent": cohort.share_percent, "level_percent": cohort.level_percent, "status": cohort.status,
            "closes_on": cohort.closes_on.isoformat() if cohort.closes_on else None,
        }

"""Rules of appointments and fail-to-attend notices, testable alone.

- A WFI is numbered when it is booked: the next number after the highest the case has; a rebooking keeps the
  number of the appointment it replaces. A mandatory claimant is owed five; more may be booked (up to 99).
- An appointment is settled once: attended, failed to attend, cancelled or rebooked. One that was missed or
  cancelled may still be rebooked (once), keeping its status; a booked one that is rebooked becomes `rebooked`.
- Dates are the service's dates (UTC, as `service.journey.today`); an appointment's date is its scheduled time's.
- Delays are in calendar days; the report gives their median and 90th percentile (nearest rank).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from scx_contracts.case_tracking import WFIS_OWED_TO_MANDATORY

BOOKED = "booked"
ATTENDED = "attended"
FAILED_TO_ATTEND = "failed_to_attend"
CANCELLED = "cancelled"
REBOOKED = "rebooked"
STATUSES = (BOOKED, ATTENDED, FAILED_TO_ATTEND, CANCELLED, REBOOKED)
# What may still be rebooked (once): a booked appointment, and one the claimant missed or that was cancelled.
REBOOKABLE = (BOOKED, FAILED_TO_ATTEND, CANCELLED)
MAX_WFI_NUMBER = 99


def day_of(moment: datetime) -> date:
    """The date an appointment falls on, as the service dates everything (UTC)."""
    return moment.astimezone(UTC).date()


def next_wfi_number(numbers: Iterable[int | None]) -> int:
    """The number the next WFI booked (not rebooked) takes: one more than the highest so far."""
    return max((n for n in numbers if n is not None), default=0) + 1


def wfis_owed(mandatory: bool) -> int:
    return WFIS_OWED_TO_MANDATORY if mandatory else 0


def default_mandatory(kind: str, claimant_mandatory: bool) -> bool:
    """A mandatory claimant must attend its WFIs; other appointments are mandatory only when the adviser says so."""
    return claimant_mandatory and kind == "wfi"


def days_between(earlier: date, later: date) -> int:
    return (later - earlier).days


def nearest_rank(values: Sequence[int], percent: int) -> int | None:
    """The `percent`th percentile of `values` by the nearest-rank method; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(percent / 100 * len(ordered)))
    return ordered[rank - 1]


def median(values: Sequence[int]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[middle])
    return (ordered[middle - 1] + ordered[middle]) / 2


@dataclass(frozen=True)
class DelayFigures:
    """One delay across a set of notices: how many have it, its median and 90th percentile, in days."""

    count: int
    median_days: float | None
    p90_days: int | None

    @classmethod
    def of(cls, values: Sequence[int]) -> DelayFigures:
        return cls(len(values), median(values), nearest_rank(values, 90))

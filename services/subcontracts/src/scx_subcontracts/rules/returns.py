"""What makes a weekly return postable, when it is due, and whether it is a first return or a correction.

- **Weeks** are ISO 8601 (Monday to Sunday; `YYYY-Www`). A week ends as its Sunday does in London, and a return
  can be posted only once it has. 2025-W53 does not exist (2025 has 52 weeks); 2026-W53 does.
- **Who posts**: end-to-end, specialist and SLA partners, for a week that overlaps the subcontract's live dates
  (from its start to its end, or to the day it was ended). Signposting is informal: it posts nothing.
- **Deadline**: a contract's setting says at what London time, on which day after the week ends (0: the Monday after
  it), a return is due. A version posted after that moment (one second after is late; at the second is not) is late.
  A time the clocks skip (01:30 on the last Sunday of March) is read on the offset before the change, and a time
  they repeat (01:30 on the last Sunday of October) is its first occurrence.
- **Versions**: the first post is version 1 and names no version; every later one is a correction that names the
  latest version (`corrects_version`) and gives a reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from scx_contracts.weekly_stats import DEADLINE_TIME_ZONE

LONDON = ZoneInfo(DEADLINE_TIME_ZONE)
POSTING_MODELS = ("end_to_end", "specialist", "sla")


@dataclass(frozen=True)
class ReturnError:
    """A fault in a return: the field it is in, what is wrong, and a machine-readable code. `status` 409 for a
    conflict with what is stored (a version someone else posted), 422 for the return itself."""

    field: str
    message: str
    code: str
    status: int = 422


def monday_of(iso_week: str) -> date | None:
    """The Monday of a YYYY-Www week; None when the year has no such week (2025-W53) or the year is out of range."""
    try:
        return date.fromisocalendar(int(iso_week[:4]), int(iso_week[6:8]), 1)
    except ValueError:
        return None


def sunday_of(monday: date) -> date:
    return monday + timedelta(days=6)


def iso_week_of(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}"


def week_ends_at(monday: date) -> datetime:
    """The moment the week ends: midnight in London at the start of the Monday after it, in UTC."""
    return datetime.combine(monday + timedelta(days=7), time(0, 0), tzinfo=LONDON).astimezone(UTC)


def last_ended_monday(now: datetime) -> date:
    """The Monday of the last week that has ended: the week before this one, in London."""
    today = now.astimezone(LONDON).date()
    return today - timedelta(days=today.weekday() + 7)


def has_ended(monday: date, now: datetime) -> bool:
    # Compared by date first: the week after 9999-W52 cannot be computed, and has not ended anyway.
    return monday < now.date() and now >= week_ends_at(monday)


def deadline_of(monday: date, *, days_after_week_end: int, at_local_time: str) -> datetime:
    """When the return of the week starting `monday` is due, in UTC."""
    hours, minutes = int(at_local_time[:2]), int(at_local_time[3:5])
    due_day = monday + timedelta(days=7 + days_after_week_end)
    return datetime.combine(due_day, time(hours, minutes), tzinfo=LONDON).astimezone(UTC)


def describe_deadline(*, days_after_week_end: int, at_local_time: str) -> str:
    """A setting in words: "due at 17:00 London time on the Wednesday 2 days after the week ends"."""
    weekday = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")[days_after_week_end % 7]
    if days_after_week_end == 0:
        return f"due at {at_local_time} London time on the Monday after the week"
    plural = "s" if days_after_week_end > 1 else ""
    return f"due at {at_local_time} London time on the {weekday} {days_after_week_end} day{plural} after the week ends"


def is_late(posted_at: datetime, deadline: datetime) -> bool:
    return posted_at > deadline


def overlaps(monday: date, start: date, end: date) -> bool:
    return monday <= end and sunday_of(monday) >= start


def check_week(iso_week: str, now: datetime, *, model: str, start: date, end: date) -> list[ReturnError]:
    """Whether a subcontract of `model`, live from `start` to `end`, may post for the week."""
    errors: list[ReturnError] = []
    if model not in POSTING_MODELS:
        errors.append(ReturnError(
            "subcontract_id", f"a {model} subcontract posts no weekly statistics: signposting is informal", "model"
        ))
    monday = monday_of(iso_week)
    if monday is None:
        errors.append(ReturnError("iso_week", f"there is no week {iso_week}: its year has no such week", "no_week"))
    elif not has_ended(monday, now):
        ends = week_ends_at(monday).astimezone(LONDON) if monday < date.max - timedelta(days=7) else None
        when = f" (it ends at {ends:%Y-%m-%d %H:%M} London time)" if ends else ""
        errors.append(ReturnError("iso_week", f"week {iso_week} has not ended yet{when}", "week_not_ended"))
    elif not overlaps(monday, start, end):
        errors.append(ReturnError(
            "iso_week", f"week {iso_week} is outside the subcontract's live dates {start} to {end}", "week_not_live"
        ))
    return errors


def check_version(latest: int | None, corrects_version: int | None, reason: str | None) -> list[ReturnError]:
    """Whether a post is the first return (`latest` None) or a correction of the latest version, properly named."""
    errors: list[ReturnError] = []
    if corrects_version is not None and reason is None:
        errors.append(ReturnError("reason", "a correction gives its reason", "reason_required"))
    if corrects_version is None and reason is not None:
        errors.append(ReturnError(
            "reason", "only a correction (with corrects_version) gives a reason", "no_correction"
        ))
    if latest is None and corrects_version is not None:
        errors.append(ReturnError(
            "corrects_version", "there is no return for this week to correct: post it without corrects_version",
            "nothing_to_correct", 409,
        ))
    elif latest is not None and corrects_version is None:
        errors.append(ReturnError(
            "corrects_version",
            f"this week is posted already (version {latest}): a correction names corrects_version {latest} and a "
            "reason", "already_posted", 409,
        ))
    elif latest is not None and corrects_version is not None and corrects_version != latest:
        message = (
            f"version {corrects_version} has been corrected since: the latest is version {latest}"
            if corrects_version < latest else f"there is no version {corrects_version}: the latest is version {latest}"
        )
        errors.append(ReturnError("corrects_version", message, "not_latest_version", 409))
    return errors

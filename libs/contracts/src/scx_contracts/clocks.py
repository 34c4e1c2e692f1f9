"""The journey's clocks, in working days: Monday to Friday, less the bank holidays of England and Wales. Shared by
case tracking, which keeps them per case, and the subcontracts service, whose referral flows count their breaches.

The holidays come from the maintained `holidays` library (its `GB` calendar, subdivision `ENG`: England and Wales
share their bank holidays), offline, so a new year's dates arrive with a library upgrade rather than a hand edit.

| clock | from | met by | working days |
| --- | --- | --- | --- |
| acknowledgement | the referral | the start (the prime's response to the referral) | 2 |
| first meeting | the referral | the first attended appointment of any kind | 15 |
| assessment | the start | the needs assessment attended and the action plan agreed, both | 20 |

A clock is **met** when it was done on or before its deadline, **breached** when it was done after it or is still
not done after it, and **due** while it is not done and the deadline is today or later.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache

import holidays


class Clock(StrEnum):
    ACKNOWLEDGEMENT = "acknowledgement"
    FIRST_MEETING = "first_meeting"
    ASSESSMENT = "assessment"


class ClockState(StrEnum):
    MET = "met"
    BREACHED = "breached"
    DUE = "due"


WORKING_DAYS = {Clock.ACKNOWLEDGEMENT: 2, Clock.FIRST_MEETING: 15, Clock.ASSESSMENT: 20}


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start` (`start` itself does not count, whatever day it is)."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    while days:
        day += timedelta(days=1)
        if is_working_day(day):
            days -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 when `end` is not after `start`)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += is_working_day(day)
    return count


def deadline(clock: Clock, start: date) -> date:
    return add_working_days(start, WORKING_DAYS[clock])


def state(deadline: date, done_on: date | None, today: date) -> ClockState:
    if done_on is not None:
        return ClockState.MET if done_on <= deadline else ClockState.BREACHED
    return ClockState.DUE if today <= deadline else ClockState.BREACHED

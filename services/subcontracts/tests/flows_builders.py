"""Builders for the tests of referral flows and supply-chain health: the callers' tokens, a quiet Monday to tell
clocks from, and reads of the reports through the API."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import httpx

from scx_contracts.clocks import is_working_day

from .builders import bearer, today
from .history_builders import monday_of

TPPM = bearer("jcp-leeds", "jcp", "tppm")
COUNCIL = bearer("partner-council", "partner", "manager")
LIBRARY = bearer("partner-library", "partner", "manager")  # registered, but in no one's supply chain
SOUTH = bearer("prime-south", "prime", "manager")


def quiet_monday(days_ago: int = 150) -> date:
    """A Monday well inside the contract (which started a year ago) with no bank holiday in the six weeks after it,
    so that 2 working days are two days, 15 are three weeks and 20 are four."""
    day = monday_of(today() - timedelta(days=days_ago))
    weekdays = [n for n in range(42) if n % 7 < 5]
    while not all(is_working_day(day + timedelta(days=n)) for n in weekdays):
        day -= timedelta(days=7)
    return day


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def first_day(month: str) -> date:
    return date(int(month[:4]), int(month[5:7]), 1)


def months_before(month: str, n: int) -> str:
    number = int(month[:4]) * 12 + int(month[5:7]) - 1 - n
    return f"{number // 12:04d}-{number % 12 + 1:02d}"


async def read(client: httpx.AsyncClient, path: str, headers: dict[str, str], **params: Any) -> dict[str, Any]:
    response = await client.get(path, params=params, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def stages(flow: dict[str, Any]) -> dict[str, tuple[int, float | None, float | None]]:
    """stage → (journeys, from the previous stage, from referral)."""
    return {
        s["stage"]: (s["journeys"], s["from_previous_percent"], s["from_referral_percent"]) for s in flow["stages"]
    }


def clocks(flow: dict[str, Any]) -> dict[str, tuple[int, int, int]]:
    """clock → (breached, overdue now, total)."""
    return {c["clock"]: (c["breached"], c["overdue_now"], c["total"]) for c in flow["clocks"]}


def by_organisation(breakdown: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {line["organisation_id"]: line["flow"] for line in breakdown["organisations"]}

"""Builders for the tests of performance against profiles: the history on real NATS (`history_builders`), month
arithmetic the tests state their expectations in, and a contract of fixed dates in the past, so that its referral
cohorts have closed and its quarters are the same whenever the tests run."""

from __future__ import annotations

import calendar
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest_asyncio

from scx_messaging import LocalNatsServer
from scx_testing.journeys import Referral
from scx_testing.plugin import MigratedDatabase

from .builders import ALEMBIC_INI, DWP, award, profile
from .history_builders import REFERRER, History, running_history

PAST_AREA = "Humber"
PAST_START = date(2023, 1, 1)


def today() -> date:
    return datetime.now(UTC).date()


def month(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def first_day(of: str, *, plus: int = 0) -> date:
    """The first day of the month `plus` months after `of` (YYYY-MM)."""
    n = int(of[:4]) * 12 + int(of[5:7]) - 1 + plus
    return date(n // 12, n % 12 + 1, 1)


def last_day(of: str) -> date:
    day = first_day(of)
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def months_to_date(cohort: str) -> int:
    """What a report says a start cohort has had: calendar months to this one, both counted."""
    now = today()
    return (now.year * 12 + now.month) - (int(cohort[:4]) * 12 + int(cohort[5:7])) + 1


@pytest_asyncio.fixture
async def history(migrated_database: MigratedDatabase, nats_server: LocalNatsServer) -> AsyncIterator[History]:
    """prime-north's chain (its contract from a year ago, in West Yorkshire, with a 24-month profile) on a running
    app, and publishers of the events the history is kept by."""
    async with running_history(migrated_database(ALEMBIC_INI), nats_server.url) as stack:
        await stack.build_chain()
        yield stack


async def past_contract(history: History, *, months: int = 36) -> dict[str, Any]:
    """prime-north's contract in the Humber from January 2023 to three years from now, with an original profile
    from January 2023 (job outcomes 10, 11, 12...; sustained 4; WFIs 120)."""
    contract = await award(
        history.client, "prime-north", contract_package_area=PAST_AREA, start_date=PAST_START.isoformat(),
        end_date=(today() + timedelta(days=3 * 365)).isoformat(), profile=profile(PAST_START, months=months),
    )
    return contract


async def referred(
    history: History, contract: dict[str, Any], on: date, *, payment_group: int = 6, started_on: date | None = None
) -> Referral:
    """A referral to the contract's prime (started, if `started_on` is given)."""
    referral = await history.referrals.refer(
        contract_id=contract["contract_id"], prime_id=contract["prime_id"], referrer_id=REFERRER, referral_date=on,
        payment_group=payment_group,
    )
    if started_on is not None:
        await history.referrals.start(referral, started_on)
    return referral


async def set_levels(
    history: History, contract: dict[str, Any], levels: dict[int, int], applies_from: str | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {"levels": [{"payment_group": g, "level_basis_points": p} for g, p in levels.items()]}
    if applies_from:
        body["applies_from"] = applies_from
    response = await history.client.put(
        f"/contracts/{contract['contract_id']}/minimum-performance-levels", json=body, headers=DWP
    )
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer

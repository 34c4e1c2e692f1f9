"""Builders for the employment area's tests: a case started ten weeks ago, jobs, weeks and dates around them.

Every date is relative to today, so the boundaries (this week against last week, Monday against Tuesday) hold on
whatever day the tests run."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import httpx

from scx_case_tracking.rules.employment import week_commencing
from scx_testing.journeys import Referral

from .builders import PRIME, Stack, days_ago, today

CASE_STARTED_DAYS_AGO = 70


def this_monday() -> date:
    return week_commencing(today())


def monday_weeks_ago(n: int) -> date:
    return this_monday() - timedelta(weeks=n)


def job_start_day() -> date:
    """A Wednesday eight weeks ago: after the case's start, so weeks before it and after it can be tried."""
    return monday_weeks_ago(8) + timedelta(days=2)


async def open_case(stack: Stack, *, partner: str | None = None) -> Referral:
    """A case started ten weeks ago (held by prime-north, or allocated to `partner`)."""
    started = days_ago(CASE_STARTED_DAYS_AGO)
    return await stack.open_case(referral_date=started, started_on=started, partner=partner)


def job_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "started_on": job_start_day().isoformat(), "employment_type": "employed", "expected_hours_per_week": 20,
        "employer_ref": "EMP-004217",
    }
    return {**body, **overrides}


def week_body(week: date, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "hours": 16.5, "earnings_pence": 18_150, "evidence_kind": "payslip",
        "evidence_obtained_on": (week + timedelta(days=7)).isoformat(),
    }
    return {**body, **overrides}


def jobs_path(referral: Referral) -> str:
    return f"/cases/{referral.referral_id}/jobs"


def week_path(referral: Referral, job: dict[str, Any], week: date | str) -> str:
    day = week if isinstance(week, str) else week.isoformat()
    return f"{jobs_path(referral)}/{job['job_id']}/weeks/{day}"


async def start_job(
    stack: Stack, referral: Referral, headers: dict[str, str] = PRIME, **overrides: Any
) -> dict[str, Any]:
    response = await stack.client.post(jobs_path(referral), json=job_body(**overrides), headers=headers)
    assert response.status_code == 201, response.text
    job: dict[str, Any] = response.json()
    return job


async def put_week(
    stack: Stack, referral: Referral, job: dict[str, Any], week: date | str, headers: dict[str, str] = PRIME,
    **overrides: Any,
) -> httpx.Response:
    day = week if isinstance(week, date) else date.fromisoformat(week)
    return await stack.client.put(week_path(referral, job, week), json=week_body(day, **overrides), headers=headers)


async def end_job(
    stack: Stack, referral: Referral, job: dict[str, Any], ended_on: date, headers: dict[str, str] = PRIME,
    reason: str = "resigned",
) -> httpx.Response:
    return await stack.client.post(
        f"{jobs_path(referral)}/{job['job_id']}/end", json={"ended_on": ended_on.isoformat(), "reason": reason},
        headers=headers,
    )


async def exited(stack: Stack, referral: Referral, exited_on: date) -> None:
    """The claimant completes the programme on `exited_on` (the progress area's exit)."""
    response = await stack.client.post(
        f"/cases/{referral.referral_id}/exit", json={"kind": "completion", "exited_on": exited_on.isoformat()},
        headers=PRIME,
    )
    assert response.status_code in (200, 201), response.text


async def job(stack: Stack, referral: Referral, job_id: str, headers: dict[str, str] = PRIME) -> dict[str, Any]:
    response = await stack.client.get(f"{jobs_path(referral)}/{job_id}", headers=headers)
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


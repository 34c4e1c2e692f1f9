"""Helpers for the appointments and fail-to-attend tests (no tests here)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import httpx

from .builders import PRIME, Stack, today


def moment(day: date, at: time = time(10, 0)) -> str:
    return datetime.combine(day, at, UTC).isoformat()


def earlier_today() -> str:
    """A moment today that has always passed."""
    return moment(today(), time(0, 0))


def later_today() -> str:
    """A moment today that has not come yet (but in the day's last second)."""
    return moment(today(), time(23, 59, 59))


def tomorrow() -> str:
    return moment(today() + timedelta(days=1))


def path(case_id: str, appointment_id: str | None = None, action: str | None = None) -> str:
    base = f"/cases/{case_id}/appointments"
    if appointment_id:
        base += f"/{appointment_id}"
    if action:
        base += f"/{action}"
    return base


async def book(
    stack: Stack, case_id: str, headers: dict[str, str] = PRIME, **body: Any
) -> httpx.Response:
    body = {"kind": "wfi", "scheduled_at": earlier_today(), **body}
    return await stack.client.post(path(case_id), json=body, headers=headers)


async def booked(stack: Stack, case_id: str, headers: dict[str, str] = PRIME, **body: Any) -> dict[str, Any]:
    response = await book(stack, case_id, headers, **body)
    assert response.status_code == 201, response.text
    found: dict[str, Any] = response.json()
    return found


async def act(
    stack: Stack, appointment: dict[str, Any], action: str, headers: dict[str, str] = PRIME,
    body: dict[str, Any] | None = None,
) -> httpx.Response:
    return await stack.client.post(
        path(appointment["case_id"], appointment["appointment_id"], action), json=body if body is not None else {},
        headers=headers,
    )


async def done(
    stack: Stack, appointment: dict[str, Any], action: str, headers: dict[str, str] = PRIME, **body: Any
) -> dict[str, Any]:
    response = await act(stack, appointment, action, headers, body)
    assert response.status_code in (200, 201), response.text
    found: dict[str, Any] = response.json()
    return found


async def listing(stack: Stack, case_id: str, headers: dict[str, str] = PRIME, **params: Any) -> dict[str, Any]:
    response = await stack.client.get(path(case_id), params=params, headers=headers)
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


async def missed_notice(stack: Stack, case_id: str, headers: dict[str, str] = PRIME, **body: Any) -> dict[str, Any]:
    """A mandatory WFI booked and missed: its notice, as the prime reads it."""
    missed = await done(stack, await booked(stack, case_id, headers, **body), "fail-to-attend", headers)
    assert missed["notice_id"], missed
    response = await stack.client.get(f"/fail-to-attend-notices/{missed['notice_id']}", headers=headers)
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found

"""Builders for the weekly returns' tests: a supply chain with one subcontract of each model, weeks counted back
from today, figures, posts as JSON and as CSV files, and deadlines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import httpx

from scx_contracts.weekly_stats import WEEKLY_FIGURES

from .builders import (
    PARTNER,
    PRIME,
    Service,
    agree,
    award,
    bearer,
    end_to_end,
    register_all,
    signposting,
    sla,
    specialist,
    today,
)

WHOLE = PARTNER  # partner-whole: the end-to-end partner
SKILLS = bearer("partner-skills", "partner", "manager")  # the specialist partner
COUNCIL = bearer("partner-council", "partner", "manager")  # the SLA partner
LIBRARY = bearer("partner-library", "partner", "manager")  # signposting only
WHOLE_ADVISER = bearer("partner-whole", "partner", "adviser")
STRANGER = bearer("partner-stranger", "partner", "manager")  # a partner of nobody's
COLUMNS = ("subcontract_id", "iso_week", *WEEKLY_FIGURES, "corrects_version", "reason")
CSV = {"Content-Type": "text/csv"}


@dataclass(frozen=True)
class Chain:
    """A contract of prime-north with a subcontract under each of the four models, each from the contract's start."""

    contract: dict[str, Any]
    whole: dict[str, Any]
    skills: dict[str, Any]
    council: dict[str, Any]
    library: dict[str, Any]


async def chain(service: Service) -> Chain:
    await register_all(service.client)
    contract = await award(service.client, "prime-north")
    return Chain(
        contract=contract,
        whole=await agree(service.client, contract, end_to_end(contract)),
        skills=await agree(service.client, contract, specialist(contract)),
        council=await agree(service.client, contract, sla(contract)),
        library=await agree(service.client, contract, signposting(contract)),
    )


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}"


def weeks_ago(n: int) -> str:
    """The ISO week n weeks before this one: 1 is last week, which has ended; 0 is this week, which has not."""
    return iso_week(today() - timedelta(weeks=n))


def monday(week: str) -> date:
    return date.fromisocalendar(int(week[:4]), int(week[6:8]), 1)


def figures(**overrides: int) -> dict[str, int]:
    base = {
        "referrals_received": 12, "starts": 9, "wfis_delivered": 31, "fail_to_attends": 3,
        "activities_delivered": 58, "job_starts": 2, "job_outcomes": 1, "exits": 1,
    }
    return {**base, **overrides}


def body(subcontract: dict[str, Any], week: str, **extra: Any) -> dict[str, Any]:
    return {"subcontract_id": subcontract["subcontract_id"], "iso_week": week, "figures": figures(), **extra}


async def post(
    client: httpx.AsyncClient, subcontract: dict[str, Any], week: str, headers: dict[str, str] = WHOLE, **extra: Any
) -> httpx.Response:
    return await client.post("/weekly-returns", json=body(subcontract, week, **extra), headers=headers)


async def posted(
    client: httpx.AsyncClient, subcontract: dict[str, Any], week: str, headers: dict[str, str] = WHOLE, **extra: Any
) -> dict[str, Any]:
    response = await post(client, subcontract, week, headers, **extra)
    assert response.status_code == 201, response.text
    answer: dict[str, Any] = response.json()
    return answer


def csv_file(rows: list[dict[str, Any]], columns: tuple[str, ...] = COLUMNS) -> bytes:
    """A CSV file with a header and a line per row; a row's missing column is a blank cell."""
    lines = [",".join(columns)] + [",".join(str(row.get(c, "")) for c in columns) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode()


def row(subcontract: dict[str, Any], week: str, **overrides: Any) -> dict[str, Any]:
    return {"subcontract_id": subcontract["subcontract_id"], "iso_week": week, **figures(), **overrides}


async def upload(
    client: httpx.AsyncClient, content: bytes, headers: dict[str, str] = WHOLE, **extra: str
) -> httpx.Response:
    return await client.post("/weekly-returns/uploads", content=content, headers={**CSV, **headers, **extra})


async def set_deadline(
    client: httpx.AsyncClient, contract: dict[str, Any], days: int, at: str, headers: dict[str, str] = PRIME
) -> httpx.Response:
    return await client.put(
        f"/contracts/{contract['contract_id']}/weekly-return-deadline",
        json={"days_after_week_end": days, "at_local_time": at}, headers=headers,
    )

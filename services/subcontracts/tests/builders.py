"""Builders for the subcontracts service's tests: a running app, tokens, a registry and terms for each model."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from scx_servicekit import TokenIssuer
from scx_subcontracts.app import create_app
from scx_subcontracts.config import SubcontractsSettings
from scx_subcontracts.models import metadata

# Re-exported for the test modules: what every service's tests share lives in scx_testing.
from scx_testing.api import PROBLEM_JSON as PROBLEM_JSON
from scx_testing.api import ServiceProbe as Service
from scx_testing.api import assert_valid_events as assert_valid_events
from scx_testing.api import problem as problem
from scx_testing.api import serve
from scx_testing.api import slug as slug

ALEMBIC_INI = Path(__file__).resolve().parents[1] / "alembic.ini"

issuer = TokenIssuer()


def bearer(organisation_id: str, kind: str, *roles: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {issuer.issue(organisation_id, kind, list(roles))}"}


DWP = bearer("dwp", "dwp", "contract_manager")
AUDITOR = bearer("dwp", "dwp", "auditor")
JCP = bearer("jcp-leeds", "jcp", "referrer")
PRIME = bearer("prime-north", "prime", "manager")
PRIME_ADVISER = bearer("prime-north", "prime", "adviser")
OTHER_PRIME = bearer("prime-south", "prime", "manager")
PARTNER = bearer("partner-whole", "partner", "manager")
OTHER_PARTNER = bearer("partner-skills", "partner", "manager")

ORGANISATIONS = [
    ("dwp", "Department for Work and Pensions", "dwp"),
    ("jcp-leeds", "Jobcentre Plus Leeds", "jcp"),
    ("prime-north", "Northern Works Ltd", "prime"),
    ("prime-south", "Southern Futures plc", "prime"),
    ("partner-whole", "Whole Person Support", "partner"),
    ("partner-skills", "Skills for Work CIC", "partner"),
    ("partner-council", "City Council Employment Service", "partner"),
    ("partner-library", "Library Job Club", "partner"),
]


def today() -> date:
    return datetime.now(UTC).date()


# The contract runs from a year ago to three years on, so "today" is always inside it.
def contract_dates() -> tuple[date, date]:
    return today() - timedelta(days=365), today() + timedelta(days=3 * 365)


# Running the service


def settings_for(database_url: str, nats_url: str) -> SubcontractsSettings:
    return SubcontractsSettings(database_url=database_url, nats_servers=[nats_url], log_json=False)


@asynccontextmanager
async def running(database_url: str, nats_url: str) -> AsyncIterator[Service]:
    async with serve(create_app(settings_for(database_url, nats_url)), metadata) as service:
        yield service


# Checking answers


# Building the registry through the API


async def register(client: httpx.AsyncClient, organisation_id: str, kind: str, name: str | None = None) -> None:
    body = {"organisation_id": organisation_id, "name": name or organisation_id.replace("-", " ").title(), "kind": kind}
    response = await client.post("/organisations", json=body, headers=DWP)
    assert response.status_code == 201, response.text


async def register_all(client: httpx.AsyncClient) -> None:
    for organisation_id, name, kind in ORGANISATIONS:
        await register(client, organisation_id, kind, name)


def profile(first: date, months: int = 3, job_outcomes: int = 10) -> list[dict[str, Any]]:
    out = []
    year, month = first.year, first.month
    for i in range(months):
        out.append({
            "month": f"{year:04d}-{month:02d}",
            "job_outcomes": job_outcomes + i,
            "sustained_job_outcomes": 4,
            "work_focused_interviews": 120,
        })
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def contract_body(prime_id: str = "prime-north", **overrides: Any) -> dict[str, Any]:
    start, end = contract_dates()
    body: dict[str, Any] = {
        "prime_id": prime_id,
        "contract_package_area": "West Yorkshire",
        "start_date": start.isoformat(),
        "end_date": end.isoformat(),
        "value_pence": 12_500_000_00,
        "payment_model": "pathways-30-50-20",
    }
    return {**body, **overrides}


async def award(client: httpx.AsyncClient, prime_id: str = "prime-north", **overrides: Any) -> dict[str, Any]:
    response = await client.post("/contracts", json=contract_body(prime_id, **overrides), headers=DWP)
    assert response.status_code == 201, response.text
    contract: dict[str, Any] = response.json()
    return contract


def terms(contract: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    return {"start_date": contract["start_date"], "end_date": contract["end_date"], **overrides}


def end_to_end(contract: dict[str, Any], partner_id: str = "partner-whole", **overrides: Any) -> dict[str, Any]:
    return {
        "partner_id": partner_id,
        "model": "end_to_end",
        **terms(
            contract,
            client_group={"postcode_districts": ["LS1", "LS2"], "health_conditions": []},
            share_of_targets_percent=25,
            monthly_capacity=40,
        ),
        **overrides,
    }


def specialist(contract: dict[str, Any], partner_id: str = "partner-skills", **overrides: Any) -> dict[str, Any]:
    return {
        "partner_id": partner_id,
        "model": "specialist",
        **terms(
            contract,
            client_group={"postcode_districts": [], "health_conditions": ["hearing_impairment"]},
            services=[{"service": "british_sign_language", "price_pence": 45_000}],
            monthly_capacity=10,
        ),
        **overrides,
    }


def sla(contract: dict[str, Any], partner_id: str = "partner-council", **overrides: Any) -> dict[str, Any]:
    return {
        "partner_id": partner_id,
        "model": "sla",
        **terms(contract, client_group={"postcode_districts": ["LS9"], "health_conditions": []}),
        **overrides,
    }


def signposting(contract: dict[str, Any], partner_id: str = "partner-library", **overrides: Any) -> dict[str, Any]:
    return {"partner_id": partner_id, "model": "signposting", **terms(contract), **overrides}


async def agree(
    client: httpx.AsyncClient, contract: dict[str, Any], body: dict[str, Any], headers: dict[str, str] = PRIME
) -> dict[str, Any]:
    response = await client.post(f"/contracts/{contract['contract_id']}/subcontracts", json=body, headers=headers)
    assert response.status_code == 201, response.text
    subcontract: dict[str, Any] = response.json()
    return subcontract


async def collect(client: httpx.AsyncClient, path: str, headers: dict[str, str], **params: Any) -> list[dict[str, Any]]:
    """Every item of a paged list, following next_cursor."""
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        response = await client.get(path, params=query, headers=headers)
        assert response.status_code == 200, response.text
        page = response.json()
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return items

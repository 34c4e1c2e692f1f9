"""Builders for the referral service's tests.

The referral service knows contracts and subcontracts only from the subcontracts service's events, so the tests
publish those events (`scx_registry.testing`) to the real nats-server the referral app consumes from, and wait (by
polling, never sleeping) until the referral service's inbox has applied every one of them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from scx_messaging import BusSettings, connect
from scx_referral.app import create_app as create_referral_app
from scx_referral.config import ReferralSettings
from scx_referral.models import metadata as referral_metadata
from scx_registry.testing import Registry
from scx_servicekit import TokenIssuer
from scx_testing import eventually

# Re-exported for the test modules: what every service's tests share lives in scx_testing.
from scx_testing.api import PROBLEM_JSON as PROBLEM_JSON
from scx_testing.api import ServiceProbe as Service
from scx_testing.api import assert_valid_events as assert_valid_schemas
from scx_testing.api import problem as problem
from scx_testing.api import serve
from scx_testing.api import slug as slug

SERVICES = Path(__file__).resolve().parents[2]
REFERRAL_INI = SERVICES / "referral" / "alembic.ini"
# The registry events the referral service's read model is fed by.
READ_MODEL_EVENTS = {
    "organisation.registered", "contract.awarded", "contract.profile_set", "subcontract.agreed", "subcontract.varied",
    "subcontract.ended",
}

issuer = TokenIssuer()


def bearer(organisation_id: str, kind: str, *roles: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {issuer.issue(organisation_id, kind, list(roles))}"}


DWP = bearer("dwp", "dwp", "contract_manager")
AUDITOR = bearer("dwp", "dwp", "auditor")
JCP = bearer("jcp-leeds", "jcp", "referrer")
TPPM = bearer("jcp-leeds", "jcp", "tppm")
OTHER_JCP = bearer("jcp-bradford", "jcp", "referrer")
PRIME = bearer("prime-north", "prime", "manager")
PRIME_ADVISER = bearer("prime-north", "prime", "adviser")
OTHER_PRIME = bearer("prime-south", "prime", "manager")
# partner-whole: end-to-end for LS1/LS2; partner-mind: end-to-end for mental health; partner-skills: specialist;
# partner-council: SLA for LS9; partner-library: signposting; partner-idle: registered, no subcontract.
WHOLE = bearer("partner-whole", "partner", "manager")
MIND = bearer("partner-mind", "partner", "manager")
SKILLS = bearer("partner-skills", "partner", "adviser")
COUNCIL = bearer("partner-council", "partner", "manager")
LIBRARY = bearer("partner-library", "partner", "manager")
IDLE = bearer("partner-idle", "partner", "manager")

ORGANISATIONS = [
    ("dwp", "dwp"), ("jcp-leeds", "jcp"), ("jcp-bradford", "jcp"), ("prime-north", "prime"),
    ("prime-south", "prime"), ("partner-whole", "partner"), ("partner-mind", "partner"),
    ("partner-skills", "partner"), ("partner-council", "partner"), ("partner-library", "partner"),
    ("partner-idle", "partner"),
]


def today() -> date:
    return datetime.now(UTC).date()


def nino(n: int = 1, *, spaced: bool = False) -> str:
    """A valid National Insurance number, different for each n."""
    value = f"JK{n:06d}B"
    return f"{value[:2]} {value[2:4]} {value[4:6]} {value[6:8]} {value[8]}" if spaced else value


# Running the services


def referral_settings(database_url: str, nats_url: str) -> ReferralSettings:
    # A quick retry, so that an event that arrived before its predecessor is applied soon after it.
    return ReferralSettings(
        database_url=database_url, nats_servers=[nats_url], log_json=False, consumer_retry_delay_seconds=0.05
    )


@dataclass
class Stack:
    """The referral service, and the registry's events on the same nats-server."""

    registry: Registry
    referral: Service

    @property
    def client(self) -> httpx.AsyncClient:
        return self.referral.client

    async def synced(self, timeout: float = 15.0) -> None:
        """Wait until the referral service has applied every registry event it subscribes to."""
        wanted = {e["event_id"] for e in await self.registry.events() if e["type"] in READ_MODEL_EVENTS}

        async def caught_up() -> bool:
            return wanted <= await self.referral.applied()

        await eventually(caught_up, timeout=timeout, message="the referral read model catches up with the registry")


@asynccontextmanager
async def running_stack(referral_url: str, nats_url: str) -> AsyncIterator[Stack]:
    referral_app = create_referral_app(referral_settings(referral_url, nats_url))
    bus = await connect(BusSettings(servers=[nats_url], connect_timeout_seconds=5.0, name="registry-events"))
    try:
        await bus.ensure_stream()
        async with serve(referral_app, referral_metadata) as referral:
            yield Stack(Registry(bus), referral)
    finally:
        await bus.close()


# Checking answers


def assert_valid_events(envelopes: list[dict[str, Any]]) -> None:
    """Every envelope validates against its published JSON Schema, and every journey event names its claimant
    by pseudonym only."""
    assert_valid_schemas(envelopes)
    for envelope in envelopes:
        if envelope["type"].startswith("referral."):
            assert envelope["journey_id"] == envelope["data"]["referral_id"]
            assert envelope["claimant_ref"] and envelope["claimant_ref"].startswith("clm_")


# The registry, built from the subcontracts service's events


@dataclass
class Chain:
    """prime-north's contract and its supply chain (subcontract ids by partner), and prime-south's contract."""

    contract: dict[str, Any]
    other_contract: dict[str, Any]
    subcontracts: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def contract_id(self) -> str:
        return str(self.contract["contract_id"])


def chain_terms(contract: dict[str, Any]) -> dict[str, dict[str, Any]]:
    dates = {"start_date": contract["start_date"], "end_date": contract["end_date"]}
    return {
        "partner-whole": {"model": "end_to_end", "client_group": {"postcode_districts": ["LS1", "LS2"]},
                          "share_of_targets_percent": 40, "monthly_capacity": 40, **dates},
        "partner-mind": {"model": "end_to_end", "client_group": {"health_conditions": ["mental_health"]},
                         "share_of_targets_percent": 20, **dates},
        "partner-skills": {"model": "specialist", "services": [
            {"service": "british_sign_language", "price_pence": 45_000},
            {"service": "vocational_training", "price_pence": 30_000},
        ], **dates},
        "partner-council": {"model": "sla", "client_group": {"postcode_districts": ["LS9"]}, **dates},
        "partner-library": {"model": "signposting", **dates},
    }


async def build_chain(stack: Stack) -> Chain:
    for organisation_id, kind in ORGANISATIONS:
        await stack.registry.register(organisation_id, kind)
    start, end_ = today() - timedelta(days=365), today() + timedelta(days=3 * 365)
    contracts = [
        await stack.registry.award(prime_id, area, start, end_)
        for prime_id, area in (("prime-north", "West Yorkshire"), ("prime-south", "Tees Valley"))
    ]
    chain = Chain(contract=contracts[0], other_contract=contracts[1])
    for partner_id, terms in chain_terms(chain.contract).items():
        chain.subcontracts[partner_id] = await agree(stack, chain.contract, partner_id, terms)
    await stack.synced()
    return chain


async def agree(stack: Stack, contract: dict[str, Any], partner_id: str, terms: dict[str, Any]) -> dict[str, Any]:
    return await stack.registry.agree(contract, partner_id, terms)


async def vary(stack: Stack, subcontract: dict[str, Any], reason: str = "varied", **changes: Any) -> dict[str, Any]:
    varied = await stack.registry.vary(subcontract, reason, **changes)
    await stack.synced()
    return varied


async def end(stack: Stack, subcontract: dict[str, Any], ended_on: date | None = None) -> dict[str, Any]:
    ended = await stack.registry.end(subcontract, ended_on or today())
    await stack.synced()
    return ended


# Referrals


def referral_body(contract_id: str, n: int = 1, /, **overrides: Any) -> dict[str, Any]:
    """A referral that fits partner-whole (LS1) and partner-mind (mental health): new ESA claimant, group 6."""
    body: dict[str, Any] = {
        "contract_id": contract_id,
        "national_insurance_number": nino(n, spaced=True),
        "benefit_type": "ESA",
        "payment_group": 6,
        "mandatory": True,
        "needs": ["mental_health"],
        "postcode_district": "LS1",
        "referral_date": today().isoformat(),
    }
    return {**body, **overrides}


async def refer(stack: Stack, chain: Chain, n: int = 1, headers: dict[str, str] = JCP, **overrides: Any) -> dict:
    response = await stack.client.post("/referrals", json=referral_body(chain.contract_id, n, **overrides),
                                       headers=headers)
    assert response.status_code == 201, response.text
    referral: dict[str, Any] = response.json()
    return referral


async def start(stack: Stack, referral: dict[str, Any], headers: dict[str, str] = PRIME) -> dict[str, Any]:
    response = await stack.client.post(
        f"/referrals/{referral['referral_id']}/start", json={"started_on": today().isoformat()}, headers=headers
    )
    assert response.status_code == 200, response.text
    started: dict[str, Any] = response.json()
    return started


async def started(stack: Stack, chain: Chain, n: int = 1, **overrides: Any) -> dict[str, Any]:
    """A referral taken onto prime-north's caseload today."""
    return await start(stack, await refer(stack, chain, n, **overrides))


async def allocate(stack: Stack, referral: dict[str, Any], **body: Any) -> httpx.Response:
    return await stack.client.post(f"/referrals/{referral['referral_id']}/allocation", json=body, headers=PRIME)


async def visible_ids(stack: Stack, headers: dict[str, str], **params: Any) -> set[str]:
    """The ids of every referral the caller can list, following next_cursor."""
    ids: set[str] = set()
    cursor = None
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        response = await stack.client.get("/referrals", params=query, headers=headers)
        assert response.status_code == 200, response.text
        ids |= {r["referral_id"] for r in response.json()["items"]}
        cursor = response.json()["next_cursor"]
        if cursor is None:
            return ids

"""Builders for the case tracking service's tests.

Case tracking knows contracts and subcontracts from the subcontracts service's events, and referrals from the
referral service's, so the tests publish those events (`scx_registry.testing`, `scx_testing.journeys`) to the real
nats-server the app consumes from, and wait (by polling, never sleeping) until its inbox has applied them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from scx_case_tracking.app import create_app
from scx_case_tracking.config import CaseTrackingSettings
from scx_case_tracking.models import metadata
from scx_messaging import BusSettings, connect
from scx_registry.testing import Registry
from scx_servicekit import TokenIssuer
from scx_testing import eventually

# Re-exported for the test modules: what every service's tests share lives in scx_testing.
from scx_testing.api import PROBLEM_JSON as PROBLEM_JSON
from scx_testing.api import ServiceProbe as Service
from scx_testing.api import assert_valid_events as assert_valid_events
from scx_testing.api import problem as problem
from scx_testing.api import serve
from scx_testing.api import slug as slug
from scx_testing.journeys import Referral, ReferralEvents

ALEMBIC_INI = Path(__file__).resolve().parents[1] / "alembic.ini"

issuer = TokenIssuer()


def bearer(organisation_id: str, kind: str, *roles: str, user: str | None = None) -> dict[str, str]:
    return {"Authorization": f"Bearer {issuer.issue(organisation_id, kind, list(roles), user=user)}"}


DWP = bearer("dwp", "dwp", "contract_manager")
AUDITOR = bearer("dwp", "dwp", "auditor")
OPERATOR = bearer("dwp", "dwp", "operator")
JCP = bearer("jcp-leeds", "jcp", "referrer")  # referred every claimant below
TPPM = bearer("jcp-leeds", "jcp", "tppm")
OTHER_JCP = bearer("jcp-bradford", "jcp", "referrer")
PRIME = bearer("prime-north", "prime", "manager")  # holds the contract
PRIME_ADVISER = bearer("prime-north", "prime", "adviser", user="adviser-anne")
OTHER_PRIME = bearer("prime-south", "prime", "manager")
WHOLE = bearer("partner-whole", "partner", "manager")  # end-to-end partner
WHOLE_ADVISER = bearer("partner-whole", "partner", "adviser", user="adviser-bob")
MIND = bearer("partner-mind", "partner", "manager")  # end-to-end partner (mental health)
SKILLS = bearer("partner-skills", "partner", "manager")  # specialist partner
IDLE = bearer("partner-idle", "partner", "manager")  # a partner of nobody's

# Every organisation kind that must never see another's case, for visibility tests.
STRANGERS = {"another prime": OTHER_PRIME, "another JCP district": OTHER_JCP, "an unrelated partner": IDLE}

ORGANISATIONS = [
    ("dwp", "dwp"), ("jcp-leeds", "jcp"), ("jcp-bradford", "jcp"), ("prime-north", "prime"),
    ("prime-south", "prime"), ("partner-whole", "partner"), ("partner-mind", "partner"),
    ("partner-skills", "partner"), ("partner-idle", "partner"),
]


def today() -> date:
    return datetime.now(UTC).date()


def days_ago(n: int) -> date:
    return today() - timedelta(days=n)


def settings(database_url: str, nats_url: str) -> CaseTrackingSettings:
    # A quick retry, so that an event that arrived before its predecessor is applied soon after it.
    return CaseTrackingSettings(
        database_url=database_url, nats_servers=[nats_url], log_json=False, consumer_retry_delay_seconds=0.05
    )


@dataclass
class Chain:
    """prime-north's contract with an end-to-end partner (partner-whole), another (partner-mind) and a specialist
    (partner-skills); prime-south's contract."""

    contract: dict[str, Any]
    other_contract: dict[str, Any]
    subcontracts: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def contract_id(self) -> str:
        return str(self.contract["contract_id"])


@dataclass
class Stack:
    """The case tracking service, with the registry's and the referral service's events on the same nats-server."""

    registry: Registry
    referrals: ReferralEvents
    service: Service
    chain: Chain | None = None

    @property
    def client(self) -> httpx.AsyncClient:
        return self.service.client

    async def synced(self, timeout: float = 15.0) -> None:
        """Wait until the service has applied every event the tests published."""
        wanted = {e["event_id"] for e in [*await self.registry.events(), *await self.referrals.events()]}

        async def caught_up() -> bool:
            return wanted <= await self.service.applied()

        await eventually(caught_up, timeout=timeout, message="case tracking catches up with the published events")

    # Journeys

    async def refer(self, *, referral_date: date | None = None, mandatory: bool = True, **more: Any) -> Referral:
        assert self.chain is not None
        return await self.referrals.refer(
            contract_id=self.chain.contract_id, prime_id="prime-north", referrer_id="jcp-leeds",
            referral_date=referral_date or today(), mandatory=mandatory, **more,
        )

    async def open_case(
        self, *, referral_date: date | None = None, started_on: date | None = None, mandatory: bool = True,
        partner: str | None = None,
    ) -> Referral:
        """A referral received and started (and allocated to `partner` when given): its case is open, and synced."""
        referral = await self.refer(referral_date=referral_date, mandatory=mandatory)
        await self.referrals.start(referral, started_on or referral_date or today())
        if partner is not None:  # allocated on the day it started, as a prime usually does
            referral = await self.allocate(referral, partner, on=started_on or referral_date or today(), sync=False)
        await self.synced()
        return referral

    async def allocate(self, referral: Referral, partner: str | None, *, on: date | None = None,
                       sync: bool = True) -> Referral:
        """Allocate (or re-allocate) to `partner` under its subcontract, or in-house when None."""
        assert self.chain is not None
        subcontract = self.chain.subcontracts.get(partner or "", {})
        allocated = await self.referrals.allocate(
            referral, on or today(), partner_id=partner, subcontract_id=subcontract.get("subcontract_id"),
            model=subcontract.get("model"),
        )
        if sync:
            await self.synced()
        return allocated

    async def case(self, referral: Referral, headers: dict[str, str] = PRIME) -> dict[str, Any]:
        response = await self.client.get(f"/cases/{referral.referral_id}", headers=headers)
        assert response.status_code == 200, response.text
        found: dict[str, Any] = response.json()
        return found


async def build_chain(stack: Stack) -> Chain:
    for organisation_id, kind in ORGANISATIONS:
        await stack.registry.register(organisation_id, kind)
    start, end_ = today() - timedelta(days=365), today() + timedelta(days=3 * 365)
    contract = await stack.registry.award("prime-north", "West Yorkshire", start, end_)
    other = await stack.registry.award("prime-south", "Tees Valley", start, end_)
    chain = Chain(contract=contract, other_contract=other)
    dates = {"start_date": contract["start_date"], "end_date": contract["end_date"]}
    terms = {
        "partner-whole": {"model": "end_to_end", "client_group": {"postcode_districts": ["LS1", "LS2"]},
                          "share_of_targets_percent": 40, "monthly_capacity": 40, **dates},
        "partner-mind": {"model": "end_to_end", "client_group": {"health_conditions": ["mental_health"]},
                         "share_of_targets_percent": 20, **dates},
        "partner-skills": {"model": "specialist", "services": [
            {"service": "british_sign_language", "price_pence": 45_000},
            {"service": "vocational_training", "price_pence": 30_000},
        ], **dates},
    }
    for partner_id, partner_terms in terms.items():
        chain.subcontracts[partner_id] = await stack.registry.agree(contract, partner_id, partner_terms)
    stack.chain = chain
    await stack.synced()
    return chain


@asynccontextmanager
async def running_stack(database_url: str, nats_url: str) -> AsyncIterator[Stack]:
    app = create_app(settings(database_url, nats_url))
    bus = await connect(BusSettings(servers=[nats_url], connect_timeout_seconds=5.0, name="upstream-events"))
    try:
        await bus.ensure_stream()
        async with serve(app, metadata) as probe:
            yield Stack(Registry(bus), ReferralEvents(bus), probe)
    finally:
        await bus.close()


async def listed_ids(stack: Stack, path: str, headers: dict[str, str], key: str, **params: Any) -> set[str]:
    """The ids of everything the caller can list at `path`, following next_cursor."""
    ids: set[str] = set()
    cursor = None
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        response = await stack.client.get(path, params=query, headers=headers)
        assert response.status_code == 200, response.text
        ids |= {item[key] for item in response.json()["items"]}
        cursor = response.json()["next_cursor"]
        if cursor is None:
            return ids

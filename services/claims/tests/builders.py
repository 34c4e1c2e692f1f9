"""Builders for the claims service's tests.

Claims knows contracts and subcontracts from the subcontracts service's events, and journeys from case tracking's,
so the tests publish those events (`scx_registry.testing`, `scx_testing.journeys`) to the real nats-server the app
consumes from, and wait (by polling, never sleeping) until its inbox has applied them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from scx_claims.app import create_app
from scx_claims.config import ClaimsSettings
from scx_claims.models import metadata
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
from scx_testing.journeys import CaseEvents, Referral

ALEMBIC_INI = Path(__file__).resolve().parents[1] / "alembic.ini"

issuer = TokenIssuer()


def bearer(organisation_id: str, kind: str, *roles: str, user: str | None = None) -> dict[str, str]:
    return {"Authorization": f"Bearer {issuer.issue(organisation_id, kind, list(roles), user=user)}"}


CONTRACT_MANAGER = bearer("dwp", "dwp", "contract_manager")
VALIDATOR = bearer("dwp", "dwp", "validator", user="officer-val")
OTHER_VALIDATOR = bearer("dwp", "dwp", "validator", user="officer-val-2")
PAYMENTS = bearer("dwp", "dwp", "payments_officer", user="officer-pay")
VALIDATOR_AND_PAYMENTS = bearer("dwp", "dwp", "validator", "payments_officer", user="officer-both")
AUDITOR = bearer("dwp", "dwp", "auditor")
OPERATOR = bearer("dwp", "dwp", "operator")
JCP = bearer("jcp-leeds", "jcp", "referrer")
PRIME = bearer("prime-north", "prime", "manager")  # holds the contract
PRIME_ADVISER = bearer("prime-north", "prime", "adviser")
OTHER_PRIME = bearer("prime-south", "prime", "manager")
WHOLE = bearer("partner-whole", "partner", "manager")  # end-to-end partner
SKILLS = bearer("partner-skills", "partner", "manager")  # specialist partner
IDLE = bearer("partner-idle", "partner", "manager")  # a partner of nobody's

STRANGERS = {"another prime": OTHER_PRIME, "JCP": JCP, "an unrelated partner": IDLE}

ORGANISATIONS = [
    ("dwp", "dwp"), ("jcp-leeds", "jcp"), ("prime-north", "prime"), ("prime-south", "prime"),
    ("partner-whole", "partner"), ("partner-skills", "partner"), ("partner-idle", "partner"),
]
CONTRACT_VALUE_PENCE = 12_000_000_00  # £12m


def today() -> date:
    return datetime.now(UTC).date()


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def settings(database_url: str, nats_url: str) -> ClaimsSettings:
    return ClaimsSettings(
        database_url=database_url, nats_servers=[nats_url], log_json=False, consumer_retry_delay_seconds=0.05
    )


@dataclass
class Chain:
    """prime-north's PL Pathways contract (a year of profile), with an end-to-end partner (partner-whole) and a
    specialist (partner-skills); prime-south's contract."""

    contract: dict[str, Any]
    other_contract: dict[str, Any]
    subcontracts: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def contract_id(self) -> str:
        return str(self.contract["contract_id"])


@dataclass
class Stack:
    registry: Registry
    cases: CaseEvents
    service: Service
    chain: Chain | None = None

    @property
    def client(self) -> httpx.AsyncClient:
        return self.service.client

    async def synced(self, timeout: float = 15.0) -> None:
        """Wait until the service has applied every event the tests published."""
        wanted = {e["event_id"] for e in [*await self.registry.events(), *await self.cases.events()]}

        async def caught_up() -> bool:
            return wanted <= await self.service.applied()

        await eventually(caught_up, timeout=timeout, message="claims catches up with the published events")

    async def open_case(
        self, *, started_on: date, payment_group: int = 6, partner: str | None = None, sync: bool = True
    ) -> Referral:
        """A case opened at prime-north's contract (and delivered by `partner` from its start, when given)."""
        assert self.chain is not None
        case = await self.cases.open(
            contract_id=self.chain.contract_id, prime_id="prime-north", referral_date=started_on,
            started_on=started_on, payment_group=payment_group,
        )
        if partner is not None:
            subcontract = self.chain.subcontracts[partner]
            await self.cases.deliver(case, partner, started_on, subcontract_id=subcontract["subcontract_id"],
                                     model=subcontract["model"])
        if sync:
            await self.synced()
        return case


async def build_chain(stack: Stack, *, payment_model: str = "pathways-30-50-20") -> Chain:
    for organisation_id, kind in ORGANISATIONS:
        await stack.registry.register(organisation_id, kind)
    start = date(today().year - 1, today().month, 1)
    end = date(start.year + 2, start.month, 1) - timedelta(days=1)
    contract = await stack.registry.award("prime-north", "West Yorkshire", start, end)
    other = await stack.registry.award("prime-south", "Tees Valley", start, end)
    months = [
        {"month": f"{(start.year * 12 + start.month - 1 + i) // 12}-{(start.month - 1 + i) % 12 + 1:02d}",
         "job_outcomes": 20, "sustained_job_outcomes": 8, "work_focused_interviews": 200}
        for i in range(24)
    ]
    await stack.registry.set_profile(contract, 1, months)
    chain = Chain(contract=contract, other_contract=other)
    dates = {"start_date": contract["start_date"], "end_date": contract["end_date"]}
    terms = {
        "partner-whole": {"model": "end_to_end", "client_group": {"postcode_districts": ["LS1", "LS2"]},
                          "share_of_targets_percent": 40, **dates},
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
            yield Stack(Registry(bus), CaseEvents(bus), probe)
    finally:
        await bus.close()

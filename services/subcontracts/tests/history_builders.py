"""Builders for the tests of the history's figures and what is read from them (reconciliation, performance, flows,
supply-chain health): the subcontracts app on real NATS with its consumer running, the registry built through its
own API, and publishers of the referral, case tracking and claims events it consumes (`scx_testing`), so each test
tells a journey as those services would, then waits (by polling) until the app has applied it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import httpx
from sqlalchemy import select

from scx_messaging import BusSettings, connect
from scx_subcontracts.models.history import journeys, occurrences
from scx_testing.claim_events import ClaimEvents
from scx_testing.journeys import CaseEvents, Referral, ReferralEvents
from scx_testing.polling import eventually

from .builders import (
    DWP,
    PRIME,
    Service,
    agree,
    award,
    end_to_end,
    profile,
    register_all,
    running,
    sla,
    specialist,
)

PRIME_ID = "prime-north"
REFERRER = "jcp-leeds"


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


@dataclass
class Chain:
    """prime-north's contract (starting a year ago) with a profile, and its partners' subcontracts: partner-whole
    end to end (25% of targets), partner-skills specialist, partner-council SLA."""

    contract: dict[str, Any]
    subcontracts: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def contract_id(self) -> str:
        return str(self.contract["contract_id"])

    def subcontract_id(self, partner_id: str) -> str:
        return str(self.subcontracts[partner_id]["subcontract_id"])


@dataclass
class History:
    service: Service
    referrals: ReferralEvents
    cases: CaseEvents
    claims: ClaimEvents
    chain: Chain | None = None

    @property
    def client(self) -> httpx.AsyncClient:
        return self.service.client

    async def synced(self, timeout: float = 15.0) -> None:
        """Wait until the app has applied every event the test published."""
        wanted = {
            e["event_id"]
            for e in [*await self.referrals.events(), *await self.cases.events(), *await self.claims.events()]
        }

        async def caught_up() -> bool:
            return wanted <= await self.service.applied()

        await eventually(caught_up, timeout=timeout, message="subcontracts applies the published events")

    async def build_chain(self) -> Chain:
        client = self.client
        await register_all(client)
        contract = await award(client)
        response = await client.put(
            f"/contracts/{contract['contract_id']}/profile",
            json={"months": profile(date.fromisoformat(contract["start_date"]), months=24)}, headers=DWP,
        )
        assert response.status_code in (200, 201), response.text
        chain = Chain(contract=contract)
        for body in (end_to_end(contract), specialist(contract), sla(contract)):
            subcontract = await agree(client, contract, body, PRIME)
            chain.subcontracts[subcontract["partner_id"]] = subcontract
        self.chain = chain
        return chain

    async def referred(self, referral_date: date, *, payment_group: int = 6) -> Referral:
        assert self.chain is not None
        return await self.referrals.refer(
            contract_id=self.chain.contract_id, prime_id=PRIME_ID, referrer_id=REFERRER,
            referral_date=referral_date, payment_group=payment_group,
        )

    async def started_with(
        self, partner_id: str | None, referral_date: date, *, started_on: date | None = None,
        allocated_on: date | None = None, payment_group: int = 6,
    ) -> Referral:
        """A referral started and allocated to `partner_id` (None: in house)."""
        assert self.chain is not None
        referral = await self.referred(referral_date, payment_group=payment_group)
        started_on = started_on or referral_date + timedelta(days=1)
        await self.referrals.start(referral, started_on)
        subcontract = self.chain.subcontracts.get(partner_id or "")
        return await self.referrals.allocate(
            referral, allocated_on or started_on, partner_id=partner_id,
            subcontract_id=subcontract["subcontract_id"] if subcontract else None,
            model=subcontract["model"] if subcontract else None,
        )

    # Reading the read model directly (the areas' tests read it through their APIs)

    async def journey(self, referral_id: str) -> dict[str, Any]:
        async with self.service.engine.connect() as conn:
            row = (await conn.execute(select(journeys).where(journeys.c.referral_id == referral_id))).mappings().one()
        return dict(row)

    async def occurrences(self, **where: Any) -> list[dict[str, Any]]:
        query = select(occurrences).where(*(occurrences.c[k] == v for k, v in where.items()))
        async with self.service.engine.connect() as conn:
            rows = (await conn.execute(query.order_by(occurrences.c.figure, occurrences.c.on_date))).mappings()
            return [dict(r) for r in rows]


@asynccontextmanager
async def running_history(database_url: str, nats_url: str) -> AsyncIterator[History]:
    bus = await connect(BusSettings(servers=[nats_url], connect_timeout_seconds=5.0, name="upstream-events"))
    try:
        await bus.ensure_stream()
        async with running(database_url, nats_url) as service:
            yield History(service, ReferralEvents(bus), CaseEvents(bus), ClaimEvents(bus))
    finally:
        await bus.close()

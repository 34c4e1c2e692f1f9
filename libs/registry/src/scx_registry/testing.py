"""A test publisher of the registry: the events the subcontracts service would publish, and nothing else.

A service that includes the registry read model depends on the subcontracts service only through the events in
`scx_contracts`, so its tests do too. `Registry` publishes real, schema-checked events to a real nats-server, with
the envelope the subcontracts service would give them, and never imports that service's code (the architecture
forbids it). For tests only: production code never imports this module.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

import uuid_utils

from scx_contracts import Actor, Envelope
from scx_contracts.registry import EventData
from scx_contracts.subcontracts import (
    ContractAwarded,
    ContractProfileSet,
    MonthlyProfile,
    OrganisationRegistered,
    SubcontractAgreed,
    SubcontractEnded,
    SubcontractTerms,
    SubcontractVaried,
)
from scx_messaging import Bus
from scx_servicekit.events import make_event

DWP_ACTOR = Actor(organisation_id="dwp", organisation_kind="dwp", role="contract_manager", user="dwp-user")


def _new_id() -> str:
    return str(uuid_utils.uuid7())


class Registry:
    """Publishes what the subcontracts service would, and answers with the shapes its API would."""

    def __init__(self, bus: Bus) -> None:
        self.bus = bus
        self.published: list[Envelope] = []

    async def publish(
        self, data: EventData, actor: Actor = DWP_ACTOR, *, occurred_at: datetime | None = None
    ) -> Envelope:
        envelope = make_event(data, producer="subcontracts", actor=actor, occurred_at=occurred_at)
        await self.bus.publish(envelope.subject, envelope.model_dump_json().encode(), msg_id=envelope.event_id)
        self.published.append(envelope)
        return envelope

    async def events(self, event_type: str | None = None) -> list[dict[str, Any]]:
        return [e.model_dump(mode="json") for e in self.published if event_type in (None, e.type)]

    async def register(self, organisation_id: str, kind: str) -> None:
        name = organisation_id.replace("-", " ").title()
        await self.publish(OrganisationRegistered(organisation_id=organisation_id, name=name, kind=kind))

    async def award(self, prime_id: str, area: str, start: date, end: date) -> dict[str, Any]:
        data = ContractAwarded(
            contract_id=_new_id(), prime_id=prime_id, contract_package_area=area, start_date=start, end_date=end,
            value_pence=12_500_000_00, payment_model="pathways-30-50-20",
        )
        await self.publish(data)
        return data.model_dump(mode="json")

    async def set_profile(self, contract: dict[str, Any], revision: int, months: list[dict[str, Any]]) -> None:
        await self.publish(ContractProfileSet(
            contract_id=contract["contract_id"], prime_id=contract["prime_id"], revision=revision,
            months=[MonthlyProfile.model_validate(m) for m in months],
        ))

    async def agree(self, contract: dict[str, Any], partner_id: str, terms: dict[str, Any]) -> dict[str, Any]:
        model = terms["model"]
        agreed = SubcontractAgreed(
            subcontract_id=_new_id(), contract_id=contract["contract_id"], prime_id=contract["prime_id"],
            partner_id=partner_id, model=model, terms=SubcontractTerms.model_validate(_terms(terms)),
        )
        await self.publish(agreed, _prime(contract["prime_id"]))
        return _subcontract(agreed.model_dump(mode="json"), variation=0)

    async def vary(
        self, subcontract: dict[str, Any], reason: str, *, varied_on: date | None = None, **changes: Any
    ) -> dict[str, Any]:
        """The variation, agreed on `varied_on` (today when not given): its event occurred at noon UTC that day."""
        terms = SubcontractTerms.model_validate(_terms({**subcontract, **changes}))
        varied = SubcontractVaried(
            subcontract_id=subcontract["subcontract_id"], contract_id=subcontract["contract_id"],
            prime_id=subcontract["prime_id"], partner_id=subcontract["partner_id"],
            variation=subcontract["variation"] + 1, reason=reason, terms=terms,
        )
        at = datetime.combine(varied_on, time(12), UTC) if varied_on else None
        await self.publish(varied, _prime(subcontract["prime_id"]), occurred_at=at)
        return _subcontract({**varied.model_dump(mode="json"), "model": subcontract["model"]},
                            variation=varied.variation)

    async def end(self, subcontract: dict[str, Any], ended_on: date) -> dict[str, Any]:
        ended = SubcontractEnded(
            subcontract_id=subcontract["subcontract_id"], contract_id=subcontract["contract_id"],
            prime_id=subcontract["prime_id"], partner_id=subcontract["partner_id"], ended_on=ended_on,
            reason="partner_underperformance",
        )
        await self.publish(ended, _prime(subcontract["prime_id"]))
        return {**subcontract, "status": "ended", "ended_on": ended_on.isoformat()}


def _prime(prime_id: str) -> Actor:
    return Actor(organisation_id=prime_id, organisation_kind="prime", role="manager", user=f"{prime_id}-user")


def _terms(given: dict[str, Any]) -> dict[str, Any]:
    keys = (
        "client_group", "share_of_targets_percent", "outcome_payment_share_percent", "services", "monthly_capacity",
        "start_date", "end_date",
    )
    return {k: given[k] for k in keys if given.get(k) is not None}


def _subcontract(event_data: dict[str, Any], *, variation: int) -> dict[str, Any]:
    """The subcontract as the subcontracts API would show it: its identity and terms, flattened."""
    terms = event_data["terms"]
    return {
        "subcontract_id": event_data["subcontract_id"], "contract_id": event_data["contract_id"],
        "prime_id": event_data["prime_id"], "partner_id": event_data["partner_id"], "model": event_data["model"],
        "status": "live", "variation": variation, "ended_on": None, **terms,
    }

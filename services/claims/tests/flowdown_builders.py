"""Builders for the flow-down's tests: the rest of the supply chain (an SLA partner, a signposting one, a second
end-to-end partner), the outcome payment share, outcome payments DWP has paid, and a run authorised.

Until the runs area records which run paid what, an outcome payment DWP has paid is an entitlement marked `paid`
(written here as the runs area would leave it), and a run authorised is its `payment.run_authorised` event, which
claims consumes to flow the payment down.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import uuid_utils

from scx_claims.models.entitlements import entitlements
from scx_contracts import Actor
from scx_contracts.claims import PaymentRunAuthorised
from scx_servicekit.events import make_event
from scx_testing import eventually
from scx_testing.journeys import Referral

from .builders import Stack, today

PAYMENTS_OFFICER = Actor(organisation_id="dwp", organisation_kind="dwp", role="payments_officer", user="officer-pay")


def new_id() -> str:
    return str(uuid_utils.uuid7())


def chain_of(stack: Stack) -> dict[str, dict[str, Any]]:
    assert stack.chain is not None
    return stack.chain.subcontracts


async def widen_chain(stack: Stack) -> None:
    """prime-north also refers to an SLA partner (partner-council), signposts to partner-library, and has a second
    end-to-end partner (partner-east, 50% of outcome payments)."""
    assert stack.chain is not None
    contract = stack.chain.contract
    dates = {"start_date": contract["start_date"], "end_date": contract["end_date"]}
    terms = {
        "partner-council": {"model": "sla", "client_group": {"postcode_districts": ["LS9"]}, **dates},
        "partner-library": {"model": "signposting", **dates},
        "partner-east": {"model": "end_to_end", "client_group": {"postcode_districts": ["LS3"]},
                         "share_of_targets_percent": 20, "outcome_payment_share_percent": 50, **dates},
    }
    for partner_id, partner_terms in terms.items():
        await stack.registry.register(partner_id, "partner")
        stack.chain.subcontracts[partner_id] = await stack.registry.agree(contract, partner_id, partner_terms)
    await stack.synced()


async def share(stack: Stack, percent: int, *, from_on: date, partner: str = "partner-whole") -> dict[str, Any]:
    """A variation giving the end-to-end partner an outcome payment share from `from_on`."""
    subcontracts = chain_of(stack)
    varied = await stack.registry.vary(
        subcontracts[partner], "outcome payment share agreed", varied_on=from_on,
        outcome_payment_share_percent=percent,
    )
    subcontracts[partner] = varied
    await stack.synced()
    return varied


async def paid_outcome(
    stack: Stack, case: Referral, *, amount_pence: int, payable_from: date, kind: str = "job_outcome",
    sequence: int = 1,
) -> str:
    """An outcome payment DWP has paid the prime for the journey (an entitlement marked `paid`)."""
    entitlement_id = new_id()
    async with stack.service.engine.begin() as conn:
        await conn.execute(entitlements.insert().values(
            entitlement_id=entitlement_id, case_id=case.referral_id, contract_id=case.contract_id,
            prime_id=case.prime_id, kind=kind, sequence=sequence, amount_pence=amount_pence,
            tariff_model="pathways-30-50-20", tariff_version=1, payable_from=payable_from, evidence_weeks=[],
            status="paid", computed_at=datetime.now(UTC),
        ))
    return entitlement_id


async def authorise_run(stack: Stack, *, authorised_on: date | None = None) -> str:
    """DWP authorised a payment run on `authorised_on` (today): claims flows it down."""
    on = authorised_on or today()
    run_id = new_id()
    envelope = make_event(PaymentRunAuthorised(
        run_id=run_id, period=f"{on.year:04d}-{on.month:02d}", inputs_digest="0" * 64, authorised_on=on,
    ), producer="claims", actor=PAYMENTS_OFFICER)
    await stack.registry.bus.publish(envelope.subject, envelope.model_dump_json().encode(), msg_id=envelope.event_id)

    async def applied() -> bool:
        return envelope.event_id in await stack.service.applied()

    await eventually(applied, message="claims flows the authorised run down")
    return run_id


async def owed_rows(stack: Stack) -> list[dict[str, Any]]:
    rows = (await stack.service.rows())["partner_owed"]
    return sorted(rows, key=lambda r: r["owed_id"])

"""The referral service's read model of the registry, fed only by the subcontracts service's events: it follows
agreements, variations and ends; applies each event once; and waits for an event's predecessor rather than guess."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Table, func, select

from scx_messaging import Bus
from scx_persistence.tables import dead_letters, inbox
from scx_registry import repository as registry
from scx_registry.models import known_contracts, known_organisations, known_subcontracts
from scx_testing import eventually, example_envelope

from .builders import ORGANISATIONS, Chain, Stack, end, today, vary


async def known(stack: Stack, table: Table) -> dict[str, Any]:
    [key] = table.primary_key.columns
    async with stack.referral.engine.connect() as conn:
        rows = (await conn.execute(select(table))).all()
    return {getattr(row, key.name): row for row in rows}


async def test_the_read_model_follows_the_registry(stack: Stack, chain: Chain) -> None:
    organisations = await known(stack, known_organisations)
    assert {oid: row.kind for oid, row in organisations.items()} == dict(ORGANISATIONS)
    contracts = await known(stack, known_contracts)
    assert {cid: (row.prime_id, row.start_date.isoformat(), row.end_date.isoformat()) for cid, row in
            contracts.items()} == {
        c["contract_id"]: (c["prime_id"], c["start_date"], c["end_date"]) for c in (chain.contract,
                                                                                   chain.other_contract)
    }
    subcontracts = await known(stack, known_subcontracts)
    view = {
        row.partner_id: (row.model, row.postcode_districts, row.health_conditions, row.services, row.monthly_capacity,
                         row.variation, row.ended_on)
        for row in subcontracts.values()
    }
    assert view == {
        "partner-whole": ("end_to_end", ["LS1", "LS2"], [], [], 40, 0, None),
        "partner-mind": ("end_to_end", [], ["mental_health"], [], None, 0, None),
        "partner-skills": ("specialist", [], [], ["british_sign_language", "vocational_training"], None, 0, None),
        "partner-council": ("sla", ["LS9"], [], [], None, 0, None),
        "partner-library": ("signposting", [], [], [], None, 0, None),
    }

    whole = chain.subcontracts["partner-whole"]
    await vary(stack, whole, monthly_capacity=5, client_group={"postcode_districts": ["LS1", "LS2", "LS3"]})
    await end(stack, chain.subcontracts["partner-council"])

    subcontracts = await known(stack, known_subcontracts)
    row = subcontracts[whole["subcontract_id"]]
    assert (row.postcode_districts, row.monthly_capacity, row.variation) == (["LS1", "LS2", "LS3"], 5, 1)
    assert subcontracts[chain.subcontracts["partner-council"]["subcontract_id"]].ended_on == today()


async def consumed_up_to(bus: Bus, sequence: int) -> bool:
    info = await bus.js.consumer_info(bus.settings.stream, "referral")
    return info.ack_floor.stream_seq >= sequence and info.num_ack_pending == 0


async def count(stack: Stack, table: Any) -> int:
    async with stack.referral.engine.connect() as conn:
        return int(await conn.scalar(select(func.count()).select_from(table)) or 0)


async def test_an_event_published_again_is_applied_once(stack: Stack, chain: Chain, bus: Bus) -> None:
    [agreed] = [e for e in await stack.registry.events("subcontract.agreed") if e["data"]["partner_id"] ==
                "partner-whole"]
    applied = await count(stack, inbox)
    before = await known(stack, known_subcontracts)

    # A new Nats-Msg-Id gets past JetStream's duplicate window, as a republish after the window would.
    payload = json.dumps(agreed).encode()
    sequence = await bus.publish("scx.subcontract.agreed.v1", payload, msg_id=f"again-{agreed['event_id']}")
    await eventually(lambda: consumed_up_to(bus, sequence), message="the republished event is consumed")

    assert await count(stack, inbox) == applied
    assert await known(stack, known_subcontracts) == before
    assert await count(stack, dead_letters) == 0


async def test_a_variation_that_arrives_before_its_agreement_waits_for_it(stack: Stack, bus: Bus) -> None:
    agreed = example_envelope("subcontract.agreed", data={"subcontract_id": "sub-early"})
    second = example_envelope("subcontract.varied", data={"subcontract_id": "sub-early", "variation": 2,
                                                           "reason": "second"})
    first = example_envelope("subcontract.varied", data={"subcontract_id": "sub-early", "variation": 1})
    ended = example_envelope("subcontract.ended", data={"subcontract_id": "sub-early", "ended_on": "2026-03-31"})
    second.data["terms"]["monthly_capacity"] = 75

    # Out of order: the second variation, then the end, then the agreement, then the first variation.
    for envelope in (second, ended, agreed, first):
        await bus.publish(envelope.subject, envelope.model_dump_json().encode(), msg_id=envelope.event_id)

    async def settled() -> Any:
        row = (await known(stack, known_subcontracts)).get("sub-early")
        return row if row is not None and row.variation == 2 and row.ended_on is not None else None

    row = await eventually(settled, timeout=20, message="every event of sub-early is applied in order")
    assert (row.monthly_capacity, row.ended_on.isoformat()) == (75, "2026-03-31")
    assert await count(stack, dead_letters) == 0


async def test_the_read_model_keeps_every_profile_revision_and_the_terms(stack: Stack, chain: Chain) -> None:
    contract = chain.contract
    months = [{"month": today().strftime("%Y-%m"), "job_outcomes": 10, "sustained_job_outcomes": 2,
               "work_focused_interviews": 150}]
    # Revision 2 first: each revision is a whole profile, so it applies without waiting for revision 1.
    await stack.registry.set_profile(contract, 2, [{**months[0], "job_outcomes": 6}])
    await stack.registry.set_profile(contract, 1, months)
    await stack.synced()

    row = (await known(stack, known_contracts))[contract["contract_id"]]
    assert (row.value_pence, row.payment_model, row.profile_revision) == (
        contract["value_pence"], contract["payment_model"], 2
    )
    # Read as a service that includes the registry reads it: through its queries.
    async with stack.referral.app.state.runtime.uow_factory.reading() as uow:
        original = await registry.profile(uow, contract["contract_id"], 1)
        revised = await registry.profile(uow, contract["contract_id"], 2)
        chain_of_contract = await registry.subcontracts_of(uow, contract["contract_id"])
    assert [(m.month, m.job_outcomes) for m in original] == [(months[0]["month"], 10)]
    assert [(m.month, m.job_outcomes) for m in revised] == [(months[0]["month"], 6)]
    assert {s.partner_id for s in chain_of_contract} == set(chain.subcontracts)

    skills = (await known(stack, known_subcontracts))[chain.subcontracts["partner-skills"]["subcontract_id"]]
    offered = chain.subcontracts["partner-skills"]["services"]
    assert skills.service_prices == [{"service": s["service"], "price_pence": s["price_pence"]} for s in offered]
    whole = (await known(stack, known_subcontracts))[chain.subcontracts["partner-whole"]["subcontract_id"]]
    assert whole.share_of_targets_percent == chain.subcontracts["partner-whole"]["share_of_targets_percent"]
    await end(stack, chain.subcontracts["partner-council"])
    council = (await known(stack, known_subcontracts))[chain.subcontracts["partner-council"]["subcontract_id"]]
    assert council.end_reason == "partner_underperformance"

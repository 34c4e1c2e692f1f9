"""Supply-chain health on built journeys and flow-down events: an end-to-end partner starved of referrals over three
months, judged month by month against the share it was promised then, a variation changing that share; and how
promptly the prime paid its partners: on time, a day late, unpaid and overdue, and a payment that arrived before
the line it settles."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, timedelta
from typing import Any

import pytest_asyncio
from sqlalchemy import select

from scx_messaging import LocalNatsServer
from scx_subcontracts.models.registry import subcontract_variations
from scx_testing.plugin import MigratedDatabase
from scx_testing.polling import eventually

from .builders import ALEMBIC_INI, DWP, PRIME, today
from .flows_builders import first_day, month_of, months_before, read
from .history_builders import PRIME_ID, History, running_history

THIS_MONTH = month_of(today())


@pytest_asyncio.fixture
async def history(migrated_database: MigratedDatabase, nats_server: LocalNatsServer) -> AsyncIterator[History]:
    async with running_history(migrated_database(ALEMBIC_INI), nats_server.url) as stack:
        await stack.build_chain()
        yield stack


async def health(history: History, headers: dict[str, str] = DWP, **params: Any) -> dict[str, Any]:
    assert history.chain is not None
    return await read(
        history.client, f"/contracts/{history.chain.contract_id}/supply-chain-health", headers,
        **{"from_month": months_before(THIS_MONTH, 3), "to_month": THIS_MONTH, **params},
    )


async def synced_but(history: History, event_id: str) -> None:
    wanted = {
        e["event_id"] for e in [*await history.referrals.events(), *await history.claims.events()]
    } - {event_id}

    async def caught_up() -> bool:
        return wanted <= await history.service.applied()

    await eventually(caught_up, timeout=15.0, message="subcontracts applies all but the early payment")


def months(found: dict[str, Any], partner_id: str = "partner-whole") -> dict[str, dict[str, Any]]:
    line = next(s for s in found["shares"] if s["partner_id"] == partner_id)
    return {m["month"]: m for m in line["months"]}


async def allocate(history: History, on: date, *, whole: int, in_house: int) -> None:
    for partner, n in (("partner-whole", whole), (None, in_house)):
        for _ in range(n):
            await history.started_with(partner, on, started_on=on, allocated_on=on)


async def test_a_partner_starved_for_three_months_and_a_variation_that_lowers_its_promise(history: History) -> None:
    m3, m2, m1 = (months_before(THIS_MONTH, n) for n in (3, 2, 1))
    first = await history.started_with("partner-whole", first_day(m3) + timedelta(days=4))
    await allocate(history, first_day(m3) + timedelta(days=4), whole=0, in_house=3)  # 1 of 4: 25%, as promised
    await history.claims.submitted(first, first_day(m3) + timedelta(days=20))  # the month's only job outcome
    await allocate(history, first_day(m2) + timedelta(days=4), whole=0, in_house=4)  # none: short
    await allocate(history, first_day(m1) + timedelta(days=4), whole=0, in_house=4)  # short again: two in a row
    await allocate(history, today(), whole=0, in_house=4)  # a third: starved
    await history.synced()

    found = await health(history)
    assert found["starvation_rule"] == {"shortfall_points": 5, "consecutive_months": 3}
    assert [s["partner_id"] for s in found["shares"]] == ["partner-whole"]  # end-to-end partners only
    line = found["shares"][0]
    assert line["starved"] is True
    shown = months(found)
    assert list(shown) == [m3, m2, m1, THIS_MONTH]
    assert shown[m3] == {
        "month": m3, "promised_share_percent": 25, "referrals": 1, "contract_referrals": 4,
        "referral_share_percent": 25.0, "referral_shortfall_points": 0.0, "job_outcomes": 1,
        "contract_job_outcomes": 1, "job_outcome_share_percent": 100.0, "job_outcome_shortfall_points": -75.0,
        "short": False, "starved": False,
    }
    assert [(m["referral_share_percent"], m["short"], m["starved"]) for m in shown.values()] == [
        (25.0, False, False), (0.0, True, False), (0.0, True, False), (0.0, True, True),
    ]
    assert shown[m2]["job_outcome_share_percent"] is None  # no job outcome under the contract that month
    # The months before the range still count towards a run: this month alone is starved.
    alone = await health(history, from_month=THIS_MONTH)
    assert [(m["month"], m["starved"]) for m in months(alone).values()] == [(THIS_MONTH, True)]

    # The prime lowers the promise to 5% today: this month is judged by it (0% is exactly 5 points short, not
    # more), the months before by the 25% they ended with.
    assert history.chain is not None
    whole = history.chain.subcontracts["partner-whole"]
    terms = {k: whole[k] for k in ("client_group", "monthly_capacity", "start_date", "end_date")}
    response = await history.client.post(
        f"/subcontracts/{whole['subcontract_id']}/variations",
        json={**terms, "share_of_targets_percent": 5, "reason": "fewer clients in LS1 and LS2"}, headers=PRIME,
    )
    assert response.status_code == 200, response.text
    varied = months(await health(history))
    assert [(m["promised_share_percent"], m["referral_shortfall_points"], m["short"], m["starved"])
            for m in varied.values()] == [
        (25, 0.0, False, False), (25, 25.0, True, False), (25, 25.0, True, False), (5, 5.0, False, False),
    ]
    assert (await health(history))["shares"][0]["starved"] is False
    async with history.service.engine.connect() as conn:  # the history of terms, the agreed terms first
        recorded = (await conn.execute(
            select(subcontract_variations.c.variation, subcontract_variations.c.reason, subcontract_variations.c.terms)
            .where(subcontract_variations.c.subcontract_id == whole["subcontract_id"])
            .order_by(subcontract_variations.c.variation)
        )).all()
    assert [(v, reason, terms["share_of_targets_percent"]) for v, reason, terms in recorded] == [
        (0, "the terms agreed", 25), (1, "fewer clients in LS1 and LS2", 5),
    ]


async def test_how_promptly_the_prime_pays_each_partner(history: History) -> None:
    chain, claims = history.chain, history.claims
    assert chain is not None
    whole, skills = chain.subcontract_id("partner-whole"), chain.subcontract_id("partner-skills")
    journey = await history.started_with("partner-whole", today() - timedelta(days=90))
    owed_on = today() - timedelta(days=60)
    due_on = owed_on + timedelta(days=30)

    async def owe(pence: int, **kwargs: Any) -> str:
        params = {"partner_id": "partner-whole", "subcontract_id": whole, "owed_on": owed_on, "due_on": due_on}
        return await claims.partner_owed(journey, amount_pence=pence, **{**params, **kwargs})

    async def pay(owed_id: str, pence: int, paid_on: date, partner_id: str = "partner-whole") -> None:
        await claims.partner_paid(
            prime_id=PRIME_ID, partner_id=partner_id, owed_ids=[owed_id], amount_pence=pence, paid_on=paid_on,
        )

    on_time = await owe(30_000)
    await pay(on_time, 30_000, due_on)  # on its due date: on time, 30 days after it was owed
    await pay(on_time, 30_000, due_on + timedelta(days=5))  # a second payment naming it: it was settled by the first
    a_day_late = await owe(20_000)
    await pay(a_day_late, 20_000, due_on + timedelta(days=1))
    await owe(5_000)  # never paid: overdue now
    await owe(7_000, owed_on=today(), due_on=today() + timedelta(days=30))  # owed today: outstanding, not overdue
    early = "01900000-0000-7000-8000-00000000e001"
    await pay(early, 1_000, owed_on + timedelta(days=10))  # the payment arrives before the line it settles
    early_payment = str(claims.published[-1].event_id)
    specialist = await owe(45_000, partner_id="partner-skills", subcontract_id=skills, basis="service_price")
    await pay(specialist, 45_000, due_on + timedelta(days=3), partner_id="partner-skills")

    await synced_but(history, early_payment)  # everything else applied; the early payment waits for its line
    assert early_payment not in await history.service.applied()
    waiting = {p["partner_id"]: p for p in (await health(history, from_month=month_of(owed_on)))["payments"]}
    assert (waiting["partner-whole"]["paid_lines"], waiting["partner-whole"]["owed_lines"]) == (2, 4)

    await owe(1_000, owed_id=early)
    await history.synced()
    found = await health(history, from_month=month_of(owed_on))
    assert found["payments"] == [
        {
            "partner_id": "partner-skills", "owed_lines": 1, "owed_pence": 45_000, "paid_lines": 1,
            "paid_pence": 45_000, "paid_on_time": 0, "paid_late": 1, "outstanding_lines": 0, "outstanding_pence": 0,
            "overdue_lines": 0, "overdue_pence": 0, "days_to_pay_p50": 33, "days_to_pay_p90": 33,
        },
        {
            "partner_id": "partner-whole", "owed_lines": 5, "owed_pence": 63_000, "paid_lines": 3,
            "paid_pence": 51_000, "paid_on_time": 2, "paid_late": 1, "outstanding_lines": 2,
            "outstanding_pence": 12_000, "overdue_lines": 1, "overdue_pence": 5_000,
            "days_to_pay_p50": 30, "days_to_pay_p90": 31,  # of 10, 30 and 31 days
        },
    ]
    # A range after the lines were owed and paid shows only what is outstanding now.
    later = await health(history, from_month=THIS_MONTH)
    now = {p["partner_id"]: p for p in later["payments"]}["partner-whole"]
    assert (now["owed_lines"], now["outstanding_lines"], now["overdue_lines"]) == (1, 2, 1)

"""The recoveries ledger: raised by DWP's validating and payments officers, netted run by run against the prime's
statement for the contract, oldest first and never more than the statement's gross; what a run cannot net is
carried forward and netted by the next."""

from __future__ import annotations

from typing import Any

from .builders import (
    AUDITOR,
    CONTRACT_MANAGER,
    JCP,
    OTHER_PRIME,
    PAYMENTS,
    PRIME,
    VALIDATOR,
    WHOLE,
    Stack,
    assert_valid_events,
    problem,
    slug,
    today,
)
from .runs_builders import (
    INSTALMENT,
    authorise,
    due_months,
    month_before,
    prepared,
    recovery_body,
    statement,
    this_month,
)


async def raise_recovery(stack: Stack, amount: int, token: dict[str, str] = VALIDATOR, **more: Any) -> dict[str, Any]:
    assert stack.chain is not None
    response = await stack.client.post("/recoveries", json=recovery_body(stack.chain.contract_id, amount, **more),
                                       headers=token)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


async def test_a_recovery_larger_than_the_statement_is_netted_up_to_its_gross_and_carried_forward(
    stack: Stack,
) -> None:
    """prime-north's first run (last month's) pays a year of its contract's instalments, £1,875,000; it owes back
    £1m and then £1m more: the run nets £1m and £875,000, and carries £125,000 forward to this month's run."""
    assert stack.chain is not None
    period = this_month()
    assert len(due_months(stack, month_before(period))) == 12
    gross = 12 * INSTALMENT
    older = await raise_recovery(stack, 100_000_000)
    newer = await raise_recovery(stack, 100_000_000, token=PAYMENTS, reason="failed_validation")
    assert [e["data"]["amount_pence"] for e in await stack.service.events("payment.recovery_raised")] == [
        100_000_000, 100_000_000,
    ]
    carried = 200_000_000 - gross
    assert carried == 12_500_000

    first = await prepared(stack, month_before(period))
    [north] = [s for s in first["statements"] if s["prime_id"] == "prime-north"]
    assert (north["gross_pence"], north["recoveries_pence"], north["net_pence"]) == (gross, gross, 0)
    assert north["carried_forward_pence"] == carried
    [south] = [s for s in first["statements"] if s["prime_id"] == "prime-south"]  # another prime's: untouched
    assert (south["gross_pence"], south["recoveries_pence"], south["net_pence"]) == (gross, 0, gross)
    body = (await statement(stack, first["run_id"], "prime-north")).json()["statements"][0]
    assert [(r["recovery_id"], r["netted_pence"], r["carried_forward_pence"]) for r in body["recoveries"]] == [
        (older["recovery_id"], 100_000_000, 0), (newer["recovery_id"], gross - 100_000_000, carried),
    ]
    # Nothing is taken off the ledger until the run is authorised.
    listed = (await stack.client.get("/recoveries?outstanding=true", headers=PAYMENTS)).json()["items"]
    assert [r["outstanding_pence"] for r in listed] == [100_000_000, 100_000_000]
    assert (await authorise(stack, first)).status_code == 200
    netted = await stack.service.events("payment.recovery_netted")
    assert [(e["data"]["recovery_id"], e["data"]["amount_pence"]) for e in netted] == [
        (older["recovery_id"], 100_000_000), (newer["recovery_id"], gross - 100_000_000),
    ]
    assert_valid_events(netted)
    listed = (await stack.client.get("/recoveries", headers=PAYMENTS)).json()["items"]
    assert [r["outstanding_pence"] for r in listed] == [0, carried]
    assert [r["recovery_id"] for r in (await stack.client.get("/recoveries?outstanding=false",
                                                               headers=PAYMENTS)).json()["items"]] == [
        older["recovery_id"],
    ]

    second = await prepared(stack, period)  # this month's instalment
    [north] = [s for s in second["statements"] if s["prime_id"] == "prime-north"]
    assert (north["gross_pence"], north["recoveries_pence"], north["net_pence"], north["carried_forward_pence"]) == (
        INSTALMENT, carried, INSTALMENT - carried, 0,
    )
    assert (await authorise(stack, second)).status_code == 200
    recovered = (await stack.client.get(f"/recoveries/{newer['recovery_id']}", headers=PRIME)).json()
    assert recovered["outstanding_pence"] == 0 and recovered["amount_pence"] == 100_000_000


async def test_who_raises_and_who_sees_recoveries(stack: Stack) -> None:
    raised = await raise_recovery(stack, 5_000)
    assert raised["explanation"] and raised["raised_by"] == "dwp"
    assert_valid_events(await stack.service.events("payment.recovery_raised"))
    assert stack.chain is not None
    body = recovery_body(stack.chain.contract_id, 5_000)
    async with stack.service.writes_nothing():
        for token in (AUDITOR, CONTRACT_MANAGER, PRIME, WHOLE, JCP):
            assert problem(await stack.client.post("/recoveries", json=body, headers=token), 403)
    for token in (PRIME, AUDITOR, CONTRACT_MANAGER, PAYMENTS):
        listed = (await stack.client.get("/recoveries", headers=token)).json()["items"]
        assert [r["recovery_id"] for r in listed] == [raised["recovery_id"]]
        one = await stack.client.get(f"/recoveries/{raised['recovery_id']}", headers=token)
        assert one.status_code == 200
    for token in (OTHER_PRIME, WHOLE, JCP):
        assert (await stack.client.get("/recoveries", headers=token)).json()["items"] == []
        assert problem(await stack.client.get(f"/recoveries/{raised['recovery_id']}", headers=token), 404)
    narrowed = await stack.client.get("/recoveries?prime_id=prime-south", headers=PRIME)
    assert narrowed.json()["items"] == []


async def test_a_recovery_on_a_referral_names_its_journey(stack: Stack) -> None:
    case = await stack.open_case(started_on=today().replace(day=1))
    raised = await raise_recovery(stack, 1_200, case_id=case.referral_id)
    [event] = await stack.service.events("payment.recovery_raised")
    assert event["journey_id"] == case.referral_id and raised["case_id"] == case.referral_id


async def test_bad_recoveries_are_refused_naming_the_field_and_write_nothing(stack: Stack) -> None:
    assert stack.chain is not None
    contract = stack.chain.contract_id
    other = str(stack.chain.other_contract["contract_id"])
    cases = [
        ({"amount_pence": 0}, "body.amount_pence", None),
        ({"amount_pence": -5}, "body.amount_pence", None),
        ({"amount_pence": 1.5}, "body.amount_pence", None),
        ({"amount_pence": "100"}, "body.amount_pence", None),
        ({"amount_pence": 10**14}, "body.amount_pence", None),
        ({"reason": "greed"}, "body.reason", None),
        ({"explanation": " padded"}, "body.explanation", None),
        ({"explanation": "x" * 501}, "body.explanation", None),
        ({"prime_id": ""}, "body.prime_id", None),
        ({"contract_id": "no-such-contract"}, "body.contract_id", "unknown-contract"),
        ({"contract_id": other}, "body.contract_id", "unknown-contract"),
        ({"case_id": "no-such-case"}, "body.case_id", "unknown-case"),
        ({"colour": "red"}, "body.colour", None),
    ]
    async with stack.service.writes_nothing():
        for change, field, expected in cases:
            body = {**recovery_body(contract, 1_000), **change}
            response = await stack.client.post("/recoveries", json=body, headers=VALIDATOR)
            found = problem(response, 422, field=field)
            if expected:
                assert slug(found) == expected
        missing = {k: v for k, v in recovery_body(contract, 1_000).items() if k != "reason"}
        problem(await stack.client.post("/recoveries", json=missing, headers=VALIDATOR), 422, field="body.reason")

"""Payment runs over HTTP on SQLite and PostgreSQL: a month's run prepared with its inputs frozen and digested, a
statement per prime and contract in pence (JSON and CSV), authorised by another payments officer, which pays its
lines and issues its statements; the same inputs prepared again give the same statement byte for byte."""

from __future__ import annotations

import csv
import io

from .builders import PAYMENTS, PRIME, Stack, assert_valid_events, problem, slug
from .runs_builders import (
    OTHER_PAYMENTS,
    abandon,
    add_fee,
    authorise,
    month_before,
    prepare,
    prepared,
    seed_month,
    set_entitlement_status,
    statement,
    this_month,
)


async def test_a_run_is_prepared_with_a_statement_per_prime_and_contract_then_authorised_and_paid(
    stack: Stack,
) -> None:
    contracts = await seed_month(stack)
    run = await prepared(stack)
    assert run["status"] == "prepared" and run["period"] == this_month()
    assert [(s["prime_id"], s["contract_id"], s["lines"]) for s in run["statements"]] == sorted([
        ("prime-north", contracts["north"], 4), ("prime-south", contracts["south"], 1),
    ])
    assert run["gross_pence"] == 2 * 15_000_000 + 40_000 + 30_000 + 12_500_000 == run["net_pence"]

    body = (await statement(stack, run["run_id"], "prime-north")).json()
    [north] = body["statements"]
    assert [(line["line"], line["source"], line["kind"], line["amount_pence"]) for line in north["lines"]] == [
        (1, "instalment", "service_fee", 15_000_000), (2, "instalment", "service_fee", 15_000_000),
        (3, "entitlement", "attachment_fee", 40_000), (4, "entitlement", "attachment_fee", 30_000),
    ]
    assert [line["month"] for line in north["lines"][:2]] == [month_before(this_month()), this_month()]
    assert north["gross_pence"] == sum(line["amount_pence"] for line in north["lines"]) == body["net_pence"]
    rows = list(csv.DictReader(io.StringIO((await statement(stack, run["run_id"], "prime-north", csv=True)).text)))
    assert [(r["line"], r["case_id"], r["amount_pence"]) for r in rows] == [
        ("1", "", "15000000"), ("2", "", "15000000"), ("3", "case-a", "40000"), ("4", "case-b", "30000"),
    ]
    assert {r["statement_id"] for r in rows} == {north["statement_id"]}

    authorised = await authorise(stack, run)
    assert authorised.status_code == 200, authorised.text
    assert authorised.json()["status"] == "authorised" and authorised.json()["authorised_by"] == "officer-pay-2"
    tables = await stack.service.rows()
    assert {i["status"] for i in tables["instalments"]} == {"paid"}
    assert {e["status"] for e in tables["entitlements"]} == {"paid"}
    issued = await stack.service.events("payment.statement_issued")
    assert sorted((e["data"]["prime_id"], e["data"]["net_pence"]) for e in issued) == [
        ("prime-north", 30_070_000), ("prime-south", 12_500_000),
    ]
    assert {e["data"]["statement_id"] for e in issued} >= {north["statement_id"]}
    assert_valid_events(await stack.service.events())
    assert len(await stack.service.events("payment.run_prepared")) == 1
    assert len(await stack.service.events("payment.run_authorised")) == 1

    again = await authorise(stack, run)
    assert slug(problem(again, 409)) == "run-not-prepared"
    # Paid lines are in no later run: nothing is paid twice.
    later = await prepare(stack, this_month())
    assert slug(problem(later, 409)) == "period-has-run"


async def test_the_same_inputs_prepared_again_give_the_same_statement_byte_for_byte(stack: Stack) -> None:
    contracts = await seed_month(stack)
    first = await prepared(stack)
    json_bytes = (await statement(stack, first["run_id"], "prime-north")).content
    csv_bytes = (await statement(stack, first["run_id"], "prime-north", csv=True)).content
    assert (await abandon(stack, first)).status_code == 200

    second = await prepared(stack)
    assert second["run_id"] != first["run_id"]
    assert second["inputs_digest"] == first["inputs_digest"]
    assert (await statement(stack, second["run_id"], "prime-north")).content == json_bytes
    assert (await statement(stack, second["run_id"], "prime-north", csv=True)).content == csv_bytes
    assert [s["statement_id"] for s in second["statements"]] == [s["statement_id"] for s in first["statements"]]

    # One more fee changes the digest and prime-north's statement, not prime-south's.
    assert (await abandon(stack, second)).status_code == 200
    await add_fee(stack, "case-c", contract_id=contracts["north"])
    third = await prepared(stack)
    assert third["inputs_digest"] != first["inputs_digest"]
    assert (await statement(stack, third["run_id"], "prime-north")).content != json_bytes
    south = [(await statement(stack, r["run_id"], "prime-south")).content for r in (first, third)]
    assert south[0] == south[1]
    abandoned = await stack.service.events("payment.run_abandoned")
    assert len(abandoned) == 2
    assert_valid_events(abandoned)


async def test_a_period_has_one_run_one_run_is_open_at_a_time_and_runs_go_forward(stack: Stack) -> None:
    await seed_month(stack)
    async with stack.service.writes_nothing():
        assert slug(problem(await prepare(stack, "2999-01"), 422, field="body.period")) == "period-in-future"
        nothing = await prepare(stack, "2001-01")
        assert slug(problem(nothing, 409, field="body.period")) == "nothing-payable"
    earlier = await prepared(stack, month_before(this_month()))
    assert earlier["gross_pence"] == 15_000_000 + 0  # only last month's instalment is due by its end
    async with stack.service.writes_nothing():
        assert slug(problem(await prepare(stack, month_before(this_month())), 409)) == "period-has-run"
        assert slug(problem(await prepare(stack), 409)) == "run-open"
    assert (await authorise(stack, earlier)).status_code == 200
    async with stack.service.writes_nothing():
        passed = await prepare(stack, month_before(this_month(), 2))
        assert slug(problem(passed, 409, field="body.period")) == "period-passed"
    current = await prepared(stack)
    assert current["gross_pence"] == 15_000_000 + 40_000 + 30_000 + 12_500_000


async def test_the_authorising_officer_confirms_the_digest_and_the_inputs_still_stand(stack: Stack) -> None:
    contracts = await seed_month(stack)
    fee = await add_fee(stack, "case-w", contract_id=contracts["north"], amount=20_000)
    run = await prepared(stack)
    async with stack.service.writes_nothing():
        wrong = await stack.client.post(f"/payment-runs/{run['run_id']}/authorisation",
                                        json={"inputs_digest": "0" * 64}, headers=OTHER_PAYMENTS)
        assert slug(problem(wrong, 409, field="body.inputs_digest")) == "inputs-digest-mismatch"
    await set_entitlement_status(stack, fee, "withdrawn")  # the journey no longer supports it
    before = await stack.service.counts()
    changed = await authorise(stack, run)
    assert slug(problem(changed, 409)) == "run-inputs-changed"
    assert await stack.service.counts() == before
    tables = await stack.service.rows()
    assert {i["status"] for i in tables["instalments"]} == {"due"}
    assert (await stack.client.get(f"/payment-runs/{run['run_id']}", headers=PAYMENTS)).json()["status"] == "prepared"
    assert (await abandon(stack, run)).status_code == 200
    again = await prepared(stack)
    assert again["gross_pence"] == run["gross_pence"] - 20_000
    assert (await authorise(stack, again)).status_code == 200


async def test_only_payments_officers_prepare_authorise_and_abandon(stack: Stack) -> None:
    from .builders import AUDITOR, CONTRACT_MANAGER, VALIDATOR

    await seed_month(stack)
    async with stack.service.writes_nothing():
        for token in (AUDITOR, CONTRACT_MANAGER, VALIDATOR, PRIME):
            assert problem(await prepare(stack, token=token), 403)
    run = await prepared(stack)
    async with stack.service.writes_nothing():
        for token in (AUDITOR, CONTRACT_MANAGER, VALIDATOR, PRIME):
            assert problem(await authorise(stack, run, token=token), 403)
            assert problem(await abandon(stack, run, token=token), 403)

"""Payment runs over HTTP on SQLite and PostgreSQL: a month's run prepared with its inputs frozen and digested, a
statement per prime and contract in pence (JSON and CSV), authorised by another payments officer, which pays its
lines and issues its statements; the same inputs prepared again give the same statement byte for byte."""

from __future__ import annotations

import csv
import io

from .builders import PAYMENTS, PRIME, Stack, assert_valid_events, problem, slug, today
from .runs_builders import (
    FIRST_YEAR_FEE,
    INSTALMENT,
    OTHER_PAYMENTS,
    SECOND_YEAR_FEE,
    abandon,
    authorise,
    due_months,
    entitlements_of,
    month_before,
    prepare,
    prepared,
    seed_month,
    set_entitlement_status,
    start_on,
    statement,
    this_month,
)


async def test_a_run_is_prepared_with_a_statement_per_prime_and_contract_then_authorised_and_paid(
    stack: Stack,
) -> None:
    seeded = await seed_month(stack)
    due = due_months(stack, this_month())
    assert len(due) == 13  # the contracts started a year ago this month, and no run has paid them
    run = await prepared(stack)
    assert run["status"] == "prepared" and run["period"] == this_month()
    assert [(s["prime_id"], s["contract_id"], s["lines"]) for s in run["statements"]] == sorted([
        ("prime-north", seeded.north, 13), ("prime-north", seeded.work_programme, 2),
        ("prime-south", seeded.south, 13),
    ])
    fees = FIRST_YEAR_FEE + SECOND_YEAR_FEE
    assert run["gross_pence"] == 2 * 13 * INSTALMENT + fees == run["net_pence"]

    body = (await statement(stack, run["run_id"], "prime-north")).json()
    assert [s["contract_id"] for s in body["statements"]] == sorted([seeded.north, seeded.work_programme])
    by_contract = {s["contract_id"]: s for s in body["statements"]}
    pathways, work_programme = by_contract[seeded.north], by_contract[seeded.work_programme]
    assert [(line["line"], line["source"], line["kind"], line["month"], line["amount_pence"])
            for line in pathways["lines"]] == [
        (n, "instalment", "service_fee", month, INSTALMENT) for n, month in enumerate(due, start=1)
    ]
    assert [(line["line"], line["source"], line["kind"], line["case_id"], line["amount_pence"])
            for line in work_programme["lines"]] == [
        (1, "entitlement", "attachment_fee", seeded.first_year.referral_id, FIRST_YEAR_FEE),
        (2, "entitlement", "attachment_fee", seeded.this_month.referral_id, SECOND_YEAR_FEE),
    ]
    for s in (pathways, work_programme):
        assert s["gross_pence"] == sum(line["amount_pence"] for line in s["lines"]) == s["net_pence"]
    assert body["net_pence"] == 13 * INSTALMENT + fees
    rows = list(csv.DictReader(io.StringIO((await statement(stack, run["run_id"], "prime-north", csv=True)).text)))
    expected = {
        seeded.north: [(str(n), "", str(INSTALMENT)) for n in range(1, 14)],
        seeded.work_programme: [("1", seeded.first_year.referral_id, str(FIRST_YEAR_FEE)),
                                ("2", seeded.this_month.referral_id, str(SECOND_YEAR_FEE))],
    }
    assert [(r["line"], r["case_id"], r["amount_pence"]) for r in rows] == [
        row for contract in sorted(expected) for row in expected[contract]
    ]
    assert [(r["contract_id"], r["statement_id"]) for r in rows] == [
        (contract, by_contract[contract]["statement_id"]) for contract in sorted(expected)
        for _ in expected[contract]
    ]

    authorised = await authorise(stack, run)
    assert authorised.status_code == 200, authorised.text
    assert authorised.json()["status"] == "authorised" and authorised.json()["authorised_by"] == "officer-pay-2"
    tables = await stack.service.rows()
    # What the run paid is paid; the instalments of the months to come are still due.
    assert {(i["month"] <= this_month(), i["status"]) for i in tables["instalments"]} == {
        (True, "paid"), (False, "due"),
    }
    assert sum(i["status"] == "paid" for i in tables["instalments"]) == 2 * 13
    assert {e["status"] for e in tables["entitlements"]} == {"paid"} and len(tables["entitlements"]) == 2
    issued = await stack.service.events("payment.statement_issued")
    assert sorted((e["data"]["prime_id"], e["data"]["contract_id"], e["data"]["net_pence"]) for e in issued) == sorted([
        ("prime-north", seeded.north, 13 * INSTALMENT), ("prime-north", seeded.work_programme, fees),
        ("prime-south", seeded.south, 13 * INSTALMENT),
    ])
    assert {e["data"]["statement_id"] for e in issued} >= {pathways["statement_id"], work_programme["statement_id"]}
    assert_valid_events(await stack.service.events())
    assert len(await stack.service.events("payment.run_prepared")) == 1
    assert len(await stack.service.events("payment.run_authorised")) == 1

    again = await authorise(stack, run)
    assert slug(problem(again, 409)) == "run-not-prepared"
    # Paid lines are in no later run: nothing is paid twice.
    later = await prepare(stack, this_month())
    assert slug(problem(later, 409)) == "period-has-run"


async def test_the_same_inputs_prepared_again_give_the_same_statement_byte_for_byte(stack: Stack) -> None:
    seeded = await seed_month(stack)
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

    # One more journey's fee changes the digest and prime-north's statement, not prime-south's.
    assert (await abandon(stack, second)).status_code == 200
    await start_on(stack, seeded.work_programme, today().replace(day=1))
    third = await prepared(stack)
    assert third["inputs_digest"] != first["inputs_digest"]
    assert third["gross_pence"] == first["gross_pence"] + SECOND_YEAR_FEE
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
    last_month = month_before(this_month())
    earlier = await prepared(stack, last_month)
    # Only what was payable by last month's end: a year of each contract's instalments and the first-year fee.
    assert len(due_months(stack, last_month)) == 12
    assert earlier["gross_pence"] == 2 * 12 * INSTALMENT + FIRST_YEAR_FEE
    async with stack.service.writes_nothing():
        assert slug(problem(await prepare(stack, last_month), 409)) == "period-has-run"
        assert slug(problem(await prepare(stack), 409)) == "run-open"
    assert (await authorise(stack, earlier)).status_code == 200
    async with stack.service.writes_nothing():
        passed = await prepare(stack, month_before(this_month(), 2))
        assert slug(problem(passed, 409, field="body.period")) == "period-passed"
    # This month's run pays what the last one did not, and nothing it paid.
    current = await prepared(stack)
    assert current["gross_pence"] == 2 * INSTALMENT + SECOND_YEAR_FEE


async def test_the_authorising_officer_confirms_the_digest_and_the_inputs_still_stand(stack: Stack) -> None:
    seeded = await seed_month(stack)
    case = await start_on(stack, seeded.work_programme, today().replace(day=1))
    [fee] = await entitlements_of(stack, case)
    run = await prepared(stack)
    async with stack.service.writes_nothing():
        wrong = await stack.client.post(f"/payment-runs/{run['run_id']}/authorisation",
                                        json={"inputs_digest": "0" * 64}, headers=OTHER_PAYMENTS)
        assert slug(problem(wrong, 409, field="body.inputs_digest")) == "inputs-digest-mismatch"
    await set_entitlement_status(stack, fee["entitlement_id"], "withdrawn")  # the journey no longer supports it
    before = await stack.service.counts()
    changed = await authorise(stack, run)
    assert slug(problem(changed, 409)) == "run-inputs-changed"
    assert await stack.service.counts() == before
    tables = await stack.service.rows()
    assert {i["status"] for i in tables["instalments"]} == {"due"}
    assert {e["status"] for e in tables["entitlements"]} == {"payable", "withdrawn"}
    assert (await stack.client.get(f"/payment-runs/{run['run_id']}", headers=PAYMENTS)).json()["status"] == "prepared"
    assert (await abandon(stack, run)).status_code == 200
    again = await prepared(stack)
    assert again["gross_pence"] == run["gross_pence"] - fee["amount_pence"] == run["gross_pence"] - SECOND_YEAR_FEE
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

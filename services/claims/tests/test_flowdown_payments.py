"""The prime records what it paid a partner and when; the partner's statement shows each line owed, overdue or
paid; timeliness per prime and partner. Who sees what; bad input writes nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from .builders import (
    AUDITOR,
    CONTRACT_MANAGER,
    IDLE,
    JCP,
    OTHER_PRIME,
    PRIME,
    PRIME_ADVISER,
    SKILLS,
    VALIDATOR,
    WHOLE,
    Stack,
    assert_valid_events,
    problem,
    slug,
    today,
)
from .flowdown_builders import authorise_run, chain_of, paid_outcome, share

START = today() - timedelta(days=200)
PATH = "/flow-down/payments"


async def owing(stack: Stack) -> dict[str, list[dict[str, Any]]]:
    """partner-whole owed two shares from a run DWP paid 40 days ago (overdue now) and one from a run 5 days ago;
    partner-skills owed a service's price from the later run."""
    await share(stack, 60, from_on=START)
    case = await stack.open_case(started_on=START, partner="partner-whole", sync=False)
    skills = chain_of(stack)["partner-skills"]
    await stack.cases.specialist_delivered(case, partner_id="partner-skills", subcontract_id=skills["subcontract_id"],
                                           service="british_sign_language", on=today() - timedelta(days=10))
    await stack.synced()
    await paid_outcome(stack, case, amount_pence=100_000, payable_from=START + timedelta(days=40))
    await paid_outcome(stack, case, amount_pence=50_001, payable_from=START + timedelta(days=100),
                       kind="sustained_job_outcome")
    await authorise_run(stack, authorised_on=today() - timedelta(days=40))
    await paid_outcome(stack, case, amount_pence=20_000, payable_from=START + timedelta(days=130),
                       kind="sustainment_payment")
    await authorise_run(stack, authorised_on=today() - timedelta(days=5))
    return {
        partner: (await stack.client.get(f"/flow-down/statements/{partner}", headers=PRIME)).json()["items"]
        for partner in ("partner-whole", "partner-skills")
    }


def body(lines: list[dict[str, Any]], **overrides: Any) -> dict[str, Any]:
    return {
        "partner_id": lines[0]["partner_id"], "amount_pence": sum(line["amount_pence"] for line in lines),
        "paid_on": today().isoformat(), "owed_ids": [line["owed_id"] for line in lines], **overrides,
    }


async def test_a_payment_settles_lines_and_the_statement_shows_owed_overdue_and_paid(stack: Stack) -> None:
    lines = await owing(stack)
    whole = sorted(lines["partner-whole"], key=lambda line: line["due_on"])
    assert [(line["amount_pence"], line["status"]) for line in whole] == [
        (60_000, "overdue"), (30_000, "overdue"), (12_000, "owed"),
    ]
    paid_on = today() - timedelta(days=2)

    paid = await stack.client.post(PATH, json=body(whole[:1], paid_on=paid_on.isoformat()), headers=PRIME)

    assert paid.status_code == 201, paid.text
    assert paid.json()["amount_pence"] == 60_000 and paid.json()["owed_ids"] == [whole[0]["owed_id"]]
    statement = (await stack.client.get("/flow-down/statements/partner-whole", headers=WHOLE)).json()
    by_id = {line["owed_id"]: line for line in statement["items"]}
    assert (by_id[whole[0]["owed_id"]]["status"], by_id[whole[0]["owed_id"]]["paid_on"]) == ("paid", str(paid_on))
    assert by_id[whole[0]["owed_id"]]["payment_id"] == paid.json()["payment_id"]
    assert statement["totals"] == {
        "lines": 3, "owed_pence": 102_000, "paid_pence": 60_000, "outstanding_pence": 42_000,
        "overdue_pence": 30_000, "overdue_lines": 1,
    }
    [event] = await stack.service.events("payment.partner_paid")
    assert event["data"]["owed_ids"] == [whole[0]["owed_id"]] and event["data"]["paid_on"] == str(paid_on)
    assert_valid_events([event])

    report = (await stack.client.get("/flow-down/timeliness", headers=CONTRACT_MANAGER)).json()
    assert report["payment_terms_days"] == 30
    assert [(r["prime_id"], r["partner_id"], r["lines_paid"], r["mean_days_to_pay"], r["paid_late"], r["unpaid"],
             r["overdue"]) for r in report["items"]] == [
        ("prime-north", "partner-skills", 0, None, 0, 1, 0),
        ("prime-north", "partner-whole", 1, 38.0, 1, 2, 1),  # paid 38 days after DWP, 8 days late
    ]


async def test_the_statement_pages_and_keeps_its_totals(stack: Stack) -> None:
    lines = await owing(stack)
    first = (await stack.client.get("/flow-down/statements/partner-whole", params={"limit": 2},
                                    headers=AUDITOR)).json()
    second = (await stack.client.get("/flow-down/statements/partner-whole",
                                     params={"limit": 2, "cursor": first["next_cursor"]}, headers=AUDITOR)).json()
    assert len(first["items"]) == 2 and len(second["items"]) == 1 and second["next_cursor"] is None
    assert {i["owed_id"] for i in first["items"] + second["items"]} == {i["owed_id"] for i in lines["partner-whole"]}
    assert first["totals"] == second["totals"] and first["totals"]["lines"] == 3


async def test_who_sees_a_statement(stack: Stack) -> None:
    await owing(stack)
    for headers in (WHOLE, PRIME, PRIME_ADVISER, AUDITOR, VALIDATOR, CONTRACT_MANAGER):
        got = await stack.client.get("/flow-down/statements/partner-whole", headers=headers)
        assert got.status_code == 200 and got.json()["totals"]["lines"] == 3, got.text
    for name, headers in {"another partner": SKILLS, "an unrelated partner": IDLE, "another prime": OTHER_PRIME,
                          "JCP": JCP}.items():
        assert slug(problem(await stack.client.get("/flow-down/statements/partner-whole", headers=headers), 404)) == (
            "not-found"
        ), name
    # a prime sees only partners in its own chain, and only what it owes them
    problem(await stack.client.get("/flow-down/statements/partner-idle", headers=PRIME), 404)
    problem(await stack.client.get("/flow-down/statements/partner-whole", params={"prime_id": "prime-south"},
                                   headers=PRIME), 404)
    problem(await stack.client.get("/flow-down/statements/nobody-at-all", headers=AUDITOR), 404)
    assert (await stack.client.get("/flow-down/statements/partner-idle", headers=IDLE)).json()["totals"]["lines"] == 0
    # timeliness: a partner sees its own rows, another prime none, JCP nothing at all
    mine = (await stack.client.get("/flow-down/timeliness", headers=SKILLS)).json()["items"]
    assert [(r["prime_id"], r["partner_id"]) for r in mine] == [("prime-north", "partner-skills")]
    assert (await stack.client.get("/flow-down/timeliness", headers=OTHER_PRIME)).json()["items"] == []
    widened = await stack.client.get("/flow-down/timeliness", params={"partner_id": "partner-whole"}, headers=SKILLS)
    assert widened.json()["items"] == []
    problem(await stack.client.get("/flow-down/timeliness", headers=JCP), 403)


@pytest.mark.parametrize(
    ("who", "headers"),
    [("an adviser", PRIME_ADVISER), ("the auditor", AUDITOR), ("a DWP officer", CONTRACT_MANAGER),
     ("the partner", WHOLE), ("JCP", JCP)],
)
async def test_only_the_primes_managers_record_a_payment(stack: Stack, who: str, headers: dict[str, str]) -> None:
    lines = await owing(stack)
    async with stack.service.writes_nothing():
        problem(await stack.client.post(PATH, json=body(lines["partner-whole"]), headers=headers), 403)


async def test_bad_payments_name_the_field_and_write_nothing(stack: Stack) -> None:
    lines = await owing(stack)
    whole, skills = lines["partner-whole"], lines["partner-skills"]
    earliest = min(line["dwp_paid_on"] for line in whole)
    cases: list[tuple[dict[str, Any], dict[str, str], int, str]] = [
        (body(whole, amount_pence=1), PRIME, 422, "body.amount_pence"),
        (body(whole, amount_pence=-1), PRIME, 422, "body.amount_pence"),
        (body(whole, paid_on=(today() + timedelta(days=1)).isoformat()), PRIME, 422, "body.paid_on"),
        (body(whole, paid_on=earliest), PRIME, 422, "body.paid_on"),  # before the later run's payment
        (body(whole, owed_ids=[whole[0]["owed_id"], "no-such-line"]), PRIME, 422, "body.owed_ids.1"),
        (body(whole, owed_ids=[whole[0]["owed_id"], skills[0]["owed_id"]]), PRIME, 422, "body.owed_ids.1"),
        (body(whole, owed_ids=[whole[0]["owed_id"]] * 2), PRIME, 422, "body.owed_ids"),
        (body(whole, owed_ids=[]), PRIME, 422, "body.owed_ids"),
        (body(whole, partner_id="partner-skills"), PRIME, 422, "body.owed_ids.0"),
        (body(whole, note="thanks"), PRIME, 422, "body.note"),
        (body(whole, amount_pence="102000"), PRIME, 422, "body.amount_pence"),
        (body(whole), OTHER_PRIME, 422, "body.owed_ids.0"),  # not lines it owes: they do not exist for it
    ]
    async with stack.service.writes_nothing():
        for sent, headers, status, field in cases:
            problem(await stack.client.post(PATH, json=sent, headers=headers), status, field=field)


async def test_a_line_is_settled_once_and_a_retried_payment_is_recorded_once(stack: Stack) -> None:
    whole = (await owing(stack))["partner-whole"]
    key = {"Idempotency-Key": "payment-run-1-whole"}
    first = await stack.client.post(PATH, json=body(whole[:1]), headers={**PRIME, **key})
    again = await stack.client.post(PATH, json=body(whole[:1]), headers={**PRIME, **key})
    assert first.status_code == again.status_code == 201 and first.json() == again.json()

    async with stack.service.writes_nothing():
        settled = await stack.client.post(PATH, json=body(whole), headers=PRIME)
    assert slug(problem(settled, 409, field="body.owed_ids.0")) == "owed-line-settled"
    assert len(await stack.service.events("payment.partner_paid")) == 1

"""Who sees which run and statement: DWP every one; a prime the runs it has a statement in, and only its own
statement; partners and JCP nothing (404). The auditor reads and changes nothing; an officer who approved a claim in
a run cannot authorise it (maker-checker)."""

from __future__ import annotations

from datetime import date

import pytest

from scx_claims.rules.runs import PayableInput
from scx_claims.service import runs

from .builders import (
    AUDITOR,
    CONTRACT_MANAGER,
    IDLE,
    JCP,
    OPERATOR,
    OTHER_PRIME,
    PAYMENTS,
    PRIME,
    SKILLS,
    VALIDATOR_AND_PAYMENTS,
    WHOLE,
    Stack,
    bearer,
    problem,
    slug,
)
from .entitlements_builders import award_work_programme
from .runs_builders import (
    INSTALMENT,
    OTHER_PAYMENTS,
    abandon,
    authorise,
    due_months,
    prepare,
    prepared,
    seed_month,
    statement,
    this_month,
)

DWP_READERS = {"auditor": AUDITOR, "contract manager": CONTRACT_MANAGER, "operator": OPERATOR,
               "payments officer": PAYMENTS}
NOBODY = {"an end-to-end partner": WHOLE, "a specialist partner": SKILLS, "an idle partner": IDLE, "JCP": JCP}


async def test_dwp_sees_every_statement_a_prime_its_own_and_partners_and_jcp_nothing(stack: Stack) -> None:
    await seed_month(stack)
    run = await prepared(stack)
    path = f"/payment-runs/{run['run_id']}"
    for token in DWP_READERS.values():
        seen = (await stack.client.get(path, headers=token)).json()
        assert [s["prime_id"] for s in seen["statements"]] == ["prime-north", "prime-north", "prime-south"]
        assert [r["run_id"] for r in (await stack.client.get("/payment-runs", headers=token)).json()["items"]] == [
            run["run_id"]
        ]
        for prime in ("prime-north", "prime-south"):
            assert (await statement(stack, run["run_id"], prime, token)).status_code == 200
    # prime-north has a statement for each of its two contracts; prime-south one.
    for token, own, other, contracts in ((PRIME, "prime-north", "prime-south", 2),
                                         (OTHER_PRIME, "prime-south", "prime-north", 1)):
        seen = (await stack.client.get(path, headers=token)).json()
        assert [s["prime_id"] for s in seen["statements"]] == [own] * contracts
        assert seen["net_pence"] == sum(s["net_pence"] for s in seen["statements"]) < run["net_pence"]
        listed = (await stack.client.get("/payment-runs", headers=token)).json()["items"]
        assert [[s["prime_id"] for s in r["statements"]] for r in listed] == [[own] * contracts]
        assert (await statement(stack, run["run_id"], own, token)).status_code == 200
        assert (await statement(stack, run["run_id"], own, token, csv=True)).status_code == 200
        assert problem(await statement(stack, run["run_id"], other, token), 404)
        assert problem(await statement(stack, run["run_id"], other, token, csv=True), 404)
    for token in NOBODY.values():
        assert problem(await stack.client.get(path, headers=token), 404)
        assert (await stack.client.get("/payment-runs", headers=token)).json()["items"] == []
        assert problem(await statement(stack, run["run_id"], "prime-north", token), 404)
        async with stack.service.writes_nothing():
            assert problem(await authorise(stack, run, token=token), 404)
            assert problem(await abandon(stack, run, token=token), 404)
    assert problem(await stack.client.get("/payment-runs/no-such-run", headers=PAYMENTS), 404)
    assert problem(await statement(stack, run["run_id"], "prime-idle", PAYMENTS), 404)
    # A prime can see its run but may not act on it.
    async with stack.service.writes_nothing():
        assert problem(await authorise(stack, run, token=PRIME), 403)
        assert problem(await authorise(stack, run, token=AUDITOR), 403)


async def test_a_prime_without_a_statement_in_a_run_does_not_see_it(stack: Stack) -> None:
    """prime-east holds a Work Programme contract (no service fee) with no journeys yet: nothing of it is paid."""
    await stack.registry.register("prime-east", "prime")
    await award_work_programme(stack, prime_id="prime-east")
    east = bearer("prime-east", "prime", "manager")
    run = await prepared(stack)
    assert {s["prime_id"] for s in run["statements"]} == {"prime-north", "prime-south"}
    assert (await stack.client.get(f"/payment-runs/{run['run_id']}", headers=OTHER_PRIME)).status_code == 200
    assert problem(await stack.client.get(f"/payment-runs/{run['run_id']}", headers=east), 404)
    assert (await stack.client.get("/payment-runs", headers=east)).json()["items"] == []
    assert problem(await statement(stack, run["run_id"], "prime-east", east), 404)
    filtered = await stack.client.get(f"/payment-runs?period={this_month()}&status=prepared", headers=PAYMENTS)
    assert [r["run_id"] for r in filtered.json()["items"]] == [run["run_id"]]
    assert (await stack.client.get("/payment-runs?status=authorised", headers=PAYMENTS)).json()["items"] == []


async def test_an_officer_who_approved_a_claim_in_the_run_cannot_authorise_it(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Approved claims are one more source of the run's inputs; here a stand-in for the claims area's, approved by
    officer-both (a validator who is also a payments officer)."""
    assert stack.chain is not None
    contract = stack.chain.contract_id
    paid: list[str] = []

    async def approved_claims(_uow: object, _period: str, _last_day: date) -> list[PayableInput]:
        return [PayableInput(
            source="claim", source_id="claim-1", prime_id="prime-north", contract_id=contract, case_id="case-j",
            kind="job_outcome", sequence=1, month=None, payable_from=date(2026, 1, 5),
            tariff_model="pathways-30-50-20", tariff_version=1, amount_pence=250_000, approved_by="officer-both",
        )]

    async def pay_claims(_uow: object, run_id: str) -> int:
        paid.append(run_id)
        return 1

    monkeypatch.setattr(runs, "SOURCES", (*runs.SOURCES, runs.InputSource("claim", approved_claims, pay_claims)))
    run = await prepared(stack)
    assert run["gross_pence"] == 250_000 + 2 * len(due_months(stack, this_month())) * INSTALMENT
    [claimed] = [s for s in run["statements"] if s["prime_id"] == "prime-north"]
    assert claimed["gross_pence"] == 250_000 + len(due_months(stack, this_month())) * INSTALMENT
    async with stack.service.writes_nothing():
        refused = await authorise(stack, run, token=VALIDATOR_AND_PAYMENTS)
        assert slug(problem(refused, 403)) == "approver-cannot-authorise"
        assert "officer-both" in refused.json()["detail"]
    assert paid == []
    maker = bearer("dwp", "dwp", "payments_officer", user="officer-pay")
    assert (await authorise(stack, run, token=maker)).status_code == 200
    assert paid == [run["run_id"]]


async def test_runs_and_statements_answer_bad_tokens_with_401(stack: Stack) -> None:
    from scx_testing.api import bad_tokens

    for header in bad_tokens("dwp", "dwp", "payments_officer").values():
        headers = {"Authorization": header} if header else {}
        assert (await stack.client.get("/payment-runs", headers=headers)).status_code == 401
        assert (await stack.client.post("/payment-runs", json={"period": this_month()},
                                        headers=headers)).status_code == 401
        assert (await stack.client.get("/recoveries", headers=headers)).status_code == 401


async def test_bad_run_requests_name_the_field_and_write_nothing(stack: Stack) -> None:
    await seed_month(stack)
    async with stack.service.writes_nothing():
        for period in ("2026-13", "2026-1", "26-01", 202601, "", None, "2026-01-01", "\uff12\uff10\uff12\uff16-01"):
            problem(await stack.client.post("/payment-runs", json={"period": period}, headers=PAYMENTS), 422,
                    field="body.period")
        problem(await stack.client.post("/payment-runs", json={}, headers=PAYMENTS), 422, field="body.period")
        problem(await stack.client.post("/payment-runs", json={"period": this_month(), "dry": True},
                                        headers=PAYMENTS), 422, field="body.dry")
    run = await prepared(stack)
    path = f"/payment-runs/{run['run_id']}"
    async with stack.service.writes_nothing():
        for digest in ("A" * 64, "0" * 63, 5, None, ""):
            problem(await stack.client.post(f"{path}/authorisation", json={"inputs_digest": digest},
                                            headers=OTHER_PAYMENTS), 422, field="body.inputs_digest")
        for reason in ("", " padded", "x" * 501, "bell\u0007"):
            problem(await stack.client.post(f"{path}/abandonment", json={"reason": reason}, headers=PAYMENTS), 422,
                    field="body.reason")
        problem(await stack.client.get("/payment-runs?period=2026-13", headers=PAYMENTS), 422, field="query.period")
        problem(await stack.client.get("/payment-runs?status=paid", headers=PAYMENTS), 422, field="query.status")


async def test_a_retried_preparation_or_authorisation_does_it_once(stack: Stack) -> None:
    await seed_month(stack)
    key = {"Idempotency-Key": "prepare-this-month"}
    first = await stack.client.post("/payment-runs", json={"period": this_month()}, headers={**PAYMENTS, **key})
    again = await stack.client.post("/payment-runs", json={"period": this_month()}, headers={**PAYMENTS, **key})
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replay"] == "true" and again.json() == first.json()
    assert again.headers["Location"] == f"/payment-runs/{first.json()['run_id']}"
    run = first.json()
    headers = {**OTHER_PAYMENTS, "Idempotency-Key": "authorise-it"}
    body = {"inputs_digest": run["inputs_digest"]}
    one = await stack.client.post(f"/payment-runs/{run['run_id']}/authorisation", json=body, headers=headers)
    two = await stack.client.post(f"/payment-runs/{run['run_id']}/authorisation", json=body, headers=headers)
    assert one.status_code == two.status_code == 200 and two.headers["Idempotent-Replay"] == "true"
    assert len(await stack.service.events("payment.run_authorised")) == 1
    assert len(await stack.service.events("payment.run_prepared")) == 1
    assert slug(problem(await prepare(stack), 409)) == "period-has-run"

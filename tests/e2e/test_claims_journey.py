"""A claimant's journey to a paid job outcome and the partner's share, over real processes (nats-server,
subcontracts, referral, case_tracking and claims on SQLite): refer → start → allocate to an end-to-end partner with
an outcome payment share → the case opened at the partner → a job start → weekly hours (7.99, then 8) → the job
outcome payable in claims → evidence and a claim (retried with its Idempotency-Key: one claim) → DWP's approval →
a run prepared by one payments officer, refused to the approver, authorised by another → the prime's statement
line → the partner's share owed, paid by the prime, on the partner's statement; each party seeing only what it
may, and every event of the stream valid, pseudonymous and free of the notes kept in claims."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest

from scx_cli.stack import LocalStack, ServiceSpec
from scx_messaging.local import free_port
from scx_testing.api import assert_valid_events

from .support import Headers, bearer, stream_events, until

pytestmark = pytest.mark.e2e




DWP = bearer("dwp", "dwp", "contract_manager")
AUDITOR = bearer("dwp", "dwp", "auditor")
VALIDATOR = bearer("dwp", "dwp", "validator", user="val-vera")
PAYMENTS = bearer("dwp", "dwp", "payments_officer", user="pay-paul")  # prepares the run
AUTHORISER = bearer("dwp", "dwp", "payments_officer", user="pay-priya")  # authorises it
APPROVER_AS_OFFICER = bearer("dwp", "dwp", "validator", "payments_officer", user="val-vera")  # maker ≠ checker
JCP = bearer("jcp-south-tyneside", "jcp", "referrer")
PRIME = bearer("prime-a", "prime", "manager")
PARTNER = bearer("partner-a", "partner", "manager")  # end-to-end, 40% of the outcome payments
OTHER_PRIME = bearer("prime-b", "prime", "manager")
OTHER_PARTNER = bearer("partner-b", "partner", "manager")  # prime-a's SLA partner
STRANGERS = {"another prime": OTHER_PRIME, "another partner": OTHER_PARTNER, "JCP": JCP}
ORGANISATIONS = [
    ("dwp", "dwp"), ("jcp-south-tyneside", "jcp"), ("prime-a", "prime"), ("prime-b", "prime"),
    ("partner-a", "partner"), ("partner-b", "partner"),
]

NINO = "JK 98 76 54 A"
VALUE = 500_000_000  # £5m: 50% ÷ 10 profiled job outcomes is £250,000 an outcome
JOB_OUTCOME = VALUE // 2 // 10
SHARE = 40
# Free text sent on the way: kept in claims, shown to the parties, never in an event.
EVIDENCE_NOTE = "Payslip from the employer for the week of 8 hours"
APPROVAL_NOTE = "Payslip agrees with the hours reported"

TODAY = datetime.now(UTC).date()


def days_ago(n: int) -> date:
    return TODAY - timedelta(days=n)


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LocalStack, str]]:
    services = [ServiceSpec(name, free_port()) for name in ("subcontracts", "referral", "case_tracking", "claims")]
    quick = {"CONSUMER_ACK_WAIT_SECONDS": "2", "CONSUMER_RETRY_DELAY_SECONDS": "0.2"}
    running = LocalStack(
        data_dir=tmp_path_factory.mktemp("claims-journey") / "data", services=services, nats_port=free_port(),
        extra_env={
            f"SCX_{s.upper()}_{k}": v for s in ("referral", "case_tracking", "claims") for k, v in quick.items()
        },
    )
    try:
        running.start()
        with httpx.Client(base_url=services[0].url, timeout=10) as sub:
            contract_id = build_chain(sub)
        yield running, contract_id
    finally:
        running.stop()




def send(client: httpx.Client, method: str, path: str, headers: Headers, body: Any = None, expect: int = 200,
         **extra: str) -> Any:
    response = client.request(method, path, headers={**headers, **extra}, json=body)
    assert response.status_code == expect, f"{method} {path}: {response.status_code} {response.text}"
    return response.json()


def refused(
    client: httpx.Client, method: str, path: str, headers: Headers, status: int, body: Any = None, who: str = ""
) -> str:
    response = client.request(method, path, headers=headers, json=body)
    assert response.status_code == status, f"{who} {method} {path}: {response.status_code} {response.text}"
    assert response.headers["content-type"] == "application/problem+json"
    return str(response.json()["type"])


def build_chain(sub: httpx.Client) -> str:
    """DWP registers everyone and awards prime-a a Pathways contract with a profile (it prices the outcomes);
    prime-a agrees an end-to-end subcontract with partner-a carrying an outcome payment share, and an SLA one with
    partner-b."""
    for org, kind in ORGANISATIONS:
        send(sub, "POST", "/organisations", DWP, {"organisation_id": org, "name": org.title(), "kind": kind}, 201)
    start = days_ago(200).replace(day=1)
    contract_id = str(send(sub, "POST", "/contracts", DWP, {
        "prime_id": "prime-a", "contract_package_area": "CPA 7", "start_date": start.isoformat(),
        "end_date": (start + timedelta(days=1000)).isoformat(), "value_pence": VALUE,
        "payment_model": "pathways-30-50-20",
        "profile": [{"month": start.strftime("%Y-%m"), "job_outcomes": 10, "sustained_job_outcomes": 4,
                     "work_focused_interviews": 100}],
    }, 201)["contract_id"])
    terms = {"start_date": days_ago(150).isoformat(), "end_date": (TODAY + timedelta(days=365)).isoformat()}
    send(sub, "POST", f"/contracts/{contract_id}/subcontracts", PRIME, {
        "partner_id": "partner-a", "model": "end_to_end", "client_group": {"postcode_districts": ["NE33"]},
        "share_of_targets_percent": 30, "outcome_payment_share_percent": SHARE, **terms,
    }, 201)
    send(sub, "POST", f"/contracts/{contract_id}/subcontracts", PRIME,
         {"partner_id": "partner-b", "model": "sla", **terms}, 201)
    return contract_id




def events_when(nats_url: str, done: Callable[[list[dict[str, Any]]], bool], timeout: float = 20) -> list[dict]:
    async def poll() -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while True:
            events = await stream_events(nats_url)
            if done(events) or time.monotonic() > deadline:
                return events
            await asyncio.sleep(0.05)

    return asyncio.run(poll())


def test_a_job_outcome_claimed_validated_paid_and_shared_with_the_partner(world: tuple[LocalStack, str]) -> None:
    stack, contract_id = world
    _, ref_url, ct_url, claims_url = (s.url for s in stack.services)
    assert stack.nats is not None
    with (httpx.Client(base_url=ref_url, timeout=10) as ref, httpx.Client(base_url=ct_url, timeout=10) as ct,
          httpx.Client(base_url=claims_url, timeout=10) as cl):
        # Referred, started, allocated to the end-to-end partner: the case opens at the partner.
        body = {
            "contract_id": contract_id, "national_insurance_number": NINO, "benefit_type": "JSA",
            "payment_group": 2, "mandatory": True, "needs": [], "postcode_district": "NE33",
            "referral_date": days_ago(60).isoformat(),
        }
        referred = until(lambda: ref.post("/referrals", headers=JCP, json=body),
                         lambda r: r.status_code != 422 or not r.json()["type"].endswith("/unknown-contract"))
        assert referred.status_code == 201, referred.text
        case_id = referred.json()["referral_id"]
        claimant_ref = referred.json()["claimant_ref"]
        send(ref, "POST", f"/referrals/{case_id}/start", PRIME, {"started_on": days_ago(58).isoformat()})
        until(lambda: ct.get(f"/cases/{case_id}", headers=PRIME), lambda r: r.status_code == 200)
        allocated = until(
            lambda: ref.post(f"/referrals/{case_id}/allocation", headers=PRIME, json={
                "delivery": "partner", "partner_id": "partner-a", "allocated_on": days_ago(57).isoformat()}),
            lambda r: r.status_code != 422 or not r.json()["type"].endswith("/no-subcontract"),
        )
        assert allocated.status_code == 200, allocated.text
        at_partner = until(lambda: ct.get(f"/cases/{case_id}", headers=PARTNER), lambda r: r.status_code == 200)
        assert at_partner.json()["delivering_organisation_id"] == "partner-a", at_partner.text

        # A job, then its weeks: 7.99 hours earn nothing, the next week's 8 earn the job outcome.
        job_id = send(ct, "POST", f"/cases/{case_id}/jobs", PARTNER, {
            "started_on": days_ago(35).isoformat(), "employment_type": "employed", "expected_hours_per_week": 10,
            "employer_ref": "EMP-004217",
        }, 201)["job_id"]
        weeks = [monday_of(days_ago(35)) + timedelta(weeks=i) for i in range(3)]
        for week, hours in zip(weeks, (7.99, 8, 12), strict=True):
            send(ct, "PUT", f"/cases/{case_id}/jobs/{job_id}/weeks/{week}", PARTNER, {
                "hours": hours, "earnings_pence": round(hours * 1271), "evidence_kind": "payslip",
                "evidence_obtained_on": (week + timedelta(days=7)).isoformat()})

        # Claims learns the journey from events: the job outcome becomes payable from the Monday after week 2.
        entitlements = f"/journeys/{case_id}/entitlements"

        def job_outcomes(r: httpx.Response) -> list[dict[str, Any]]:
            return [e for e in r.json()["items"] if e["kind"] == "job_outcome"] if r.status_code == 200 else []

        payable = until(lambda: cl.get(entitlements, headers=PRIME), lambda r: bool(job_outcomes(r)))
        [outcome] = job_outcomes(payable)
        assert (outcome["status"], outcome["amount_pence"], outcome["evidence_weeks"], outcome["payable_from"]) == (
            "payable", JOB_OUTCOME, [weeks[1].isoformat()], (weeks[1] + timedelta(days=7)).isoformat())
        assert (outcome["tariff_model"], outcome["tariff_version"]) == ("pathways-30-50-20", 1)
        for reader in (DWP, AUDITOR):
            assert send(cl, "GET", entitlements, reader) == payable.json()
        for who, headers in {**STRANGERS, "the partner": PARTNER}.items():
            assert refused(cl, "GET", entitlements, headers, 404).endswith("/not-found"), who

        # Evidence in the prime's register, then the claim; only prime staff do either.
        evidence_body = {
            "case_id": case_id, "kind": "payslip", "job_id": job_id, "covers_from": weeks[1].isoformat(),
            "covers_to": (weeks[1] + timedelta(days=6)).isoformat(), "obtained_how": "from_employer",
            "obtained_on": (weeks[1] + timedelta(days=8)).isoformat(), "description": EVIDENCE_NOTE,
        }
        for who, headers in {"the partner": PARTNER, "DWP": DWP, "an auditor": AUDITOR}.items():
            refused(cl, "POST", "/evidence", headers, 403, evidence_body, who)
        refused(cl, "POST", "/evidence", OTHER_PRIME, 422, evidence_body)  # not its journey
        evidence = send(cl, "POST", "/evidence", PRIME, evidence_body, 201)
        assert (evidence["recorded_by"], evidence["description"]) == ("prime-a", EVIDENCE_NOTE)

        claim_body = {"entitlement_id": outcome["entitlement_id"], "evidence_ids": [evidence["evidence_id"]]}
        first = cl.post("/claims", headers={**PRIME, "Idempotency-Key": "claim-1"}, json=claim_body)
        assert first.status_code == 201, first.text
        retry = cl.post("/claims", headers={**PRIME, "Idempotency-Key": "claim-1"}, json=claim_body)
        assert (retry.status_code, retry.json(), retry.headers.get("idempotent-replay")) == (201, first.json(), "true")
        again = cl.post("/claims", headers={**PRIME, "Idempotency-Key": "claim-2"}, json=claim_body)
        assert (again.status_code, again.json()["type"].rsplit("/", 1)[1]) == (409, "entitlement-claimed")
        claim = first.json()
        claim_id = claim["claim_id"]
        assert (claim["status"], claim["amount_pence"], claim["case_id"]) == ("submitted", JOB_OUTCOME, case_id)
        assert len(send(cl, "GET", "/claims", DWP)["items"]) == 1
        for who, headers in {**STRANGERS, "the partner": PARTNER}.items():
            refused(cl, "GET", f"/claims/{claim_id}", headers, 404)
            assert send(cl, "GET", "/claims", headers)["items"] == [], who

        # DWP validates: the prime, a payments officer and an auditor may not; the validator approves, once.
        approval = f"/claims/{claim_id}/approval"
        for who, headers in {"the prime": PRIME, "a payments officer": PAYMENTS, "an auditor": AUDITOR}.items():
            refused(cl, "POST", approval, headers, 403, {"note": APPROVAL_NOTE}, who)
        approved = send(cl, "POST", approval, VALIDATOR, {"note": APPROVAL_NOTE})
        assert (approved["status"], approved["approved_by"], approved["decision_note"]) == (
            "approved", "val-vera", APPROVAL_NOTE)
        refused(cl, "POST", approval, VALIDATOR, 409, {})

        # This month's run: prepared by one officer; the approver may not authorise it; another does.
        period = TODAY.strftime("%Y-%m")
        refused(cl, "POST", "/payment-runs", VALIDATOR, 403, {"period": period})
        run = send(cl, "POST", "/payment-runs", PAYMENTS, {"period": period}, 201)
        run_id, digest = run["run_id"], run["inputs_digest"]
        authorisation = f"/payment-runs/{run_id}/authorisation"
        assert refused(cl, "POST", authorisation, APPROVER_AS_OFFICER, 403, {"inputs_digest": digest}).endswith(
            "/approver-cannot-authorise")
        refused(cl, "POST", authorisation, AUTHORISER, 409, {"inputs_digest": "0" * 64})  # not what was checked
        paid = send(cl, "POST", authorisation, AUTHORISER, {"inputs_digest": digest})
        assert (paid["status"], paid["prepared_by"], paid["authorised_by"], paid["authorised_on"]) == (
            "authorised", "pay-paul", "pay-priya", TODAY.isoformat())

        # The prime's statement: the claim's line beside the service fee instalments due; JSON and CSV agree.
        statement_path = f"/payment-runs/{run_id}/statements/prime-a"
        statement = send(cl, "GET", statement_path, PRIME)
        [contract] = statement["statements"]
        [line] = [x for x in contract["lines"] if x["kind"] == "job_outcome"]
        assert (line["source"], line["source_id"], line["case_id"], line["amount_pence"]) == (
            "claim", claim_id, case_id, JOB_OUTCOME)
        assert {x["kind"] for x in contract["lines"]} == {"service_fee", "job_outcome"}
        assert contract["gross_pence"] == sum(x["amount_pence"] for x in contract["lines"]) == statement["net_pence"]
        csv = cl.get(statement_path, headers={**PRIME, "Accept": "text/csv"})
        assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
        assert next(row for row in csv.text.splitlines() if claim_id in row).endswith(f",{JOB_OUTCOME}")
        assert send(cl, "GET", statement_path, DWP) == statement
        for who, headers in {**STRANGERS, "the partner": PARTNER}.items():
            refused(cl, "GET", statement_path, headers, 404, who=who)
            refused(cl, "GET", f"/payment-runs/{run_id}", headers, 404, who=who)
        assert send(cl, "GET", f"/claims/{claim_id}", PRIME)["status"] == "paid"
        assert [e["status"] for e in job_outcomes(cl.get(entitlements, headers=PRIME))] == ["paid"]

        # The flow-down: the partner is owed its share of what DWP paid, due in 30 days.
        partner_statement = "/flow-down/statements/partner-a"
        owed = until(lambda: cl.get(partner_statement, headers=PARTNER), lambda r: bool(r.json()["items"]))
        [share] = owed.json()["items"]
        assert (share["basis"], share["case_id"], share["gross_pence"], share["share_percent"], share["amount_pence"],
                share["status"], share["dwp_paid_on"], share["due_on"]) == (
            "outcome_share", case_id, JOB_OUTCOME, SHARE, JOB_OUTCOME * SHARE // 100, "owed", TODAY.isoformat(),
            (TODAY + timedelta(days=30)).isoformat())
        assert send(cl, "GET", partner_statement, PRIME)["items"] == [share]
        for who, headers in {"another prime": OTHER_PRIME, "another partner": OTHER_PARTNER, "JCP": JCP}.items():
            refused(cl, "GET", partner_statement, headers, 404, who=who)
        assert send(cl, "GET", "/flow-down/statements/partner-b", PRIME)["items"] == []  # an SLA partner: nothing

        # The prime pays it: only its managers, only what it owes; then the partner sees it paid.
        payment = {"partner_id": "partner-a", "amount_pence": share["amount_pence"], "paid_on": TODAY.isoformat(),
                   "owed_ids": [share["owed_id"]]}
        for headers in (PARTNER, DWP, AUDITOR):
            refused(cl, "POST", "/flow-down/payments", headers, 403, payment)
        assert refused(cl, "POST", "/flow-down/payments", OTHER_PRIME, 422, payment).endswith("/owed-line-unknown")
        refused(cl, "POST", "/flow-down/payments", PRIME, 422, {**payment, "amount_pence": share["amount_pence"] - 1})
        made = send(cl, "POST", "/flow-down/payments", PRIME, payment, 201)
        after = send(cl, "GET", partner_statement, PARTNER)
        assert after["items"][0]["status"] == "paid" and after["items"][0]["payment_id"] == made["payment_id"]
        assert (after["totals"]["paid_pence"], after["totals"]["outstanding_pence"]) == (share["amount_pence"], 0)
        [timely] = [t for t in send(cl, "GET", "/flow-down/timeliness", DWP)["items"] if t["partner_id"] == "partner-a"]
        assert (timely["lines_paid"], timely["longest_days_to_pay"], timely["unpaid"]) == (1, 0, 0)

    # Every event in the stream is valid; the journey's carry its pseudonym, never the NI number or the notes.
    events = events_when(stack.nats.url, lambda es: "payment.partner_paid" in {e["type"] for e in es})
    assert_valid_events(events)
    mine = [e["type"] for e in events if e.get("journey_id") == case_id]
    assert [t for t in mine if t.startswith("claim.")] == ["claim.evidence_recorded", "claim.submitted",
                                                            "claim.approved"]
    types = [e["type"] for e in events]
    for expected in ("payment.run_prepared", "payment.run_authorised", "payment.statement_issued",
                     "payment.partner_owed", "payment.partner_paid"):
        assert expected in types, expected
    assert types.index("payment.run_authorised") < types.index("payment.partner_owed") < types.index(
        "payment.partner_paid")
    for event in events:
        text = json.dumps(event)
        if event.get("journey_id") == case_id:
            assert event["claimant_ref"] == claimant_ref, event["type"]
        assert NINO.replace(" ", "") not in text.replace(" ", ""), event["type"]
        assert EVIDENCE_NOTE not in text and APPROVAL_NOTE not in text, event["type"]

"""A claimant's whole journey over real processes (nats-server, subcontracts, referral and case_tracking on SQLite):
refer → start → allocate to an end-to-end partner → the case opened at the partner → WFIs → a fail-to-attend →
JCP's decision → a job start → weekly hours → exit, with what each party may see and do checked at every step; the
journey's events in the stream, in order, valid, pseudonymous and free of free text; and case_tracking killed while
referral events flow, coming back with every case opened, and every case.opened published, exactly once."""

from __future__ import annotations

import asyncio
import json
import signal
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any

import httpx
import nats
import pytest

from scx_cli.stack import LocalStack, ServiceSpec
from scx_messaging.local import free_port
from scx_testing.api import assert_valid_events

from .support import Headers, bearer, stream_events, until

pytestmark = pytest.mark.e2e




DWP = bearer("dwp", "dwp", "contract_manager")
AUDITOR = bearer("dwp", "dwp", "auditor")
JCP = bearer("jcp-south-tyneside", "jcp", "referrer")  # refers the claimant
PRIME = bearer("prime-a", "prime", "manager")  # holds the contract, allocates to partner-a
PARTNER = bearer("partner-a", "partner", "manager")  # end-to-end partner: delivers the case
ADVISER = bearer("partner-a", "partner", "adviser", user="adviser-ann")
OTHER_PRIME = bearer("prime-b", "prime", "manager")  # a contract of its own in the same area
OTHER_JCP = bearer("jcp-gateshead", "jcp", "referrer")
OTHER_PARTNER = bearer("partner-b", "partner", "manager")  # in prime-a's supply chain (SLA), not on this case
STRANGERS = {"another prime": OTHER_PRIME, "another JCP district": OTHER_JCP, "another partner": OTHER_PARTNER}
ORGANISATIONS = [
    ("dwp", "dwp"), ("jcp-south-tyneside", "jcp"), ("jcp-gateshead", "jcp"), ("prime-a", "prime"),
    ("prime-b", "prime"), ("partner-a", "partner"), ("partner-b", "partner"),
]

NINO = "JK 12 34 56 A"
# Free text sent on the way: it stays in case_tracking's database, shown to the parties, never in an event.
CANCEL_NOTE = "Claimant phoned: flu, asked to move it to next week"
REBOOK_NOTE = "Rebooked by phone at the claimant's request after the flu"
DECISION_NOTE = "No good cause shown: letter returned, claimant did not call the office"

TODAY = datetime.now(UTC).date()


def days_ago(n: int) -> date:
    return TODAY - timedelta(days=n)


def at_ten(day: date) -> str:
    return datetime.combine(day, clock_time(10, 0), tzinfo=UTC).isoformat()


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LocalStack, str]]:
    """One stack for the module (starting three services is most of its time), with the supply chain built; each
    test then works on its own claimants."""
    services = [ServiceSpec(name, free_port()) for name in ("subcontracts", "referral", "case_tracking")]
    quick = {"CONSUMER_ACK_WAIT_SECONDS": "2", "CONSUMER_RETRY_DELAY_SECONDS": "0.2"}
    running = LocalStack(
        data_dir=tmp_path_factory.mktemp("case-journey") / "data", services=services, nats_port=free_port(),
        extra_env={f"SCX_{s.upper()}_{k}": v for s in ("referral", "case_tracking") for k, v in quick.items()},
    )
    try:
        running.start()
        with httpx.Client(base_url=services[0].url, timeout=10) as sub:
            contract_id = build_chain(sub)
        yield running, contract_id
    finally:
        running.stop()




def send(client: httpx.Client, method: str, path: str, headers: Headers, body: Any = None,
         expect: int = 200) -> Any:
    response = client.request(method, path, headers=headers, json=body)
    assert response.status_code == expect, f"{method} {path}: {response.status_code} {response.text}"
    return response.json()


def problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    return body


def build_chain(sub: httpx.Client) -> str:
    """DWP registers everyone and awards two primes a contract each; prime-a agrees an end-to-end subcontract with
    partner-a and an SLA one with partner-b."""
    for org, kind in ORGANISATIONS:
        send(sub, "POST", "/organisations", DWP, {"organisation_id": org, "name": org.title(), "kind": kind}, 201)
    contracts = {
        prime: send(sub, "POST", "/contracts", DWP, {
            "prime_id": prime, "contract_package_area": "CPA 7", "start_date": days_ago(200).isoformat(),
            "end_date": (TODAY + timedelta(days=900)).isoformat(), "value_pence": 500_000_000,
            "payment_model": "pathways-30-50-20",
        }, 201)["contract_id"]
        for prime in ("prime-a", "prime-b")
    }
    contract_id = str(contracts["prime-a"])
    terms = {"start_date": days_ago(150).isoformat(), "end_date": (TODAY + timedelta(days=365)).isoformat()}
    send(sub, "POST", f"/contracts/{contract_id}/subcontracts", PRIME, {
        "partner_id": "partner-a", "model": "end_to_end", "client_group": {"postcode_districts": ["NE33", "NE34"]},
        "share_of_targets_percent": 30, **terms,
    }, 201)
    send(sub, "POST", f"/contracts/{contract_id}/subcontracts", PRIME,
         {"partner_id": "partner-b", "model": "sla", **terms}, 201)
    return contract_id


def refer(
    ref: httpx.Client, contract_id: str, nino: str, referral_date: date, correlation_id: str | None = None
) -> str:
    body = {
        "contract_id": contract_id, "national_insurance_number": nino, "benefit_type": "JSA", "payment_group": 2,
        "mandatory": True, "needs": [], "postcode_district": "NE33", "referral_date": referral_date.isoformat(),
    }
    headers = {**JCP, "X-Correlation-ID": correlation_id} if correlation_id else JCP
    # 422 until the referral service has the contract from the registry's events.
    response = until(
        lambda: ref.post("/referrals", headers=headers, json=body),
        lambda r: r.status_code != 422 or not r.json()["type"].endswith("/unknown-contract"),
    )
    assert response.status_code == 201, response.text
    return str(response.json()["referral_id"])




def events_when(nats_url: str, done: Callable[[list[dict[str, Any]]], bool], timeout: float = 20) -> list[dict]:
    async def poll() -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while True:
            events = await stream_events(nats_url)
            if done(events) or time.monotonic() > deadline:
                return events
            await asyncio.sleep(0.05)

    return asyncio.run(poll())


def of_journey(events: list[dict[str, Any]], journey_id: str) -> list[dict[str, Any]]:
    return [e for e in events if e.get("journey_id") == journey_id]


class Journey:
    """One case's checks as each party: what it reads, what it may not do, and that a refusal writes nothing."""

    def __init__(self, ct: httpx.Client, case_id: str) -> None:
        self.ct, self.case_id = ct, case_id
        self.claimant_ref = ""
        self.notice_id: str | None = None

    def get(self, path: str, headers: Headers) -> httpx.Response:
        return self.ct.get(path, headers=headers)

    def recorded(self) -> int:
        """Entries in the case's timeline: every change to a case records one."""
        return len(send(self.ct, "GET", f"/cases/{self.case_id}/timeline?limit=200", DWP)["items"])

    def parties_see(self, **expected: Any) -> dict[str, Any]:
        """What each party sees of the case now. Returns the case as the partner reads it."""
        case_path = f"/cases/{self.case_id}"
        seen = send(self.ct, "GET", case_path, PARTNER)
        for field, value in expected.items():
            assert seen[field] == value, f"{field}: {seen[field]!r} != {value!r}"
        # The prime, DWP and an auditor read all of it, exactly as the partner does, and its parts.
        for reader in (PRIME, DWP, AUDITOR):
            assert send(self.ct, "GET", case_path, reader) == seen
            for part in ("appointments", "timeline", "jobs", "classifications"):
                send(self.ct, "GET", f"{case_path}/{part}", reader)
        # The referring district: its summary, never the case, its appointments, its timeline or its jobs.
        summary = send(self.ct, "GET", f"{case_path}/summary", JCP)
        assert summary == {
            k: seen[k] for k in (
                "case_id", "referrer_id", "prime_id", "delivering_organisation_id", "status", "started_on",
                "wfis_attended", "wfis_owed", "exited_on", "exit_kind", "closed_on",
            )
        }
        assert "claimant_ref" not in summary
        for part in ("", "/appointments", "/timeline", "/jobs", "/classifications"):
            problem(self.get(case_path + part, JCP), 403)
        assert problem(self.ct.get("/cases", headers=JCP), 403)  # JCP has no caseload
        self.strangers_see_nothing()
        return dict(seen)

    def strangers_see_nothing(self) -> None:
        case_path = f"/cases/{self.case_id}"
        missing = "0190f5e0-0000-7000-8000-000000000000"
        for who, headers in STRANGERS.items():
            for part in ("", "/summary", "/appointments", "/timeline", "/jobs", "/classifications", "/exit"):
                refused = self.get(case_path + part, headers)
                body = problem(refused, 404)
                assert self.claimant_ref not in refused.text, who
                if part in ("", "/summary"):  # exactly as a case that does not exist
                    absent = problem(self.get(f"/cases/{missing}{part}", headers), 404)
                    assert {**body, "detail": body["detail"].replace(self.case_id, missing), "instance": ""} == {
                        **absent, "instance": ""
                    }, who
            if self.notice_id:
                assert problem(self.get(f"/fail-to-attend-notices/{self.notice_id}", headers), 404)
            notices = self.get("/fail-to-attend-notices", headers)
            assert notices.status_code == 200 and self.case_id not in notices.text, who
            if headers is not OTHER_JCP:
                caseload = send(self.ct, "GET", "/cases", headers)
                assert self.case_id not in json.dumps(caseload) and self.claimant_ref not in json.dumps(caseload)

    def only_the_deliverer_may(self, method: str, path: str, body: Any) -> None:
        """The prime, the referring district and an auditor read the case but may not do this (403); a stranger is
        told the case does not exist (404); nothing is written either way."""
        before = self.recorded()
        for who, headers in {"the prime": PRIME, "JCP": JCP, "an auditor": AUDITOR}.items():
            refused = self.ct.request(method, path, headers=headers, json=body)
            assert refused.status_code == 403, f"{who} {method} {path}: {refused.text}"
            assert refused.headers["content-type"] == "application/problem+json"
        for who, headers in STRANGERS.items():
            refused = self.ct.request(method, path, headers=headers, json=body)
            assert refused.status_code == 404, f"{who} {method} {path}: {refused.text}"
            assert self.claimant_ref not in refused.text
        assert self.recorded() == before, f"a refused {method} {path} wrote something"

    def act(self, method: str, path: str, body: Any, expect: int = 200, as_: Headers = PARTNER) -> Any:
        self.only_the_deliverer_may(method, path, body)
        return send(self.ct, method, path, as_, body, expect)


def test_a_claimant_from_referral_to_exit_each_party_seeing_only_what_it_may(world: tuple[LocalStack, str]) -> None:
    stack, contract_id = world
    _, ref_url, ct_url = (s.url for s in stack.services)
    assert stack.nats is not None
    with httpx.Client(base_url=ref_url, timeout=10) as ref, httpx.Client(base_url=ct_url, timeout=10) as ct:
        # JCP refers a mandatory claimant; the prime starts them: the case opens at the prime.
        case_id = refer(ref, contract_id, NINO, days_ago(60), correlation_id="e2e-case-journey")
        journey = Journey(ct, case_id)
        send(ref, "POST", f"/referrals/{case_id}/start", PRIME, {"started_on": days_ago(58).isoformat()})
        opened = until(lambda: ct.get(f"/cases/{case_id}", headers=PRIME), lambda r: r.status_code == 200)
        assert opened.status_code == 200, opened.text
        journey.claimant_ref = opened.json()["claimant_ref"]
        assert journey.claimant_ref.startswith("clm_")
        assert opened.json()["delivering_organisation_id"] == "prime-a" and opened.json()["delivery"] is None
        problem(ct.get(f"/cases/{case_id}", headers=PARTNER), 404)  # not the partner's yet
        # The allocation follows case.opened in the stream (each service publishes on its own).
        events_when(stack.nats.url, lambda es: "case.opened" in {e["type"] for e in of_journey(es, case_id)})

        # The prime allocates to its end-to-end partner: the case opens at the partner.
        allocated = send(ref, "POST", f"/referrals/{case_id}/allocation", PRIME,
                         {"delivery": "partner", "partner_id": "partner-a", "allocated_on": days_ago(57).isoformat()})
        subcontract_id = allocated["allocation"]["subcontract_id"]
        at_partner = until(lambda: ct.get(f"/cases/{case_id}", headers=PARTNER), lambda r: r.status_code == 200)
        assert at_partner.status_code == 200, at_partner.text
        case = journey.parties_see(
            status="open", delivery="partner", delivering_organisation_id="partner-a", prime_id="prime-a",
            referrer_id="jcp-south-tyneside", supply_chain_model="end_to_end", subcontract_id=subcontract_id,
            mandatory=True, wfis_owed=5, wfis_attended=0, started_on=days_ago(58).isoformat(),
            referral_date=days_ago(60).isoformat(), contract_id=contract_id,
        )
        assert "national_insurance_number" not in case and NINO.replace(" ", "") not in json.dumps(case)
        assert send(ct, "GET", "/cases", PARTNER)["items"] == [case]
        assert case in send(ct, "GET", f"/cases?contract_id={contract_id}&limit=200", PRIME)["items"]
        for who, headers in STRANGERS.items():  # nor in the referral service
            assert problem(ref.get(f"/referrals/{case_id}", headers=headers), 404), who

        # The partner names the adviser holding the case.
        journey.act("PUT", f"/cases/{case_id}/adviser", {"adviser": "adviser-ann"})
        journey.parties_see(adviser="adviser-ann")

        # WFI 1, booked (backdated) and attended; the first meeting's clock is met.
        appointments = f"/cases/{case_id}/appointments"
        wfi1 = journey.act("POST", appointments, {
            "kind": "wfi", "scheduled_at": at_ten(days_ago(55)), "booked_on": days_ago(56).isoformat(),
        }, 201, as_=ADVISER)
        assert (wfi1["wfi_number"], wfi1["mandatory"], wfi1["status"]) == (1, True, "booked")
        journey.act("POST", f"{appointments}/{wfi1['appointment_id']}/attend", {"minutes": 45}, as_=ADVISER)
        case = journey.parties_see(wfis_attended=1, contact_minutes=45, last_contact_on=days_ago(55).isoformat())
        assert {c["clock"]: c["state"] for c in case["clocks"]}["first_meeting"] == "met"

        # The traffic light.
        journey.act("POST", f"/cases/{case_id}/classifications", {
            "traffic_light": "amber", "score": 55, "reason": "confidence", "classified_on": days_ago(55).isoformat(),
        }, 201, as_=ADVISER)
        journey.parties_see(traffic_light="amber", traffic_light_score=55)

        # WFI 2: cancelled by the claimant (a note), rebooked (a note), then missed: a notice to JCP.
        wfi2 = journey.act("POST", appointments, {
            "kind": "wfi", "scheduled_at": at_ten(days_ago(50)), "booked_on": days_ago(54).isoformat(),
        }, 201)
        journey.act("POST", f"{appointments}/{wfi2['appointment_id']}/cancel", {
            "cancelled_by": "claimant", "reason": "claimant_ill", "note": CANCEL_NOTE,
            "cancelled_on": days_ago(51).isoformat(),
        })
        wfi2b = journey.act("POST", f"{appointments}/{wfi2['appointment_id']}/rebook", {
            "scheduled_at": at_ten(days_ago(49)), "requested_by": "claimant", "note": REBOOK_NOTE,
            "booked_on": days_ago(51).isoformat(),
        }, 201)
        assert (wfi2b["wfi_number"], wfi2b["rebooks"]) == (2, wfi2["appointment_id"])
        missed = journey.act("POST", f"{appointments}/{wfi2b['appointment_id']}/fail-to-attend", {})
        assert missed["status"] == "failed_to_attend" and missed["notice_id"]
        journey.notice_id = notice_id = missed["notice_id"]
        listed = send(ct, "GET", appointments, PARTNER)
        assert listed["summary"] == {"owed": 5, "attended": 1, "booked": 0, "missed": 1, "outstanding": 4,
                                     "next_number": 3}
        assert send(ct, "GET", f"{appointments}/{wfi2['appointment_id']}", PARTNER)["cancellation_note"] == CANCEL_NOTE
        journey.parties_see(wfis_attended=1)

        # JCP sees the notice in its queue and decides it; the prime and the partner read it but may not decide.
        queue = send(ct, "GET", "/fail-to-attend-notices?status=awaiting_decision", JCP)["items"]
        assert [(n["notice_id"], n["case_id"], n["wfi_number"]) for n in queue] == [(notice_id, case_id, 2)]
        notice = queue[0]
        assert (notice["missed_on"], notice["notified_on"], notice["days_missed_to_notified"]) == (
            days_ago(49).isoformat(), TODAY.isoformat(), 49)
        assert (notice["referrer_id"], notice["delivering_organisation_id"]) == ("jcp-south-tyneside", "partner-a")
        for reader in (PARTNER, PRIME, DWP, AUDITOR):
            assert send(ct, "GET", f"/fail-to-attend-notices/{notice_id}", reader) == notice
        decision = f"/fail-to-attend-notices/{notice_id}/decision"
        body = {"decision": "referred_for_sanction_decision", "note": DECISION_NOTE}
        before = journey.recorded()
        for who, headers in {"the partner": PARTNER, "the prime": PRIME, "an auditor": AUDITOR}.items():
            assert problem(ct.post(decision, headers=headers, json=body), 403), who
        assert problem(ct.post(decision, headers=OTHER_JCP, json=body), 404)
        assert journey.recorded() == before
        decided = send(ct, "POST", decision, JCP, body)
        assert (decided["status"], decided["decision"], decided["decided_on"], decided["days_notified_to_decided"]) == (
            "decided", "referred_for_sanction_decision", TODAY.isoformat(), 0)
        problem(ct.post(decision, headers=JCP, json=body), 409)  # once
        seen_by_partner = send(ct, "GET", f"/fail-to-attend-notices/{notice_id}", PARTNER)
        assert (seen_by_partner["decision"], seen_by_partner["decision_note"]) == (
            "referred_for_sanction_decision", DECISION_NOTE)
        assert send(ct, "GET", "/fail-to-attend-notices?status=awaiting_decision", JCP)["items"] == []
        delays = send(ct, "GET", "/fail-to-attend-notices/delays", JCP)["total"]
        assert (delays["notices"], delays["decided"], delays["missed_to_notified"]["median_days"]) == (1, 1, 49)
        for who, headers in STRANGERS.items():  # the delay report counts none of it for them
            assert send(ct, "GET", "/fail-to-attend-notices/delays", headers)["total"]["notices"] == 0, who
        journey.parties_see()

        # WFI 3, attended.
        wfi3 = journey.act("POST", appointments, {
            "kind": "wfi", "scheduled_at": at_ten(days_ago(44)), "booked_on": days_ago(45).isoformat(),
        }, 201)
        assert wfi3["wfi_number"] == 3
        journey.act("POST", f"{appointments}/{wfi3['appointment_id']}/attend", {"minutes": 30})
        journey.parties_see(wfis_attended=2, contact_minutes=75)

        # A job start, then its hours for completed weeks, with evidence; the week still running is refused.
        job = journey.act("POST", f"/cases/{case_id}/jobs", {
            "started_on": days_ago(35).isoformat(), "employment_type": "employed", "expected_hours_per_week": 20,
            "employer_ref": "EMP-004217",
        }, 201)
        job_id = job["job_id"]
        first_week = monday_of(days_ago(35))
        weeks = [first_week + timedelta(weeks=i) for i in range(4)]
        assert weeks[-1] <= monday_of(TODAY) - timedelta(weeks=1)  # every one a completed week

        def week_body(week: date, hours: float) -> dict[str, Any]:
            return {"hours": hours, "earnings_pence": int(hours * 1200), "evidence_kind": "payslip",
                    "evidence_obtained_on": (week + timedelta(days=7)).isoformat()}

        for week, hours in zip(weeks[:3], (16, 20, 22.5), strict=True):
            reported = journey.act("PUT", f"/cases/{case_id}/jobs/{job_id}/weeks/{week}", week_body(week, hours))
            assert (reported["revision"], reported["evidence_obtained_by"]) == (1, "partner-a-user")
        before = journey.recorded()
        running = send(ct, "PUT", f"/cases/{case_id}/jobs/{job_id}/weeks/{monday_of(TODAY)}", PARTNER,
                       {**week_body(monday_of(TODAY), 10), "evidence_obtained_on": TODAY.isoformat()}, 422)
        assert running["type"].startswith("https://")
        assert journey.recorded() == before
        summary = send(ct, "GET", f"/cases/{case_id}/jobs/{job_id}", PRIME)["weeks"]
        assert (summary["reported"], summary["at_least_8_hours"], summary["at_least_16_hours"]) == (3, 3, 3)
        journey.parties_see()

        # Exit: completion. Nothing more is booked; the weeks of the job started before it still are.
        exited_on = days_ago(3).isoformat()
        journey.act("POST", f"/cases/{case_id}/exit", {"kind": "completion", "exited_on": exited_on}, 201)
        journey.parties_see(status="exited", exit_kind="completion", exited_on=exited_on)
        assert send(ct, "GET", f"/cases/{case_id}/summary", JCP)["status"] == "exited"
        problem(ct.post(appointments, headers=PARTNER, json={
            "kind": "review", "scheduled_at": at_ten(days_ago(2)), "booked_on": days_ago(2).isoformat()}), 409)
        journey.act("PUT", f"/cases/{case_id}/jobs/{job_id}/weeks/{weeks[3]}", week_body(weeks[3], 24))
        assert send(ct, "GET", f"/cases/{case_id}/jobs/{job_id}", PARTNER)["weeks"]["reported"] == 4
        timeline = [e["type"] for e in send(ct, "GET", f"/cases/{case_id}/timeline?limit=200", DWP)["items"]]

    # The journey's events, in the one stream, in the order they happened.
    expected = [
        "referral.received", "referral.started", "case.opened", "referral.allocated", "case.delivery_changed",
        "case.adviser_assigned",
        "case.appointment_booked", "case.appointment_attended", "case.classified",
        "case.appointment_booked", "case.appointment_cancelled", "case.appointment_booked", "case.failed_to_attend",
        "case.fta_decided",
        "case.appointment_booked", "case.appointment_attended",
        "employment.job_started", "employment.hours_reported", "employment.hours_reported",
        "employment.hours_reported", "case.exited", "employment.hours_reported",
    ]
    events = events_when(stack.nats.url, lambda es: len(of_journey(es, case_id)) >= len(expected))
    mine = of_journey(events, case_id)
    assert [e["type"] for e in mine] == expected
    assert timeline == [t for t in expected if not t.startswith("referral.")]  # the case's timeline agrees
    assert_valid_events(events)
    for event in mine:
        assert (event["journey_id"], event["claimant_ref"]) == (case_id, journey.claimant_ref), event["type"]
    assert len({e["event_id"] for e in events}) == len(events)
    by_type = {e["type"]: e for e in mine}
    assert by_type["case.opened"]["causation_id"] == by_type["referral.started"]["event_id"]
    assert by_type["referral.received"]["correlation_id"] == "e2e-case-journey"
    assert by_type["case.fta_decided"]["actor"]["organisation_id"] == "jcp-south-tyneside"
    assert by_type["case.failed_to_attend"]["data"]["notice_id"] == notice_id
    for event in events:
        text = json.dumps(event)
        assert NINO.replace(" ", "") not in text.replace(" ", ""), event["type"]
        for note in (CANCEL_NOTE, REBOOK_NOTE, DECISION_NOTE):
            assert note not in text, event["type"]


# Crash: case_tracking killed while referral events flow.


def rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
        return conn.execute(sql).fetchall()


def count(db: Path, sql: str) -> int:
    return int(rows(db, sql)[0][0])


async def consumer_settled(nats_url: str, durable: str) -> bool:
    nc = await nats.connect(nats_url)
    try:
        info = await nc.jetstream().consumer_info("SCX", durable)
        return info.num_pending == 0 and info.num_ack_pending == 0
    finally:
        await nc.close()


def test_case_tracking_killed_mid_flow_opens_every_case_and_publishes_each_once(
    world: tuple[LocalStack, str],
) -> None:
    stack, contract_id = world
    _, ref_url, ct_url = (s.url for s in stack.services)
    ct_spec = stack.services[2]
    db = stack.data_dir / "case_tracking.db"
    assert stack.nats is not None
    nats_url = stack.nats.url
    total, before_kill = 20, 10
    with httpx.Client(base_url=ref_url, timeout=10) as ref:
        referrals = [refer(ref, contract_id, f"AB {i:02d} 34 56 C", days_ago(10)) for i in range(total)]
    ours = f"case_id IN ({', '.join(repr(r) for r in referrals)})"
    killed = threading.Event()

    def start_them() -> None:
        # The first half while case_tracking applies them; the rest once it is dead, so that they are published
        # but not applied when it comes back.
        with httpx.Client(base_url=ref_url, timeout=10) as starter:
            for i, referral_id in enumerate(referrals):
                if i == before_kill:
                    assert killed.wait(20)
                send(starter, "POST", f"/referrals/{referral_id}/start", PRIME, {"started_on": days_ago(9).isoformat()})

    starter = threading.Thread(target=start_them)
    starter.start()
    try:
        # Killed as soon as a couple of cases are open: starts still arriving, cases committed but not yet published.
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and count(db, f"SELECT count(*) FROM cases WHERE {ours}") < 2:
            time.sleep(0.005)
        stack.processes["case_tracking"].send_signal(signal.SIGKILL)
        stack.processes["case_tracking"].wait()
    finally:
        killed.set()
        starter.join(30)
    assert not starter.is_alive()
    opened_at_kill = count(db, f"SELECT count(*) FROM cases WHERE {ours}")
    unsent_at_kill = count(db, "SELECT count(*) FROM outbox WHERE sent_at IS NULL")
    at_kill = f"{opened_at_kill} of {total} cases open and {unsent_at_kill} events unsent at the kill"
    assert 2 <= opened_at_kill <= before_kill, at_kill

    stack.start_service(ct_spec)
    stack.wait_ready(ct_spec)

    def quiet() -> bool:
        """Everything applied and published: nothing more to come that could add a case or an event."""
        return (
            count(db, f"SELECT count(*) FROM cases WHERE {ours}") == total
            and count(db, "SELECT count(*) FROM outbox WHERE sent_at IS NULL") == 0
            and asyncio.run(consumer_settled(nats_url, "case_tracking"))
        )

    deadline = time.monotonic() + 20
    while not quiet() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert quiet(), f"case_tracking did not catch up after its restart ({at_kill})"
    events = asyncio.run(stream_events(nats_url))

    # Every case opened exactly once, at the prime, one per referral started: no loss, no duplicate.
    with httpx.Client(base_url=ct_url, timeout=10) as ct:
        listed = send(ct, "GET", f"/cases?contract_id={contract_id}&limit=200", DWP)["items"]
    mine = [c for c in listed if c["case_id"] in referrals]
    assert sorted(c["case_id"] for c in mine) == sorted(referrals), at_kill
    assert {(c["status"], c["delivering_organisation_id"]) for c in mine} == {("open", "prime-a")}
    opened = rows(db, f"SELECT case_id, count(*) FROM timeline WHERE type = 'case.opened' AND {ours} GROUP BY case_id")
    assert sorted(opened) == sorted((r, 1) for r in referrals), at_kill
    outbox = [json.loads(p) for (p,) in rows(db, "SELECT payload FROM outbox WHERE subject LIKE 'scx.case.opened.%'")]
    assert Counter(e["journey_id"] for e in outbox if e["journey_id"] in referrals) == Counter(referrals), at_kill
    starts = {e["event_id"] for e in events if e["type"] == "referral.started" and e["journey_id"] in referrals}
    applied = Counter(r[0] for r in rows(db, "SELECT event_id FROM inbox WHERE event_type = 'referral.started'"))
    assert len(starts) == total and all(applied[s] == 1 for s in starts), at_kill
    assert count(db, "SELECT count(*) FROM dead_letters") == 0

    # And each published exactly once: one case.opened per journey in the stream, whatever the relay resent.
    published = [e for e in events if e["type"] == "case.opened" and e["journey_id"] in referrals]
    assert Counter(e["journey_id"] for e in published) == Counter(referrals), at_kill
    assert sorted(e["event_id"] for e in published) == sorted(e["event_id"] for e in outbox
                                                              if e["journey_id"] in referrals)
    assert all(e["causation_id"] in starts for e in published)
    assert len({e["event_id"] for e in events}) == len(events)
    assert_valid_events(published)

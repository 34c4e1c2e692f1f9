"""A partner's week reconciled against the journey, over real processes (nats-server, subcontracts, referral and
case_tracking on SQLite): JCP refers claimants, the prime starts them and allocates them to its end-to-end partner,
the partner's advisers hold WFIs (one missed) in case tracking; subcontracts is killed while those events flow and
comes back; then the partner posts its week without the fail-to-attend, the prime sees the reconciliation name it
and the journey behind it, the partner corrects it, and the figures count every event exactly once."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import nats
import pytest

from scx_cli.stack import LocalStack, ServiceSpec
from scx_messaging.local import free_port

from .support import bearer, until

pytestmark = pytest.mark.e2e

DWP = bearer("dwp", "dwp", "contract_manager")
JCP = bearer("jcp-gateshead", "jcp", "referrer")
PRIME = bearer("prime-a", "prime", "manager")
PARTNER = bearer("partner-a", "partner", "manager")
OTHER_PRIME = bearer("prime-b", "prime", "manager")
ORGANISATIONS = [("dwp", "dwp"), ("jcp-gateshead", "jcp"), ("prime-a", "prime"), ("prime-b", "prime"),
                 ("partner-a", "partner")]
TODAY = datetime.now(UTC).date()
WEEK_MONDAY = TODAY - timedelta(days=TODAY.weekday() + 14)  # the Monday of the week before last: it has ended
CLAIMANTS = 6
ATTEND = FAIL_TO_ATTEND = 200  # both answer the appointment as it now stands


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LocalStack, dict[str, str]]]:
    services = [ServiceSpec(name, free_port()) for name in ("subcontracts", "referral", "case_tracking")]
    quick = {"CONSUMER_ACK_WAIT_SECONDS": "2", "CONSUMER_RETRY_DELAY_SECONDS": "0.2"}
    running = LocalStack(
        data_dir=tmp_path_factory.mktemp("figures-journey") / "data", services=services, nats_port=free_port(),
        extra_env={f"SCX_{s.upper()}_{k}": v for s in ("subcontracts", "case_tracking") for k, v in quick.items()},
    )
    try:
        running.start()
        with httpx.Client(base_url=services[0].url, timeout=10) as sub:
            yield running, build_chain(sub)
    finally:
        running.stop()


def send(client: httpx.Client, method: str, path: str, headers: dict[str, str], body: Any = None,
         expect: int = 200) -> Any:
    response = client.request(method, path, headers=headers, json=body)
    assert response.status_code == expect, f"{method} {path}: {response.status_code} {response.text}"
    return response.json()


def build_chain(sub: httpx.Client) -> dict[str, str]:
    for org, kind in ORGANISATIONS:
        send(sub, "POST", "/organisations", DWP, {"organisation_id": org, "name": org.title(), "kind": kind}, 201)
    start = (TODAY - timedelta(days=120)).replace(day=1)
    contract_id = send(sub, "POST", "/contracts", DWP, {
        "prime_id": "prime-a", "contract_package_area": "CPA 7", "start_date": start.isoformat(),
        "end_date": (start + timedelta(days=1000)).isoformat(), "value_pence": 500_000_000,
        "payment_model": "pathways-30-50-20",
    }, 201)["contract_id"]
    subcontract_id = send(sub, "POST", f"/contracts/{contract_id}/subcontracts", PRIME, {
        "partner_id": "partner-a", "model": "end_to_end", "client_group": {"postcode_districts": ["NE8"]},
        "share_of_targets_percent": 30, "start_date": start.isoformat(),
        "end_date": (TODAY + timedelta(days=365)).isoformat(),
    }, 201)["subcontract_id"]
    send(sub, "PUT", f"/contracts/{contract_id}/weekly-return-deadline", PRIME,
         {"days_after_week_end": 1, "at_local_time": "17:00"})
    return {"contract_id": contract_id, "subcontract_id": subcontract_id}


def journey(ref: httpx.Client, ct: httpx.Client, contract_id: str, n: int, *, missed: bool) -> str:
    """Referred on the week's Monday, started and allocated to partner-a on its Tuesday; a WFI attended on its
    Wednesday and, when `missed`, a second one missed on its Friday."""
    monday = WEEK_MONDAY
    body = {
        "contract_id": contract_id, "national_insurance_number": f"JK 98 76 {n:02d} A", "benefit_type": "JSA",
        "payment_group": 2, "mandatory": True, "needs": [], "postcode_district": "NE8",
        "referral_date": monday.isoformat(),
    }
    referred = until(lambda: ref.post("/referrals", headers=JCP, json=body),
                     lambda r: r.status_code != 422 or not r.json()["type"].endswith("/unknown-contract"))
    assert referred.status_code == 201, referred.text
    referral_id = str(referred.json()["referral_id"])
    send(ref, "POST", f"/referrals/{referral_id}/start", PRIME, {"started_on": (monday + timedelta(1)).isoformat()})
    until(lambda: ct.get(f"/cases/{referral_id}", headers=PRIME), lambda r: r.status_code == 200)
    allocated = until(
        lambda: ref.post(f"/referrals/{referral_id}/allocation", headers=PRIME, json={
            "delivery": "partner", "partner_id": "partner-a", "allocated_on": (monday + timedelta(1)).isoformat()}),
        lambda r: r.status_code != 422 or not r.json()["type"].endswith("/no-subcontract"),
    )
    assert allocated.status_code == 200, allocated.text
    until(lambda: ct.get(f"/cases/{referral_id}", headers=PARTNER),
          lambda r: r.status_code == 200 and r.json()["delivering_organisation_id"] == "partner-a")
    for day, attended in ((2, True), (4, False))[: 2 if missed else 1]:
        appointment = send(ct, "POST", f"/cases/{referral_id}/appointments", PARTNER, {
            "kind": "wfi", "scheduled_at": f"{monday + timedelta(day)}T10:00:00Z",
            "booked_on": (monday + timedelta(1)).isoformat()}, 201)["appointment_id"]
        outcome = "attend" if attended else "fail-to-attend"
        send(ct, "POST", f"/cases/{referral_id}/appointments/{appointment}/{outcome}", PARTNER,
             {"minutes": 45} if attended else {}, ATTEND if attended else FAIL_TO_ATTEND)
    return referral_id


async def consumer_settled(nats_url: str, durable: str) -> bool:
    nc = await nats.connect(nats_url)
    try:
        info = await nc.jetstream().consumer_info("SCX", durable)
        return info.num_pending == 0 and info.num_ack_pending == 0
    finally:
        await nc.close()


def test_a_partners_week_reconciled_after_subcontracts_was_killed_mid_flow(
    world: tuple[LocalStack, dict[str, str]],
) -> None:
    stack, chain = world
    sub_spec = stack.services[0]
    sub_url, ref_url, ct_url = (s.url for s in stack.services)
    assert stack.nats is not None
    week = iso_week(WEEK_MONDAY)
    with httpx.Client(base_url=ref_url, timeout=10) as ref, httpx.Client(base_url=ct_url, timeout=10) as ct:
        referrals = [journey(ref, ct, chain["contract_id"], 0, missed=True)]
        # Killed while the journeys' events flow: those published meanwhile wait in the stream for its return.
        stack.processes["subcontracts"].send_signal(signal.SIGKILL)
        stack.processes["subcontracts"].wait()
        referrals += [journey(ref, ct, chain["contract_id"], n, missed=False) for n in range(1, CLAIMANTS)]
    stack.start_service(sub_spec)
    stack.wait_ready(sub_spec)

    with httpx.Client(base_url=sub_url, timeout=10) as sub:
        def derived() -> dict[str, int]:
            page = send(sub, "GET", f"/reconciliation?subcontract_id={chain['subcontract_id']}"
                                    f"&week_from={week}&week_to={week}", PRIME)
            return dict(page["items"][0]["derived"])

        expected = {"referrals_received": CLAIMANTS, "starts": CLAIMANTS, "wfis_delivered": CLAIMANTS,
                    "fail_to_attends": 1, "activities_delivered": 0, "job_starts": 0, "job_outcomes": 0, "exits": 0}
        deadline = time.monotonic() + 30
        while derived() != expected and time.monotonic() < deadline:
            time.sleep(0.2)
        assert derived() == expected  # every event counted once: none lost to the kill, none twice
        assert asyncio.run(consumer_settled(stack.nats.url, "subcontracts"))
        db = stack.data_dir / "subcontracts.db"
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
            counted = conn.execute("SELECT figure, count(*) FROM history_occurrences GROUP BY figure").fetchall()
        # The whole history, not only the week: nothing counted elsewhere either.
        assert dict(counted) == {f: n for f, n in expected.items() if n}

        # The partner's week, without the fail-to-attend: posted after the deadline, so late.
        figures = {**expected, "fail_to_attends": 0}
        posted = send(sub, "POST", "/weekly-returns", PARTNER,
                      {"subcontract_id": chain["subcontract_id"], "iso_week": week, "figures": figures}, 201)
        reconciled = send(sub, "GET", f"/weekly-returns/{posted['return_id']}/reconciliation", PRIME)
        assert (reconciled["status"], reconciled["differing"], reconciled["late"]) == (
            "differs", ["fail_to_attends"], True)
        [fta] = [f for f in reconciled["figures"] if f["figure"] == "fail_to_attends"]
        assert (fta["posted"], fta["derived"], fta["difference"]) == (0, 1, -1)
        assert [j["referral_id"] for j in fta["journeys"]] == [referrals[0]]
        [wfis] = [f for f in reconciled["figures"] if f["figure"] == "wfis_delivered"]
        assert sorted(j["referral_id"] for j in wfis["journeys"]) == sorted(referrals)
        as_partner = send(sub, "GET", f"/weekly-returns/{posted['return_id']}/reconciliation", PARTNER)
        assert {**as_partner, "derived_at": None} == {**reconciled, "derived_at": None}
        refused = sub.get(f"/weekly-returns/{posted['return_id']}/reconciliation", headers=OTHER_PRIME)
        assert refused.status_code == 404, refused.text

        # Corrected: a second version, and the week agrees.
        send(sub, "POST", "/weekly-returns", PARTNER, {
            "subcontract_id": chain["subcontract_id"], "iso_week": week, "figures": expected,
            "corrects_version": 1, "reason": "The missed WFI was logged late."}, 201)
        again = send(sub, "GET", f"/weekly-returns/{posted['return_id']}/reconciliation", PRIME)
        assert (again["status"], again["version"], again["versions"]) == ("agrees", 2, 2)

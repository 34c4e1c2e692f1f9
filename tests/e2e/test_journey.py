"""The whole stack as real processes (nats-server, both services on SQLite): a journey over HTTP, the events in
the stream, and a service killed mid-flight that comes back having lost nothing and applied nothing twice."""

from __future__ import annotations

import asyncio
import json
import signal
import sqlite3
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from scx_cli.stack import LocalStack, ServiceSpec
from scx_messaging.local import free_port
from scx_testing.api import assert_valid_events

from .support import bearer, stream_events, until

pytestmark = pytest.mark.e2e




DWP = bearer("dwp", "dwp", "contract_manager")
JCP = bearer("jcp-south-tyneside", "jcp", "referrer")
PRIME = bearer("prime-a", "prime", "manager")
PARTNER = bearer("partner-a", "partner", "manager")
OTHER_PARTNER = bearer("partner-b", "partner", "manager")


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[LocalStack]:
    services = [ServiceSpec("subcontracts", free_port()), ServiceSpec("referral", free_port())]
    running = LocalStack(
        data_dir=tmp_path / "data", services=services, nats_port=free_port(),
        extra_env={"SCX_REFERRAL_CONSUMER_ACK_WAIT_SECONDS": "2"},
    )
    try:
        running.start()
        yield running
    finally:
        running.stop()




def post(client: httpx.Client, path: str, headers: dict[str, str], body: dict[str, Any], expect: int = 201) -> Any:
    response = client.post(path, headers=headers, json=body)
    assert response.status_code == expect, response.text
    return response.json()


def build_chain(sub: httpx.Client) -> str:
    for org, kind in [("dwp", "dwp"), ("jcp-south-tyneside", "jcp"), ("prime-a", "prime"), ("partner-a", "partner"),
                      ("partner-b", "partner")]:
        post(sub, "/organisations", DWP, {"organisation_id": org, "name": org.title(), "kind": kind})
    today = date.today()
    contract = post(sub, "/contracts", DWP, {
        "prime_id": "prime-a", "contract_package_area": "CPA 7", "start_date": (today - timedelta(days=90)).isoformat(),
        "end_date": (today + timedelta(days=900)).isoformat(), "value_pence": 500_000_000,
        "payment_model": "pathways-30-50-20",
    })
    post(sub, f"/contracts/{contract['contract_id']}/subcontracts", PRIME, {
        "partner_id": "partner-a", "model": "end_to_end", "client_group": {"postcode_districts": ["NE33", "NE34"]},
        "share_of_targets_percent": 30, "start_date": (today - timedelta(days=30)).isoformat(),
        "end_date": (today + timedelta(days=365)).isoformat(),
    })
    return str(contract["contract_id"])


def refer(ref: httpx.Client, contract_id: str, nino: str, correlation_id: str | None = None) -> str:
    body = {
        "contract_id": contract_id, "national_insurance_number": nino, "benefit_type": "JSA", "payment_group": 2,
        "mandatory": True, "needs": [], "postcode_district": "NE33",
        "referral_date": (date.today() - timedelta(days=3)).isoformat(),
    }
    headers = {**JCP, "X-Correlation-ID": correlation_id} if correlation_id else JCP
    response = until(lambda: ref.post("/referrals", headers=headers, json=body), lambda r: r.status_code != 422)
    assert response.status_code == 201, response.text
    return str(response.json()["referral_id"])




def test_refer_start_allocate_and_only_the_partner_sees_it(stack: LocalStack) -> None:
    sub_url, ref_url = (s.url for s in stack.services)
    with httpx.Client(base_url=sub_url, timeout=10) as sub, httpx.Client(base_url=ref_url, timeout=10) as ref:
        contract_id = build_chain(sub)
        referral_id = refer(ref, contract_id, "JK 12 34 56 A", correlation_id="e2e-journey-1")
        started = ref.post(f"/referrals/{referral_id}/start", headers=PRIME,
                           json={"started_on": (date.today() - timedelta(days=1)).isoformat()})
        assert started.status_code == 200, started.text
        allocated = until(
            lambda: ref.post(f"/referrals/{referral_id}/allocation", headers=PRIME,
                             json={"delivery": "partner", "partner_id": "partner-a"}),
            lambda r: r.status_code == 200,
        )
        assert allocated.status_code == 200, allocated.text
        assert allocated.json()["allocation"]["supply_chain_model"] == "end_to_end"

        mine = ref.get("/referrals", headers=PARTNER).json()["items"]
        assert [r["referral_id"] for r in mine] == [referral_id]
        assert mine[0]["national_insurance_number"] == "JK******A"
        assert ref.get("/referrals", headers=OTHER_PARTNER).json()["items"] == []
        assert ref.get(f"/referrals/{referral_id}", headers=OTHER_PARTNER).status_code == 404

        refused = ref.post(f"/referrals/{refer(ref, contract_id, 'LM 22 33 44 B')}/start", headers=PRIME,
                           json={"started_on": date.today().isoformat()})
        assert refused.status_code == 200
        no_chain = ref.post(f"/referrals/{refused.json()['referral_id']}/allocation", headers=PRIME,
                            json={"delivery": "partner", "partner_id": "partner-b"})
        assert no_chain.status_code == 422
        assert no_chain.headers["content-type"] == "application/problem+json"
        assert no_chain.json()["type"].endswith("/no-subcontract")

    assert stack.nats is not None
    def complete(events: list[dict[str, Any]]) -> bool:
        types = [e["type"] for e in events]
        return types.count("referral.allocated") == 1 and types.count("referral.started") == 2

    events = asyncio.run(wait_for_events(stack.nats.url, complete))
    types = [e["type"] for e in events]
    assert types.count("organisation.registered") == 5
    assert types.count("referral.received") == 2
    journey = [e["type"] for e in events if e.get("journey_id") == referral_id]
    assert journey == ["referral.received", "referral.started", "referral.allocated"]
    received = next(e for e in events if e.get("journey_id") == referral_id)
    assert received["correlation_id"] == "e2e-journey-1"
    assert received["claimant_ref"].startswith("clm_")
    assert received["actor"] == {"organisation_id": "jcp-south-tyneside", "organisation_kind": "jcp",
                                 "role": "referrer", "user": "jcp-south-tyneside-user"}
    assert_valid_events(events)
    for event in events:
        assert "JK123456A" not in json.dumps(event)


async def wait_for_events(
    url: str, done: Callable[[list[dict[str, Any]]], bool], timeout: float = 20
) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout
    while True:
        events = await stream_events(url)
        if done(events) or time.monotonic() > deadline:
            return events
        await asyncio.sleep(0.05)


def test_a_killed_consumer_comes_back_with_everything_once(stack: LocalStack) -> None:
    sub_url, ref_url = (s.url for s in stack.services)
    referral_spec = stack.services[1]
    with httpx.Client(base_url=sub_url, timeout=10) as sub:
        contract_id = build_chain(sub)
        stack.processes["referral"].send_signal(signal.SIGKILL)
        stack.processes["referral"].wait()
        # The registry changes while the consumer is down: these must all arrive, once, after it restarts.
        partners = [f"partner-k{i}" for i in range(8)]
        for partner in partners:
            post(sub, "/organisations", DWP, {"organisation_id": partner, "name": partner, "kind": "partner"})
            post(sub, f"/contracts/{contract_id}/subcontracts", PRIME, {
                "partner_id": partner, "model": "sla", "start_date": (date.today() - timedelta(days=1)).isoformat(),
                "end_date": (date.today() + timedelta(days=100)).isoformat(),
            })
    stack.start_service(referral_spec)
    stack.wait_ready(referral_spec)
    with httpx.Client(base_url=ref_url, timeout=10) as ref:
        referral_id = refer(ref, contract_id, "NP 98 76 54 C")
        assert ref.post(f"/referrals/{referral_id}/start", headers=PRIME,
                        json={"started_on": date.today().isoformat()}).status_code == 200
        allocated = until(
            lambda: ref.post(f"/referrals/{referral_id}/allocation", headers=PRIME,
                             json={"delivery": "partner", "partner_id": partners[-1]}),
            lambda r: r.status_code == 200,
        )
        assert allocated.status_code == 200, allocated.text
    # An event in flight at the kill comes back once its ack wait (2 s here) has passed: wait for it, no longer.
    expected = {"organisation.registered": 5 + len(partners), "subcontract.agreed": 1 + len(partners)}
    deadline = time.monotonic() + 20
    applied = inbox_counts(stack.data_dir / "referral.db")
    while any(applied.get(k, 0) < v for k, v in expected.items()) and time.monotonic() < deadline:
        time.sleep(0.2)
        applied = inbox_counts(stack.data_dir / "referral.db")
    assert applied["organisation.registered"] == 5 + len(partners)
    assert applied["subcontract.agreed"] == 1 + len(partners)
    assert applied["duplicates"] == 0


def inbox_counts(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT event_type, count(*) FROM inbox GROUP BY event_type").fetchall()
        organisations = conn.execute("SELECT count(*) FROM known_organisations").fetchone()[0]
        subcontracts = conn.execute("SELECT count(*) FROM known_subcontracts").fetchone()[0]
    counts = dict(rows)
    counts["duplicates"] = (counts.get("organisation.registered", 0) - organisations) + (
        counts.get("subcontract.agreed", 0) - subcontracts
    )
    return counts

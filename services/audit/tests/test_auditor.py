"""The auditor's queries (SQLite and PostgreSQL): a journey by referral id, claimant, NI number, organisation, type
and time, paged, each answer proven against a signed checkpoint; DWP only."""

from __future__ import annotations

import base64
from datetime import timedelta

from scx_ledger import merkle
from scx_ledger.checkpoint import Checkpoint
from scx_ledger.note import Verifier
from scx_messaging import Bus
from scx_testing.api import ServiceProbe, problem
from scx_testing.plugin import AuthHeaders
from scx_testing.polling import eventually

from .builders import CLAIMANT, NINO, T0, journey, organisation, publish

OTHER = "clm_" + "0" * 32


async def _loaded(service: ServiceProbe, bus: Bus) -> None:
    await publish(bus, [organisation("partner-wear"), *journey("ref-1"), *journey("ref-2", OTHER,
                                                                                   start=T0 + timedelta(days=30))])

    async def covered() -> bool:
        answer = await service.client.get("/checkpoint")
        return answer.status_code == 200 and int(answer.text.split("\n")[1]) >= 7

    await eventually(covered)


async def test_a_journey_found_every_way(service: ServiceProbe, bus: Bus, auth_headers: AuthHeaders) -> None:
    await _loaded(service, bus)
    auditor = auth_headers("dwp", "dwp", ["auditor"])
    by_journey = (await service.client.get("/events", params={"journey_id": "ref-1"}, headers=auditor)).json()
    assert [e["type"] for e in by_journey["items"]] == ["referral.received", "referral.started", "referral.allocated"]
    by_ref = (await service.client.get("/events", params={"claimant_ref": CLAIMANT}, headers=auditor)).json()
    by_nino = await service.client.post("/events/by-nino", headers=auditor,
                                        json={"national_insurance_number": "jt 12 34 56 a"})
    assert by_nino.status_code == 200, by_nino.text
    assert by_ref["items"] == by_journey["items"] == by_nino.json()["items"]
    assert NINO not in by_nino.text
    as_actor = (await service.client.get("/events", params={"organisation_id": "prime-north", "role": "actor"},
                                         headers=auditor)).json()
    assert len(as_actor["items"]) == 4
    as_party = (await service.client.get("/events", params={"organisation_id": "partner-wear"},
                                         headers=auditor)).json()
    assert [e["type"] for e in as_party["items"]] == [
        "organisation.registered", "referral.allocated", "referral.allocated"]
    by_type = (await service.client.get("/events", params={"type": "referral.started"}, headers=auditor)).json()
    assert [e["journey_id"] for e in by_type["items"]] == ["ref-1", "ref-2"]
    window = (await service.client.get("/events", headers=auditor, params={
        "occurred_from": (T0 + timedelta(days=29)).isoformat().replace("+00:00", "Z"),
        "occurred_before": (T0 + timedelta(days=32)).isoformat().replace("+00:00", "Z")})).json()
    assert [e["type"] for e in window["items"]] == ["referral.received", "referral.started"]


async def test_answers_are_paged_and_proven(service: ServiceProbe, bus: Bus, auth_headers: AuthHeaders) -> None:
    await _loaded(service, bus)
    auditor = auth_headers("dwp", "dwp", ["auditor"])
    key = Verifier.parse((await service.client.get("/public-key")).text)
    seen = []
    cursor = None
    while True:
        params = {"organisation_id": "prime-north", "limit": 2, "proofs": "true", **({"cursor": cursor} if cursor
                                                                                    else {})}
        page = (await service.client.get("/events", params=params, headers=auditor)).json()
        checkpoint = Checkpoint.open(page["checkpoint"]["checkpoint"], key)
        for item in page["items"]:
            proof = [base64.b64decode(h) for h in item["audit_path"]]
            leaf = merkle.leaf_hash(base64.b64decode(item["leaf_input"]))
            merkle.verify_inclusion(item["leaf_index"], checkpoint.size, leaf, proof, checkpoint.root)
            seen.append(item["leaf_index"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == 6 and seen == sorted(seen)
    problem(await service.client.get("/events", params={"cursor": "bm9wZQ"}, headers=auditor), 400)


async def test_only_dwp_reads_events(service: ServiceProbe, bus: Bus, auth_headers: AuthHeaders) -> None:
    await _loaded(service, bus)
    for org, kind, role in [("prime-north", "prime", "manager"), ("jcp-tyne", "jcp", "referrer"),
                            ("partner-wear", "partner", "adviser"), ("dwp", "dwp", "contract_manager")]:
        headers = auth_headers(org, kind, [role])
        problem(await service.client.get("/events", params={"journey_id": "ref-1"}, headers=headers), 403)
        problem(await service.client.get("/leaves", params={"start": 0}, headers=headers), 403)
        problem(await service.client.post("/events/by-nino", headers=headers,
                                          json={"national_insurance_number": NINO}), 403)
    problem(await service.client.get("/events", params={"journey_id": "ref-1"}), 401)
    problem(await service.client.get("/events", params={"journey_id": "ref-1"},
                                     headers={"Authorization": "Bearer nonsense"}), 401)
    # the log's public face is public
    assert (await service.client.get("/checkpoint")).status_code == 200
    assert (await service.client.get("/public-key")).status_code == 200


async def test_a_bad_nino_is_refused_without_echo(service: ServiceProbe, auth_headers: AuthHeaders) -> None:
    auditor = auth_headers("dwp", "dwp", ["auditor"])
    answer = await service.client.post("/events/by-nino", headers=auditor,
                                       json={"national_insurance_number": "QQ123456Z"})
    body = problem(answer, 422, field="body.national_insurance_number")
    assert "QQ123456Z" not in answer.text and body["type"].endswith("invalid-nino")

"""The ledger over a real stream (SQLite and PostgreSQL): every event appended once, in stream order, as the exact
bytes; the tree the signed checkpoints name is the RFC 6962 tree of those bytes; proofs check out."""

from __future__ import annotations

import base64

from scx_audit import service as use_cases
from scx_audit.app import create_app
from scx_audit.models import metadata
from scx_audit.service import Keys
from scx_ledger import merkle
from scx_ledger.checkpoint import Checkpoint
from scx_ledger.note import Signer, Verifier
from scx_ledger.tree import MemoryTree
from scx_messaging import Bus, Delivery
from scx_testing.api import ServiceProbe, problem, serve
from scx_testing.polling import eventually

from .builders import journey, organisation, publish
from .conftest import Settings


async def checkpoint_of(probe: ServiceProbe, size: int) -> Checkpoint | None:
    answer = await probe.client.get("/checkpoint")
    if answer.status_code != 200:
        return None
    key = Verifier.parse((await probe.client.get("/public-key")).text)
    checkpoint = Checkpoint.open(answer.text, key, origin="scx.example/audit")
    return checkpoint if checkpoint.size >= size else None


async def test_every_event_is_appended_in_order_as_its_bytes(service: ServiceProbe, bus: Bus) -> None:
    payloads = await publish(bus, [organisation(f"partner-{i:02}") for i in range(12)])
    checkpoint = await eventually(lambda: checkpoint_of(service, 12), message="a checkpoint of 12")
    tree = MemoryTree(payloads)
    assert checkpoint.root == tree.root(checkpoint.size)

    auditor = {"Authorization": f"Bearer {_token('auditor')}"}
    answer = await service.client.get("/leaves", params={"start": 0, "end": 12}, headers=auditor)
    entries = answer.json()["entries"]
    assert [base64.b64decode(e["leaf_input"]) for e in entries] == payloads
    assert [e["stream_sequence"] for e in entries] == list(range(1, 13))


async def test_proofs_verify_with_the_library(service: ServiceProbe, bus: Bus) -> None:
    payloads = await publish(bus, [organisation(f"partner-{i:02}") for i in range(23)])
    checkpoint = await eventually(lambda: checkpoint_of(service, 23))
    tree = MemoryTree(payloads)
    auditor = {"Authorization": f"Bearer {_token('auditor')}"}
    for first in (0, 1, 5, 7, 16, checkpoint.size):
        answer = (await service.client.get("/proofs/consistency",
                                           params={"first": first, "second": checkpoint.size})).json()
        proof = [base64.b64decode(h) for h in answer["consistency"]]
        merkle.verify_consistency(first, checkpoint.size, tree.root(first), checkpoint.root, proof)
    for index in (0, 3, 12, checkpoint.size - 1):
        answer = (await service.client.get("/proofs/inclusion", params={"tree_size": checkpoint.size,
                                                                        "leaf_index": index}, headers=auditor)).json()
        proof = [base64.b64decode(h) for h in answer["audit_path"]]
        merkle.verify_inclusion(index, checkpoint.size, merkle.leaf_hash(payloads[index]), proof, checkpoint.root)
    by_hash = await service.client.get("/proofs/inclusion", headers=auditor, params={
        "tree_size": checkpoint.size, "leaf_hash": merkle.leaf_hash(payloads[7]).hex()})
    assert by_hash.json()["leaf_index"] == 7
    problem(await service.client.get("/proofs/consistency", params={"first": 3, "second": 10**9}), 422)
    problem(await service.client.get("/proofs/consistency", params={"first": 9, "second": 3}), 422)
    problem(await service.client.get("/proofs/inclusion", headers=auditor,
                                     params={"tree_size": checkpoint.size, "leaf_hash": "0" * 64}), 404)


async def test_a_redelivered_event_is_appended_once(service: ServiceProbe, bus: Bus) -> None:
    payloads = await publish(bus, journey("ref-1"))
    await eventually(lambda: checkpoint_of(service, 3))
    keys: Keys = service.app.state.ledger_keys
    again = [Delivery(subject="scx.x.v1", payload=p, stream_sequence=i + 1, num_delivered=2, last_delivery=False)
             for i, p in enumerate(payloads)]
    async with service.app.state.runtime.uow_factory() as uow:
        appended = await use_cases.append(uow, again, keys=keys)
        await uow.commit()
    assert appended.count == 0 and appended.size >= 3
    sequences = sorted(row["stream_sequence"] for row in (await service.rows())["ledger_leaves"])
    assert sequences == list(range(1, len(sequences) + 1))


async def test_a_restart_carries_on_where_the_ledger_stopped(audit_settings: Settings, bus: Bus) -> None:
    first = await publish(bus, journey("ref-1"))
    settings = audit_settings()
    async with serve(create_app(settings), metadata) as probe:
        await eventually(lambda: checkpoint_of(probe, 3))
    second = await publish(bus, journey("ref-2"))
    async with serve(create_app(settings), metadata) as probe:
        checkpoint = await eventually(lambda: checkpoint_of(probe, 6))
        leaves = (await probe.counts())["ledger_leaves"]
    tree = MemoryTree(first + second)
    # The checkpoint events the ledger published itself are leaves too, after the ones they sign.
    assert leaves >= 6 and checkpoint.size <= leaves
    async with serve(create_app(settings), metadata) as probe:
        auditor = {"Authorization": f"Bearer {_token('auditor')}"}
        entries = (await probe.client.get("/leaves", params={"start": 0, "end": 100}, headers=auditor)).json()
    own = [base64.b64decode(e["leaf_input"]) for e in entries["entries"]]
    ours = [p for p in own if b"audit.checkpoint_signed" not in p]
    assert ours == first + second
    assert MemoryTree(own[: checkpoint.size]).root() == checkpoint.root
    assert tree.size == 6


async def test_a_gap_in_the_stream_stops_the_ledger_until_an_operator_acknowledges_it(
    audit_settings: Settings, bus: Bus
) -> None:
    await publish(bus, journey("ref-1"))
    await bus.js.delete_msg(bus.settings.stream, 2)
    async with serve(create_app(audit_settings()), metadata) as probe:
        ready = await eventually(lambda: _not_ready(probe))
        assert "2..2" in ready["checks"]["ledger"]
        assert (await probe.counts())["ledger_leaves"] == 1
        operator = {"Authorization": f"Bearer {_token('operator')}"}
        auditor = {"Authorization": f"Bearer {_token('auditor')}"}
        problem(await probe.client.post("/operations/ledger-gaps/1/acknowledgement", headers=auditor), 403)
        problem(await probe.client.post("/operations/ledger-gaps/7/acknowledgement", headers=operator), 404)
        acknowledged = await probe.client.post("/operations/ledger-gaps/1/acknowledgement", headers=operator)
        assert acknowledged.status_code == 200, acknowledged.text
        await eventually(lambda: _leaves(probe, 2))
        leaves = (await probe.client.get("/leaves", params={"start": 0}, headers=auditor)).json()["entries"]
        assert [e["stream_sequence"] for e in leaves][:2] == [1, 3]
        assert (await probe.client.get("/ready")).status_code == 200


async def _not_ready(probe: ServiceProbe) -> dict[str, object] | None:
    answer = await probe.client.get("/ready")
    return answer.json() if answer.status_code == 503 and answer.json()["checks"].get("ledger") != "ok" else None


async def _leaves(probe: ServiceProbe, n: int) -> bool:
    return (await probe.counts())["ledger_leaves"] >= n and (await checkpoint_of(probe, n)) is not None


def test_the_dev_key_is_the_one_the_settings_name() -> None:
    from scx_audit.config import DEV_SIGNING_KEY

    signer = Signer.parse(DEV_SIGNING_KEY)
    assert str(signer.verifier()) == "scx.example/audit+a11e543c+AbDNu8NQ1T7iQC1q7xweW2gQ9sLnrCuXdDfDiyr11D5A"


def _token(role: str) -> str:
    from scx_servicekit import TokenIssuer

    return TokenIssuer().issue("dwp", "dwp", [role])



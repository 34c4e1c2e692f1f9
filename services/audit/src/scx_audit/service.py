"""The audit service's use cases: appending the stream to the ledger, signing checkpoints, answering proofs and the
auditor's queries. They check access (`access.py`), read and write through `repository.py`; they never commit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from scx_audit import access, problems, repository, rules
from scx_audit.models import Gap, Head, Leaf, LeafRow, NodeRow, PartyRow, StoredCheckpoint
from scx_audit.problems import LedgerInconsistent
from scx_audit.repository import LeafFilter
from scx_contracts import Actor, Envelope
from scx_contracts.audit import CheckpointSigned
from scx_contracts.claimant import claimant_ref
from scx_ledger import merkle
from scx_ledger.checkpoint import Checkpoint
from scx_ledger.note import Signer
from scx_messaging import Delivery
from scx_persistence import UnitOfWork
from scx_servicekit import Principal

SYSTEM = Actor(organisation_id="dwp", organisation_kind="system", role="ledger", user="audit")


@dataclass(frozen=True)
class Keys:
    """What the ledger signs with and looks NI numbers up with (from settings, on app.state)."""

    signer: Signer
    origin: str
    claimant_ref_key: bytes
    checkpoint_every: int


def utcnow() -> datetime:
    return datetime.now(UTC)


def _fringe(head: Head) -> list[bytes]:
    return [head.fringe[i:i + merkle.HASH_SIZE] for i in range(0, len(head.fringe), merkle.HASH_SIZE)]


async def node_hashes(uow: UnitOfWork, nodes: Sequence[merkle.Node]) -> list[bytes]:
    found = await repository.stored_hashes(uow, rules.spans(nodes))
    return rules.combine(nodes, found)


async def range_hashes(uow: UnitOfWork, ranges: Sequence[tuple[int, int]]) -> list[bytes]:
    wanted = [n for start, end in ranges for n in merkle.perfect_subtrees(start, end)]
    hashes = dict(zip(wanted, await node_hashes(uow, wanted), strict=True))
    return merkle.range_hashes(ranges, lambda nodes: [hashes[n] for n in nodes])


# ---- appending


@dataclass(frozen=True)
class Appended:
    count: int
    size: int
    last_sequence: int
    gap: tuple[int, int] | None = None  # (last sequence appended, the sequence found after it)
    checkpoint: StoredCheckpoint | None = None


async def append(uow: UnitOfWork, deliveries: Sequence[Delivery], *, keys: Keys) -> Appended:
    """Append the deliveries that follow the ledger's last stream sequence, in order, and sign a checkpoint if
    `checkpoint_every` leaves have come since the last. One already appended (a redelivery, another replica's) is
    skipped; a jump in the sequence stops the batch there, unless an operator acknowledged that very gap."""
    head = await repository.lock_head(uow)
    now = utcnow()
    new_nodes: list[NodeRow] = []

    def keep(level: int, index: int, digest: bytes) -> None:
        if rules.stored(level):
            new_nodes.append((level, index, digest))

    tree = merkle.CompactRange(head.size, _fringe(head), on_node=keep)
    leaves: list[LeafRow] = []
    parties: list[PartyRow] = []
    last = head.last_sequence
    gap: tuple[int, int] | None = None
    leaf_hash, describe = merkle.leaf_hash, rules.describe
    for delivery in deliveries:
        sequence = delivery.stream_sequence
        if sequence <= last:
            continue
        if sequence != last + 1:
            known = await repository.gap_after(uow, after_sequence=last)
            if known is None or known.acknowledged_at is None or known.next_sequence != sequence:
                gap = (last, sequence)
                break
        payload = delivery.payload
        digest = leaf_hash(payload)
        d = describe(payload)
        index = tree.size
        tree.append(digest)
        # Rows as tuples in the tables' column order (models.LEAF_COLUMNS, PARTY_COLUMNS): ingest builds one per leaf.
        leaves.append((index, sequence, digest, payload, delivery.subject[:255], d.event_id, d.event_type,
                       d.occurred_at, d.journey_id, d.claimant_ref, d.actor_id, now))
        actor = d.actor_id
        parties.extend((org, index, org == actor) for org in d.parties)
        last = sequence
    if leaves:
        await repository.add_leaves(uow, leaves, parties, new_nodes)
        head = replace(head, size=tree.size, last_sequence=last, fringe=b"".join(tree.hashes))
        await repository.update_head(uow, head)
    checkpoint = None
    latest = await repository.latest_checkpoint(uow)
    if head.size - (latest.tree_size if latest else 0) >= keys.checkpoint_every:
        checkpoint = await _sign(uow, head, latest, keys)
    return Appended(len(leaves), head.size, head.last_sequence, gap, checkpoint)


async def record_gap(uow: UnitOfWork, *, after: int, found: int) -> Gap:
    """The stream no longer holds what follows `after`: an alarm, kept until an operator acknowledges it."""
    gap = Gap(after_sequence=after, next_sequence=found, detected_at=utcnow(), acknowledged_at=None,
              acknowledged_by=None)
    if not await repository.record_gap(uow, gap):
        existing = await repository.gap_after(uow, after_sequence=after)
        assert existing is not None
        if existing.next_sequence != found and existing.acknowledged_at is None:
            gap = replace(existing, next_sequence=found)
            await repository.update_gap(uow, gap)
        else:
            gap = existing
    return gap


async def acknowledge_gap(uow: UnitOfWork, principal: Principal, *, after: int) -> Gap:
    access.require_operator(principal)
    gap = await repository.gap_after(uow, after_sequence=after)
    if gap is None:
        raise problems.gap_not_found(after)
    if gap.acknowledged_at is None:
        gap = replace(gap, acknowledged_at=utcnow(), acknowledged_by=principal.user[:100])
        await repository.update_gap(uow, gap)
    return gap


async def outstanding_gaps(uow: UnitOfWork) -> list[Gap]:
    return await repository.outstanding_gaps(uow)


# ---- checkpoints


async def sign_if_due(uow: UnitOfWork, *, keys: Keys) -> StoredCheckpoint | None:
    """The timer's checkpoint: if anything but the ledger's own checkpoint events came since the last one."""
    latest = await repository.latest_checkpoint(uow)
    start = latest.tree_size if latest else 0
    if not await repository.anything_but_checkpoints_from(uow, start=start):
        return None
    head = await repository.lock_head(uow)
    latest = await repository.latest_checkpoint(uow)  # again, under the head's lock
    if latest is not None and latest.tree_size >= head.size:
        return None
    return await _sign(uow, head, latest, keys)


async def _sign(uow: UnitOfWork, head: Head, latest: StoredCheckpoint | None, keys: Keys) -> StoredCheckpoint:
    """Sign the tree as the head has it, once it is shown to extend the last signed checkpoint: a proof built from
    the stored hashes, checked with the same code as any verifier's."""
    root = merkle.fold(_fringe(head))
    if latest is not None:
        proof = await range_hashes(uow, merkle.consistency_ranges(latest.tree_size, head.size))
        try:
            merkle.verify_consistency(latest.tree_size, head.size, latest.root_hash, root, proof)
        except merkle.ProofError as exc:
            raise LedgerInconsistent(f"the ledger of {head.size} does not extend its checkpoint of "
                                     f"{latest.tree_size}: {exc}") from None
    note = Checkpoint(keys.origin, head.size, root).sign(keys.signer)
    stored = StoredCheckpoint(tree_size=head.size, root_hash=root, note=note, signed_at=utcnow())
    await repository.add_checkpoint(uow, stored)
    data = CheckpointSigned(origin=keys.origin, tree_size=head.size, root_hash=root.hex(), checkpoint=note)
    uow.record(Envelope(type=data.EVENT_TYPE, version=data.EVENT_VERSION, producer="audit", actor=SYSTEM,
                        data=data.model_dump(mode="json")))
    return stored


async def latest_checkpoint(uow: UnitOfWork) -> StoredCheckpoint:
    latest = await repository.latest_checkpoint(uow)
    if latest is None:
        raise problems.no_checkpoint()
    return latest


async def checkpoints(uow: UnitOfWork, *, from_size: int, to_size: int | None, limit: int) -> list[StoredCheckpoint]:
    latest = await latest_checkpoint(uow)
    return await repository.checkpoints(
        uow, from_size=from_size, to_size=latest.tree_size if to_size is None else to_size, limit=limit
    )


async def _within(uow: UnitOfWork, field: str, size: int) -> StoredCheckpoint:
    latest = await latest_checkpoint(uow)
    if size > latest.tree_size:
        raise problems.beyond_checkpoint(field, size, latest.tree_size)
    return latest


# ---- proofs


async def consistency_proof(uow: UnitOfWork, *, first: int, second: int) -> list[bytes]:
    await _within(uow, "second", second)
    if first > second:
        raise problems.bad_sizes(first, second)
    return await range_hashes(uow, merkle.consistency_ranges(first, second))


async def inclusion_proof(
    uow: UnitOfWork, principal: Principal, *, tree_size: int, leaf_index: int | None, leaf_hash: bytes | None
) -> tuple[int, list[bytes]]:
    access.require_dwp_reader(principal)
    await _within(uow, "tree_size", tree_size)
    if leaf_index is None:
        assert leaf_hash is not None
        leaf_index = await repository.index_of_hash(uow, leaf_hash=leaf_hash, below=tree_size)
        if leaf_index is None:
            raise problems.unknown_leaf(tree_size)
    if leaf_index >= tree_size:
        raise problems.beyond_checkpoint("leaf_index", leaf_index, tree_size - 1)
    return leaf_index, await range_hashes(uow, merkle.inclusion_ranges(leaf_index, tree_size))


async def leaves(uow: UnitOfWork, principal: Principal, *, start: int, end: int) -> list[Leaf]:
    access.require_dwp_reader(principal)
    latest = await latest_checkpoint(uow)
    if start >= latest.tree_size:
        raise problems.beyond_checkpoint("start", start, latest.tree_size - 1)
    return await repository.leaves_between(uow, start=start, end=min(end, latest.tree_size))


# ---- the auditor's queries


@dataclass(frozen=True)
class Found:
    checkpoint: StoredCheckpoint
    leaves: list[Leaf]
    proofs: list[list[bytes]] | None
    more: bool


async def search(
    uow: UnitOfWork, principal: Principal, *, where: LeafFilter, after: int, limit: int, with_proofs: bool
) -> Found:
    """Events matching `where`, each proven against the latest signed checkpoint (newer ones wait for the next)."""
    access.require_dwp_reader(principal)
    latest = await latest_checkpoint(uow)
    found = await repository.search(uow, where, after=after, below=latest.tree_size, limit=limit + 1)
    page = found[:limit]
    proofs = None
    if with_proofs:
        # Every leaf's proof at once: the stored hashes they need (their upper levels shared) in one set of reads.
        paths = [merkle.inclusion_ranges(leaf.leaf_index, latest.tree_size) for leaf in page]
        hashes = iter(await range_hashes(uow, [r for path in paths for r in path]))
        proofs = [[next(hashes) for _ in path] for path in paths]
    return Found(latest, page, proofs, len(found) > limit)


def pseudonym(nino: str, keys: Keys) -> str:
    """The claimant_ref of a (normalised) NI number: the number goes no further than this call."""
    return claimant_ref(nino, keys.claimant_ref_key)


async def ledger_head(uow: UnitOfWork) -> Head:
    return await repository.read_head(uow)

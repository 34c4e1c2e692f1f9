"""The audit service's HTTP API: the log's public face in the shapes of RFC 6962 §4 (checkpoint, consistency,
inclusion, entries), and the auditor's queries. Who may call which is in `access.py` (ADR 0020)."""

from __future__ import annotations

import base64
from typing import Annotated

from fastapi import Depends, Path, Query, Request, Response
from pydantic import AwareDatetime

from scx_audit import rules, service
from scx_audit.models import Gap, Leaf, StoredCheckpoint
from scx_audit.repository import LeafFilter
from scx_audit.schemas import (
    CheckpointOut,
    ClaimantRef,
    ConsistencyOut,
    EventOut,
    EventsOut,
    EventType,
    FindByNino,
    GapOut,
    HexHash,
    InclusionOut,
    LeafOut,
    LeavesOut,
    Role,
)
from scx_audit.service import Keys
from scx_contracts.claimant import InvalidNino, normalise_nino
from scx_servicekit.app import UoW
from scx_servicekit.auth import CurrentPrincipal
from scx_servicekit.openapi import problems
from scx_servicekit.paging import PageRequest, encode_cursor, page_request
from scx_servicekit.problems import Problem
from scx_servicekit.routing import service_router
from scx_servicekit.strict import OrganisationId, QueryBool, QueryInt, RecordId

from . import problems as catalogue

INT63 = 2**63 - 1
Size = Annotated[QueryInt, Query(ge=0, le=INT63)]
Paging = Annotated[PageRequest, Depends(page_request)]
NO_CHECKPOINT = problems({404: "nothing checkpointed yet"})
BEYOND = problems({404: "nothing checkpointed yet, or no leaf with that hash",
                   422: "beyond the latest signed checkpoint, or sizes the wrong way round"})
LISTING = problems({400: "the cursor is not one this service issued", 404: "nothing checkpointed yet"})
TEXT = {200: {"content": {"text/plain": {"schema": {"type": "string"}}}}}

router = service_router(tags=["ledger"])
auditor = service_router(tags=["auditor"])
operations = service_router(prefix="/operations", tags=["operations"])


async def keys(request: Request) -> Keys:  # async: FastAPI would run a plain function in a worker thread
    k: Keys = request.app.state.ledger_keys
    return k


LedgerKeys = Annotated[Keys, Depends(keys)]


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _checkpoint(c: StoredCheckpoint) -> CheckpointOut:
    return CheckpointOut(tree_size=c.tree_size, root_hash=b64(c.root_hash), checkpoint=c.note, signed_at=c.signed_at)


@router.get("/public-key", summary="The log's verifier key (C2SP signed-note form)", response_class=Response,
            responses=TEXT)
async def public_key(k: LedgerKeys) -> Response:
    return Response(f"{k.signer.verifier()}\n", media_type="text/plain")


@router.get("/checkpoint", summary="The latest signed checkpoint, as the note itself", response_class=Response,
            responses={**TEXT, **NO_CHECKPOINT})
async def checkpoint(uow: UoW) -> Response:
    return Response((await service.latest_checkpoint(uow)).note, media_type="text/plain")


@router.get("/checkpoints", summary="Signed checkpoints by tree size, oldest first", responses=NO_CHECKPOINT)
async def list_checkpoints(
    uow: UoW,
    from_size: Size = 0,
    to_size: Annotated[QueryInt | None, Query(ge=0, le=INT63)] = None,
    limit: Annotated[QueryInt, Query(ge=1, le=1000)] = 100,
) -> list[CheckpointOut]:
    found = await service.checkpoints(uow, from_size=from_size, to_size=to_size, limit=limit)
    return [_checkpoint(c) for c in found]


@router.get("/proofs/consistency", summary="A consistency proof between two tree sizes (RFC 6962 get-sth-consistency)",
            responses=BEYOND)
async def consistency(uow: UoW, first: Size, second: Size) -> ConsistencyOut:
    proof = await service.consistency_proof(uow, first=first, second=second)
    return ConsistencyOut(first=first, second=second, consistency=[b64(h) for h in proof])


@router.get("/proofs/inclusion", summary="An inclusion proof for a leaf, by index or by its hash (hex), at a tree size",
            responses=BEYOND)
async def inclusion(
    uow: UoW,
    principal: CurrentPrincipal,
    tree_size: Size,
    leaf_index: Annotated[QueryInt | None, Query(ge=0, le=INT63)] = None,
    leaf_hash: Annotated[HexHash | None, Query()] = None,
) -> InclusionOut:
    if (leaf_index is None) == (leaf_hash is None):
        raise Problem(422, "invalid-request", "Your request is not valid", "Give leaf_index or leaf_hash, not both.",
                      errors=[{"field": "query.leaf_index", "message": "give leaf_index or leaf_hash"}])
    index, proof = await service.inclusion_proof(
        uow, principal, tree_size=tree_size, leaf_index=leaf_index,
        leaf_hash=bytes.fromhex(leaf_hash) if leaf_hash else None,
    )
    return InclusionOut(leaf_index=index, tree_size=tree_size, audit_path=[b64(h) for h in proof])


@router.get("/leaves", summary="Leaves [start, end) as their exact bytes (RFC 6962 get-entries), at most 1000",
            responses=BEYOND)
async def get_leaves(
    uow: UoW,
    principal: CurrentPrincipal,
    start: Size,
    end: Annotated[QueryInt | None, Query(ge=1, le=INT63)] = None,
) -> LeavesOut:
    end = start + 1000 if end is None else min(end, start + 1000)
    found = await service.leaves(uow, principal, start=start, end=end)
    return LeavesOut(entries=[_leaf(leaf) for leaf in found])


def _leaf(leaf: Leaf) -> LeafOut:
    return LeafOut(leaf_index=leaf.leaf_index, stream_sequence=leaf.stream_sequence, leaf_hash=b64(leaf.leaf_hash),
                   leaf_input=b64(leaf.leaf))


def _event(leaf: Leaf, proof: list[bytes] | None) -> EventOut:
    parsed = rules.parse_json(leaf.leaf)
    return EventOut(
        leaf_index=leaf.leaf_index, stream_sequence=leaf.stream_sequence, leaf_hash=b64(leaf.leaf_hash),
        leaf_input=b64(leaf.leaf), event_id=leaf.event_id, type=leaf.event_type, occurred_at=leaf.occurred_at,
        journey_id=leaf.journey_id, claimant_ref=leaf.claimant_ref, actor_id=leaf.actor_id,
        event=parsed if isinstance(parsed, dict) else None,
        audit_path=None if proof is None else [b64(h) for h in proof],
    )


def _after(page: PageRequest) -> int:
    if page.after is None:
        return -1
    if not page.after.isdigit() or len(page.after) > 19:
        raise Problem(400, "invalid-cursor", "The cursor is not valid",
                      "Use next_cursor from a previous page as it is.",
                      errors=[{"field": "query.cursor", "message": "not a cursor this service issued"}])
    return int(page.after)


async def _events(uow: UoW, principal: CurrentPrincipal, where: LeafFilter, page: PageRequest,
                  proofs: bool) -> EventsOut:
    found = await service.search(uow, principal, where=where, after=_after(page), limit=page.limit,
                                 with_proofs=proofs)
    items = [_event(leaf, found.proofs[i] if found.proofs else None) for i, leaf in enumerate(found.leaves)]
    cursor = encode_cursor(str(found.leaves[-1].leaf_index)) if found.more and found.leaves else None
    return EventsOut(checkpoint=_checkpoint(found.checkpoint), items=items, next_cursor=cursor)


@auditor.get("/events", summary="The auditor's query: events by journey, claimant, organisation, type and time",
             responses=LISTING)
async def find_events(
    uow: UoW,
    principal: CurrentPrincipal,
    page: Paging,
    journey_id: Annotated[RecordId | None, Query(description="the referral id")] = None,
    claimant_ref: Annotated[ClaimantRef | None, Query()] = None,
    organisation_id: Annotated[OrganisationId | None, Query()] = None,
    role: Annotated[Role, Query(description="with organisation_id: as the actor, a party, or either")] = "any",
    type: Annotated[EventType | None, Query(description="an event type, e.g. referral.allocated")] = None,
    occurred_from: Annotated[AwareDatetime | None, Query()] = None,
    occurred_before: Annotated[AwareDatetime | None, Query()] = None,
    proofs: QueryBool = False,
) -> EventsOut:
    where = LeafFilter(
        journey_id=journey_id, claimant_ref=claimant_ref, organisation_id=organisation_id,
        as_actor=True if role == "actor" else None, event_type=type,
        occurred_from=occurred_from, occurred_before=occurred_before,
    )
    return await _events(uow, principal, where, page, proofs)


@auditor.post("/events/by-nino", summary="A claimant's whole journey by NI number (kept out of the URL, never stored)",
              responses={**LISTING, **problems({422: "not a National Insurance number"})})
async def find_by_nino(
    uow: UoW, principal: CurrentPrincipal, k: LedgerKeys, body: FindByNino, page: Paging
) -> EventsOut:
    try:
        nino = normalise_nino(body.national_insurance_number)
    except InvalidNino as exc:
        raise catalogue.invalid_nino(str(exc)) from None
    where = LeafFilter(claimant_ref=service.pseudonym(nino, k))
    return await _events(uow, principal, where, page, body.proofs)


def _gap(gap: Gap) -> GapOut:
    return GapOut(**{name: getattr(gap, name) for name in GapOut.model_fields})


@operations.post("/ledger-gaps/{after_sequence}/acknowledgement",
                 summary="An operator accepts that the stream no longer holds a gap, and the ledger goes on past it",
                 responses=problems({404: "no such gap"}))
async def acknowledge_gap(
    uow: UoW, principal: CurrentPrincipal, after_sequence: Annotated[QueryInt, Path(ge=0, le=INT63)]
) -> GapOut:
    return _gap(await service.acknowledge_gap(uow, principal, after=after_sequence))

"""The shapes of the audit API's requests and responses. Hashes and leaves are base64, as in RFC 6962 §4."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints

from scx_servicekit.strict import RequestModel

Base64 = Annotated[str, Field(description="base64 (RFC 4648 §4)")]
ClaimantRef = Annotated[str, StringConstraints(pattern=r"^clm_[0-9a-f]{32}$", max_length=36)]
EventType = Annotated[str, StringConstraints(pattern=r"^[a-z_]+\.[a-z_]+$", max_length=100)]
HexHash = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$", max_length=64)]
Role = Literal["actor", "party", "any"]


class CheckpointOut(BaseModel):
    tree_size: int
    root_hash: Base64
    checkpoint: str = Field(description="the C2SP signed note holding the C2SP tlog-checkpoint")
    signed_at: datetime


class ConsistencyOut(BaseModel):
    first: int
    second: int
    consistency: list[Base64]


class InclusionOut(BaseModel):
    leaf_index: int
    tree_size: int
    audit_path: list[Base64]


class LeafOut(BaseModel):
    leaf_index: int
    stream_sequence: int
    leaf_hash: Base64
    leaf_input: Base64 = Field(description="the exact bytes the stream held")


class LeavesOut(BaseModel):
    entries: list[LeafOut]


class EventOut(LeafOut):
    event_id: str | None
    type: str | None
    occurred_at: datetime | None
    journey_id: str | None
    claimant_ref: str | None
    actor_id: str | None
    event: dict[str, Any] | None = Field(description="the leaf read as JSON (None if it is not)")
    audit_path: list[Base64] | None = Field(None, description="its inclusion proof in the checkpoint's tree")


class EventsOut(BaseModel):
    checkpoint: CheckpointOut = Field(description="what every item is proven against: only events it covers")
    items: list[EventOut]
    next_cursor: str | None = None


class FindByNino(RequestModel):
    """The NI number goes in a body, never a URL (which logs and proxies keep). It is turned into the claimant's
    pseudonym and forgotten."""

    national_insurance_number: Annotated[str, StringConstraints(min_length=1, max_length=20)]
    proofs: bool = False


class GapOut(BaseModel):
    after_sequence: int
    next_sequence: int
    detected_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: str | None

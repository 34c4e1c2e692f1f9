"""Events published by the audit service: each signed checkpoint of the ledger of every event."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, Strict, StringConstraints

from scx_contracts.registry import EventData, event

__all__ = ["CheckpointSigned"]

INT64_MAX = 2**63 - 1
TreeSize = Annotated[int, Strict(), Field(ge=0, le=INT64_MAX)]
RootHash = Annotated[str, Strict(), StringConstraints(pattern=r"^[0-9a-f]{64}$")]
# A C2SP signed note holding a C2SP tlog-checkpoint: origin, size and root, a blank line, signature lines.
SignedNote = Annotated[str, Strict(), StringConstraints(min_length=1, max_length=4000)]
Origin = Annotated[str, Strict(), StringConstraints(min_length=1, max_length=200, pattern=r"^[\x21-\x7e]+$")]


@event("audit.checkpoint_signed", 1)
class CheckpointSigned(EventData):
    """The audit ledger signed a checkpoint: its first `tree_size` events, in stream order, have the Merkle root
    `root_hash` (RFC 6962, hex). `checkpoint` is the signed note itself, which anyone holding the log's public key
    can check, and which every later checkpoint must be consistent with."""

    origin: Origin
    tree_size: TreeSize
    root_hash: RootHash
    checkpoint: SignedNote

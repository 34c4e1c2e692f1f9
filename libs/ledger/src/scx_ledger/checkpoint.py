"""C2SP tlog-checkpoint (https://c2sp.org/tlog-checkpoint): origin, tree size and root hash, signed as a note."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from scx_ledger.merkle import HASH_SIZE
from scx_ledger.note import NoteError, Signer, Verifier, open_note


class CheckpointError(ValueError):
    pass


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes

    def body(self) -> str:
        return f"{self.origin}\n{self.size}\n{base64.b64encode(self.root).decode()}\n"

    def sign(self, signer: Signer) -> str:
        return signer.sign(self.body())

    @classmethod
    def parse_body(cls, text: str) -> Checkpoint:
        lines = text.split("\n")
        if len(lines) < 4 or lines[-1] != "":
            raise CheckpointError("a checkpoint is origin, size and root hash, one a line")
        origin, size, root = lines[:3]
        if not origin or not size.isdigit() or (size != "0" and size.startswith("0")) or not size.isascii():
            raise CheckpointError("a checkpoint's size is a decimal number without leading zeros")
        try:
            digest = base64.b64decode(root, validate=True)
        except (binascii.Error, ValueError):
            raise CheckpointError("a checkpoint's root is base64") from None
        if len(digest) != HASH_SIZE:
            raise CheckpointError("a checkpoint's root is 32 bytes")
        return cls(origin, int(size), digest)

    @classmethod
    def open(cls, note: str, verifier: Verifier, *, origin: str | None = None) -> Checkpoint:
        """The checkpoint of a signed note, checked against the key (and the origin, if given)."""
        try:
            text = open_note(note, verifier)
        except NoteError as exc:
            raise CheckpointError(str(exc)) from None
        checkpoint = cls.parse_body(text)
        if origin is not None and checkpoint.origin != origin:
            raise CheckpointError(f"the checkpoint is for {checkpoint.origin!r}, not {origin!r}")
        return checkpoint

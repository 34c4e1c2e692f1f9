"""Exports made in memory from a list of leaves: what the tamper tests and the verify benchmark start from."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import pairwise

from scx_ledger.checkpoint import Checkpoint
from scx_ledger.export import Entry, Header, write_header
from scx_ledger.merkle import perfect_subtrees
from scx_ledger.note import Signer
from scx_ledger.tree import MemoryTree


@dataclass
class Ledger:
    """Leaves with their stream sequences, the whole tree, and checkpoints signed every `every` leaves and at the
    end."""

    origin: str
    leaves: list[bytes]
    sequences: list[int]
    tree: MemoryTree
    checkpoints: list[tuple[int, str]]  # (size, signed note)

    @classmethod
    def make(cls, leaves: Sequence[bytes], signer: Signer, *, every: int, origin: str | None = None) -> Ledger:
        origin = origin or signer.name
        tree = MemoryTree(leaves)
        sizes = [*range(every, len(leaves), every), len(leaves)]
        notes = [(size, Checkpoint(origin, size, tree.root(size)).sign(signer)) for size in sizes]
        return cls(origin, list(leaves), list(range(1, len(leaves) + 1)), tree, notes)

    def header(self, kind: str = "full", *, start: int = 0) -> Header:
        sizes = [size for size, _ in self.checkpoints]
        return Header(
            origin=self.origin,
            kind=kind,
            checkpoints=[note for _, note in self.checkpoints],
            consistency={(a, b): self.tree.consistency_proof(a, b) for a, b in pairwise(sizes)},
            prefix_start=start,
            prefix=self.tree.nodes(perfect_subtrees(0, start)) if kind == "range" else [],
        )

    def entries(self, start: int = 0, end: int | None = None) -> list[Entry]:
        end = len(self.leaves) if end is None else end
        hashes = self.tree.levels[0]
        return [Entry(i, self.sequences[i], hashes[i], self.leaves[i]) for i in range(start, end)]

    def proven(self, indices: Sequence[int]) -> list[Entry]:
        size = self.checkpoints[-1][0]
        hashes = self.tree.levels[0]
        return [Entry(i, self.sequences[i], hashes[i], self.leaves[i], size, tuple(self.tree.inclusion_proof(i, size)))
                for i in indices]


def lines(header: Header, entries: Sequence[Entry]) -> Iterator[str]:
    """The export's lines, as `export.write` would write them."""
    import io

    head = io.StringIO()
    write_header(head, header)
    yield from head.getvalue().splitlines(keepends=True)
    for entry in entries:
        yield entry.line()
    yield f"end {len(entries)}\n"

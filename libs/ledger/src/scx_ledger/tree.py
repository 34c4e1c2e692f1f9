"""A whole tree in memory: every level of it, for the CLI's exports, the tamper tests and the benchmarks."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from scx_ledger.merkle import (
    CompactRange,
    Node,
    consistency_proof,
    fold,
    inclusion_proof,
    leaf_hash,
    perfect_subtrees,
)


class MemoryTree:
    """Leaves appended in order; `levels[L][i]` is the hash of perfect subtree (L, i)."""

    def __init__(self, leaves: Iterable[bytes] = ()) -> None:
        self.levels: list[list[bytes]] = [[]]
        self._range = CompactRange(on_node=self._keep)
        for leaf in leaves:
            self.append(leaf)

    def _keep(self, level: int, index: int, digest: bytes) -> None:
        if level == len(self.levels):
            self.levels.append([])
        self.levels[level].append(digest)

    def append(self, leaf: bytes) -> bytes:
        digest = leaf_hash(leaf)
        self.append_hash(digest)
        return digest

    def append_hash(self, digest: bytes) -> None:
        self.levels[0].append(digest)
        self._range.append(digest)

    @property
    def size(self) -> int:
        return self._range.size

    def nodes(self, wanted: Sequence[Node]) -> list[bytes]:
        return [self.levels[level][index] for level, index in wanted]

    def root(self, size: int | None = None) -> bytes:
        if size is None or size == self.size:
            return self._range.root()
        if not 0 <= size <= self.size:
            raise ValueError(f"no tree of {size} in a ledger of {self.size}")
        return fold(self.nodes(perfect_subtrees(0, size)))

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        return inclusion_proof(index, self.size if size is None else size, self.nodes)

    def consistency_proof(self, old: int, new: int | None = None) -> list[bytes]:
        return consistency_proof(old, self.size if new is None else new, self.nodes)

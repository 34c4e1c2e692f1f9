"""The Merkle tree of RFC 6962 / RFC 9162 §2.1 over SHA-256: hashes, the compact range, proofs and their checks.

A tree of `size` leaves is the fold of the perfect subtrees its size decomposes into (largest first); a perfect
subtree at `level` L and `index` i covers leaves [i·2^L, (i+1)·2^L). Everything here works on those coordinates, so
that a store (memory, a database) only has to answer "the hash of node (L, i)".
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence

EMPTY_ROOT = hashlib.sha256(b"").digest()
HASH_SIZE = 32

Node = tuple[int, int]  # (level, index) of a perfect subtree
NodeHashes = Callable[[Sequence[Node]], Sequence[bytes]]


class ProofError(ValueError):
    """A proof that does not prove what it claims."""


def leaf_hash(leaf: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def perfect_subtrees(start: int, end: int) -> list[Node]:
    """The perfect subtrees that make up the range [start, end), left to right, when `start` is a multiple of a
    power of two at least end - start (every range RFC 6962's recursion produces is)."""
    nodes: list[Node] = []
    while start < end:
        level = (end - start).bit_length() - 1
        while start % (1 << level):
            level -= 1
        nodes.append((level, start >> level))
        start += 1 << level
    return nodes


def fold(hashes: Sequence[bytes]) -> bytes:
    """The root of consecutive perfect subtrees, largest first (a compact range from 0)."""
    if not hashes:
        return EMPTY_ROOT
    root = hashes[-1]
    for h in reversed(hashes[:-1]):
        root = node_hash(h, root)
    return root


def inclusion_ranges(index: int, size: int) -> list[tuple[int, int]]:
    """RFC 9162 §2.1.3.1 PATH(index, D[0:size]) as the leaf ranges whose hashes it holds, in proof order."""
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of {size}")
    out: list[tuple[int, int]] = []
    start, end = 0, size
    while end - start > 1:
        k = _split(end - start)
        if index < start + k:
            out.append((start + k, end))
            end = start + k
        else:
            out.append((start, start + k))
            start += k
    out.reverse()
    return out


def consistency_ranges(old: int, new: int) -> list[tuple[int, int]]:
    """RFC 9162 §2.1.4.1 PROOF(old, D[0:new]) as leaf ranges, in proof order (empty when old is 0 or new)."""
    if not 0 <= old <= new:
        raise ValueError(f"no consistency proof from {old} to {new}")
    if old in (0, new):
        return []
    out: list[tuple[int, int]] = []
    start, end, whole = 0, new, True
    while True:
        if old == end:
            if not whole:
                out.append((start, end))
            break
        k = _split(end - start)
        if old - start <= k:
            out.append((start + k, end))
            end = start + k
        else:
            out.append((start, start + k))
            start += k
            whole = False
    out.reverse()
    return out


def range_hashes(ranges: Sequence[tuple[int, int]], nodes: NodeHashes) -> list[bytes]:
    """The hash of each range, asking `nodes` once for every perfect subtree they need."""
    parts = [perfect_subtrees(s, e) for s, e in ranges]
    flat = [n for p in parts for n in p]
    found = iter(nodes(flat)) if flat else iter(())
    return [fold([next(found) for _ in p]) for p in parts]


def inclusion_proof(index: int, size: int, nodes: NodeHashes) -> list[bytes]:
    return range_hashes(inclusion_ranges(index, size), nodes)


def consistency_proof(old: int, new: int, nodes: NodeHashes) -> list[bytes]:
    return range_hashes(consistency_ranges(old, new), nodes)


def root_from_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes]) -> bytes:
    """RFC 9162 §2.1.3.2: the root the proof leads to from the leaf hash; raises ProofError if it leads nowhere."""
    if not 0 <= index < size:
        raise ProofError(f"leaf {index} is not in a tree of {size}")
    if len(leaf) != HASH_SIZE or any(len(p) != HASH_SIZE for p in proof):
        raise ProofError("a hash is not 32 bytes")
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise ProofError("the proof is longer than the path")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("the proof is shorter than the path")
    return r


def verify_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes) -> None:
    if root_from_inclusion(index, size, leaf, proof) != root:
        raise ProofError(f"leaf {index} is not in the tree of {size} with that root")


def verify_consistency(old: int, new: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]) -> None:
    """RFC 9162 §2.1.4.2; raises ProofError unless the tree of `new` extends the tree of `old`."""
    if not 0 <= old <= new:
        raise ProofError(f"a tree of {new} cannot extend one of {old}")
    if old == new:
        if proof or old_root != new_root:
            raise ProofError(f"two different trees of {old}")
        return
    if old == 0:
        if proof:
            raise ProofError("a proof from the empty tree must be empty")
        return
    if not proof or any(len(p) != HASH_SIZE for p in proof):
        raise ProofError("the proof is empty or holds a hash that is not 32 bytes")
    path = list(proof)
    if old & (old - 1) == 0:
        path.insert(0, old_root)
    fn, sn = old - 1, new - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError("the proof is longer than the path")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0 or fr != old_root or sr != new_root:
        raise ProofError(f"the tree of {new} does not extend the tree of {old}")


class CompactRange:
    """The right edge of a growing tree: one hash per perfect subtree its size decomposes into, largest first. A
    leaf is appended in O(1) amortised; `on_node` hears of every perfect subtree completed above the leaves (level,
    index, hash), which is how a store keeps the hashes of completed subtrees as they complete."""

    __slots__ = ("hashes", "on_node", "size")

    def __init__(
        self,
        size: int = 0,
        hashes: Sequence[bytes] = (),
        on_node: Callable[[int, int, bytes], None] | None = None,
    ) -> None:
        if len(hashes) != size.bit_count():
            raise ValueError(f"a range of {size} has {size.bit_count()} subtrees, not {len(hashes)}")
        self.size = size
        self.hashes = list(hashes)
        self.on_node = on_node

    @staticmethod
    def nodes(size: int) -> list[Node]:
        """The perfect subtrees a compact range of `size` holds."""
        return perfect_subtrees(0, size)

    def append(self, leaf: bytes) -> None:
        """Append a leaf hash (not the leaf: `leaf_hash(bytes)` first)."""
        hashes = self.hashes
        hashes.append(leaf)
        s = self.size
        level = 0
        while s & 1:
            right = hashes.pop()
            hashes[-1] = node_hash(hashes[-1], right)
            level += 1
            s >>= 1
            if self.on_node is not None:
                self.on_node(level, self.size >> level, hashes[-1])
        self.size += 1

    def root(self) -> bytes:
        return fold(self.hashes)

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.hashes)

"""The tree, its proofs and their checks against the published RFC 6962 vectors (data/README.md), the corruptions
transparency-dev/merkle's verify_test.go tries, and random trees."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scx_ledger import merkle
from scx_ledger.tree import MemoryTree

V = json.loads((Path(__file__).parent / "data" / "rfc6962.json").read_text())
LEAVES = [bytes.fromhex(x) for x in V["leaves"]]
ROOTS = [bytes.fromhex(x) for x in V["roots"]]
TREE = MemoryTree(LEAVES)
SOME_HASH = bytes.fromhex("abacaba000000000000000000000000000000000000000000060061e00123456")


def hx(values: list[str]) -> list[bytes]:
    return [bytes.fromhex(v) for v in values]


def test_the_empty_tree() -> None:
    assert MemoryTree().root() == bytes.fromhex(V["empty_root"]) == merkle.EMPTY_ROOT


@pytest.mark.parametrize("size", range(1, 9))
def test_roots(size: int) -> None:
    assert MemoryTree(LEAVES[:size]).root() == ROOTS[size - 1]
    assert TREE.root(size) == ROOTS[size - 1]


def test_every_stored_node() -> None:
    for level, hashes in enumerate(V["node_hashes"]):
        assert TREE.levels[level] == hx(hashes)


@pytest.mark.parametrize("vector", V["inclusion"], ids=lambda v: f"{v['leaf']}-of-{v['size']}")
def test_inclusion_vectors(vector: dict) -> None:
    index, size, proof = vector["leaf"] - 1, vector["size"], hx(vector["proof"])
    assert TREE.inclusion_proof(index, size) == proof
    leaf, root = merkle.leaf_hash(LEAVES[index]), ROOTS[size - 1]
    merkle.verify_inclusion(index, size, leaf, proof, root)
    wrong = [
        (index + 1, size, leaf, proof, root), (index ^ 2, size, leaf, proof, root),
        (index, size * 2, leaf, proof, root),
        (index, size, b"WrongLeaf".ljust(32, b"_"), proof, root), (index, size, leaf, proof, merkle.EMPTY_ROOT),
        (index, size, leaf, proof, SOME_HASH), (index, size, leaf, [*proof, root], root),
        (index, size, leaf, [root, *proof], root),
    ]
    if index:
        wrong.append((index - 1, size, leaf, proof, root))
    if size > 1:
        wrong.append((index, size // 2, leaf, proof, root))
    for i in range(len(proof)):
        flipped = list(proof)
        flipped[i] = bytes([flipped[i][0] ^ 8]) + flipped[i][1:]
        wrong.append((index, size, leaf, flipped, root))
    if proof:
        wrong.append((index, size, leaf, proof[:-1], root))
    for probe in wrong:
        with pytest.raises(merkle.ProofError):
            merkle.verify_inclusion(*probe)


@pytest.mark.parametrize("vector", V["consistency"], ids=lambda v: f"{v['size1']}-to-{v['size2']}")
def test_consistency_vectors(vector: dict) -> None:
    m, n, proof = vector["size1"], vector["size2"], hx(vector["proof"])
    assert TREE.consistency_proof(m, n) == proof
    r1, r2 = ROOTS[m - 1], ROOTS[n - 1]
    merkle.verify_consistency(m, n, r1, r2, proof)
    if not proof:
        return
    wrong = [(m - 1, n, r1, r2, proof), (m + 1, n, r1, r2, proof), (m ^ 2, n, r1, r2, proof),
             (m, n * 2, r1, r2, proof), (m, n // 2, r1, r2, proof), (m, n, SOME_HASH, r2, proof),
             (m, n, r1, SOME_HASH, proof), (m, n, r2, r1, proof), (m, n, r1, r2, []),
             (m, n, r1, r2, [*proof, r1]), (m, n, r1, r2, [r2, *proof]), (m, n, r1, r2, [proof[0], *proof]),
             (m, n, r1, r2, proof[:-1])]
    for i in range(len(proof)):
        flipped = list(proof)
        flipped[i] = bytes([flipped[i][0] ^ 16]) + flipped[i][1:]
        wrong.append((m, n, r1, r2, flipped))
    for probe in wrong:
        with pytest.raises(merkle.ProofError):
            merkle.verify_consistency(*probe)


def test_trivial_consistency() -> None:
    a, b = b"a" * 32, b"b" * 32
    merkle.verify_consistency(0, 0, a, a, [])
    merkle.verify_consistency(0, 1, a, b, [])
    merkle.verify_consistency(1, 1, b, b, [])
    for probe in [(0, 0, a, b, []), (1, 1, a, b, []), (1, 0, a, b, []), (2, 1, a, b, []), (1, 2, a, b, []),
                  (0, 0, merkle.EMPTY_ROOT, merkle.EMPTY_ROOT, [merkle.EMPTY_ROOT])]:
        with pytest.raises(merkle.ProofError):
            merkle.verify_consistency(*probe)


@given(st.integers(1, 300), st.data())
def test_proofs_of_random_trees_verify(size: int, data: st.DataObject) -> None:
    tree = MemoryTree(str(i).encode() for i in range(size))
    index = data.draw(st.integers(0, size - 1))
    old = data.draw(st.integers(0, size))
    merkle.verify_inclusion(index, size, tree.levels[0][index], tree.inclusion_proof(index), tree.root())
    merkle.verify_consistency(old, size, tree.root(old), tree.root(), tree.consistency_proof(old))


def test_a_reference_root() -> None:
    """The recursive definition of RFC 6962 §2.1, written out, agrees with the compact range on random sizes."""

    def mth(leaves: list[bytes]) -> bytes:
        if len(leaves) == 1:
            return merkle.leaf_hash(leaves[0])
        k = 1 << ((len(leaves) - 1).bit_length() - 1)
        return merkle.node_hash(mth(leaves[:k]), mth(leaves[k:]))

    rng = random.Random(6962)
    for _ in range(50):
        leaves = [rng.randbytes(rng.randrange(40)) for _ in range(rng.randrange(1, 200))]
        assert MemoryTree(leaves).root() == mth(leaves)

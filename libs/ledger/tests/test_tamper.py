"""Seven kinds of tampering, each at random positions of a 100,000-event ledger built in memory: every one detected,
the first bad entry (or checkpoint) named, and a ledger nobody touched verified without a false alarm.

Two forgers: one who edits the export as a person would (`verify` names the exact entry), and a careful one who
recomputes every hash the export carries (the signed roots then name the stretch between two checkpoints, and no
more: verify.py's docstring says why)."""

from __future__ import annotations

import base64
import json
import random

import pytest

from scx_ledger import merkle
from scx_ledger.build import Ledger, lines
from scx_ledger.checkpoint import Checkpoint
from scx_ledger.export import Entry
from scx_ledger.note import Signer
from scx_ledger.verify import Report, verify_export

SIZE, EVERY = 100_000, 1000
SIGNER = Signer.from_seed("scx.example/audit", bytes(range(32)))
KEY = SIGNER.verifier()
RNG = random.Random(20261201)
POSITIONS = [0, *sorted(RNG.sample(range(1, SIZE - 1), 3)), SIZE - 1]


def event(i: int, salt: str = "") -> bytes:
    return json.dumps({"event_id": f"{i:08d}{salt}", "type": "referral.allocated", "journey_id": f"r{i // 7}",
                       "data": {"referral_id": f"r{i // 7}", "partner_id": "partner-wear"}}).encode()


@pytest.fixture(scope="module")
def ledger() -> Ledger:
    return Ledger.make([event(i) for i in range(SIZE)], SIGNER, every=EVERY)


@pytest.fixture(scope="module")
def export(ledger: Ledger) -> tuple[list[str], int]:
    """The export's lines, and where its entries start."""
    out = list(lines(ledger.header(), ledger.entries()))
    return out, next(n for n, line in enumerate(out) if line.startswith("entry "))


def verify(out: list[str], **kwargs: object) -> Report:
    return verify_export(out, KEY, **kwargs)  # type: ignore[arg-type]


def renumber(entries: list[str]) -> list[str]:
    """A careful forger's fix-up: indexes and sequences made continuous again."""
    fixed = []
    for n, line in enumerate(entries):
        _, _, _, digest, leaf = line.split()
        fixed.append(f"entry {n} {n + 1} {digest} {leaf}\n")
    return fixed


def entry_line(index: int, sequence: int, leaf: bytes) -> str:
    return Entry(index, sequence, merkle.leaf_hash(leaf), leaf).line()


def window_of(i: int) -> tuple[int, int]:
    return (i // EVERY) * EVERY, min((i // EVERY + 1) * EVERY, SIZE)


def test_no_false_alarm(export: tuple[list[str], int], ledger: Ledger) -> None:
    out, _ = export
    report = verify(out)
    assert report.ok, report.problem
    assert (report.entries, report.tree_size, report.checkpoints) == (SIZE, SIZE, SIZE // EVERY)
    assert report.root == ledger.tree.root().hex()
    known = Checkpoint.open(ledger.checkpoints[40][1], KEY)
    assert verify(out, known=known).ok


@pytest.mark.parametrize("i", POSITIONS)
def test_changed_bytes(export: tuple[list[str], int], i: int) -> None:
    out, first = export
    out = list(out)
    tag, index, seq, digest, leaf = out[first + i].split()
    changed = bytearray(base64.b64decode(leaf))
    changed[RNG.randrange(len(changed))] ^= 0x01
    out[first + i] = f"{tag} {index} {seq} {digest} {base64.b64encode(bytes(changed)).decode()}\n"
    report = verify(out)
    assert not report.ok and report.first_bad_entry == i, report.problem
    assert "bytes" in (report.problem or "")
    # the careful forger also writes the new hash: the checkpoint after it names the stretch
    out[first + i] = entry_line(i, int(seq), bytes(changed))
    report = verify(out)
    assert not report.ok and report.bad_range == window_of(i), report.problem


@pytest.mark.parametrize("i", POSITIONS)
def test_deleted(export: tuple[list[str], int], i: int) -> None:
    out, first = export
    entries = out[first:-1]
    del entries[i]
    report = verify([*out[:first], *entries, f"end {SIZE - 1}\n"])
    assert not report.ok and report.first_bad_entry == i, report.problem
    careful = verify([*out[:first], *renumber(entries), f"end {SIZE - 1}\n"])
    assert not careful.ok
    assert careful.first_bad_entry == SIZE - 1 if i == SIZE - 1 else careful.bad_range == window_of(i)


@pytest.mark.parametrize("i", POSITIONS)
def test_inserted(export: tuple[list[str], int], i: int) -> None:
    out, first = export
    entries = out[first:-1]
    entries.insert(i, entry_line(i, i + 1, event(i, salt="-forged")))
    report = verify([*out[:first], *entries, f"end {SIZE + 1}\n"])
    assert not report.ok and report.first_bad_entry == i, report.problem
    careful = verify([*out[:first], *renumber(entries), f"end {SIZE + 1}\n"])
    assert not careful.ok and careful.bad_range == window_of(i), careful.problem


@pytest.mark.parametrize("i", POSITIONS[:-1])
def test_swapped(export: tuple[list[str], int], i: int) -> None:
    out, first = export
    j = min(i + 1 + RNG.randrange(50), SIZE - 1)
    entries = out[first:-1]
    entries[i], entries[j] = entries[j], entries[i]
    report = verify([*out[:first], *entries, out[-1]])
    assert not report.ok and report.first_bad_entry == i, report.problem
    careful = verify([*out[:first], *renumber(entries), out[-1]])
    assert not careful.ok and careful.bad_range == window_of(i), careful.problem


@pytest.mark.parametrize("keep", [0, 1, 73_219, SIZE - 1])
def test_truncated(export: tuple[list[str], int], ledger: Ledger, keep: int) -> None:
    out, first = export
    report = verify([*out[:first + keep], f"end {keep}\n"])
    assert not report.ok and report.first_bad_entry == keep, report.problem
    # cut with the checkpoints that covered the tail: only a checkpoint the verifier already holds shows it
    cut = Ledger.make(ledger.leaves[:keep], SIGNER, every=EVERY) if keep else None
    if cut is not None:
        shorter = list(lines(cut.header(), cut.entries()))
        assert verify(shorter).ok
        known = Checkpoint.open(ledger.checkpoints[-1][1], KEY)
        report = verify(shorter, known=known)
        assert not report.ok and report.first_bad_entry == keep, report.problem


@pytest.mark.parametrize("i", POSITIONS)
def test_forked_history_under_the_old_checkpoints(export: tuple[list[str], int], ledger: Ledger, i: int) -> None:
    out, first = export
    rewritten = [entry_line(n, n + 1, event(n, salt="-fork") if n >= i else ledger.leaves[n]) for n in range(SIZE)]
    report = verify([*out[:first], *rewritten, out[-1]])
    assert not report.ok and report.bad_range == window_of(i), report.problem


def test_a_fork_re_signed_with_another_key(ledger: Ledger) -> None:
    i = POSITIONS[1]
    forger = Signer.from_seed("scx.example/audit", bytes(32))
    fork = Ledger.make([event(n, salt="-fork") if n >= i else ledger.leaves[n] for n in range(SIZE)], forger,
                       every=EVERY)
    report = verify(list(lines(fork.header(), fork.entries())))
    assert not report.ok and report.bad_checkpoint == 1 and "does not verify" in (report.problem or "")


def test_a_fork_signed_by_the_log_itself_is_caught_by_consistency(ledger: Ledger) -> None:
    """The log's own key signed two trees that do not extend each other (a split view): consistency says so."""
    i = POSITIONS[2]
    fork = Ledger.make([event(n, salt="-fork") if n >= i else ledger.leaves[n] for n in range(SIZE)], SIGNER,
                       every=EVERY)
    header = ledger.header()
    cut = (i // EVERY) + 1
    header.checkpoints = header.checkpoints[:cut] + [note for _, note in fork.checkpoints[cut:]]
    report = verify(list(lines(header, fork.entries())))
    assert not report.ok and report.bad_checkpoint == fork.checkpoints[cut][0], report.problem
    assert "fork" in (report.problem or "")


@pytest.mark.parametrize("which", [0, 17, SIZE // EVERY - 1])
def test_forged_or_altered_checkpoint_signature(export: tuple[list[str], int], which: int) -> None:
    out, _ = export
    start = next(n for n, line in enumerate(out) if line.startswith("checkpoint "))
    note = base64.b64decode(out[start + which].split()[1]).decode()
    body, signature = note.rsplit(" ", 1)
    raw = bytearray(base64.b64decode(signature))
    raw[10] ^= 0xFF
    for forged in (f"{body} {base64.b64encode(bytes(raw)).decode()}\n",
                   note.replace(f"\n{(which + 1) * EVERY}\n", f"\n{(which + 1) * EVERY + 1}\n", 1)):
        changed = list(out)
        changed[start + which] = f"checkpoint {base64.b64encode(forged.encode()).decode()}\n"
        report = verify(changed)
        assert not report.ok and report.bad_checkpoint == which + 1, report.problem


def test_range_and_entries_exports(ledger: Ledger) -> None:
    start, end = 31_337, SIZE
    report = verify(list(lines(ledger.header("range", start=start), ledger.entries(start, end))))
    assert report.ok, report.problem
    picked = sorted(RNG.sample(range(SIZE), 20))
    proven = ledger.proven(picked)
    assert verify(list(lines(ledger.header("entries"), proven))).ok
    bad = list(proven)
    bad[7] = Entry(bad[7].index, bad[7].sequence, bad[7].recorded_hash, bad[7].leaf + b" ", bad[7].proof_size,
                   bad[7].proof)
    report = verify(list(lines(ledger.header("entries"), bad)))
    assert not report.ok and report.first_bad_entry == picked[7], report.problem

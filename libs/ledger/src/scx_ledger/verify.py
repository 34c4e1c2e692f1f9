"""Offline verification of an export with nothing but the log's public key.

Checks every checkpoint's signature and that each is consistent with the one before; recomputes the tree from the
entries and compares its root with every checkpoint it reaches (a full or range export), or checks each entry's
inclusion proof (an entries export); and names the first entry that is wrong.

What can be named: an entry whose bytes no longer hash to the hash the ledger recorded for it; an entry missing,
repeated or out of place (its index or stream sequence); entries beyond the last checkpoint or short of it. What
cannot: someone who changes entries and recomputes every hash the export carries makes a tree whose root differs
from the first signed checkpoint after the change, and no more: the signed roots say which stretch between two
checkpoints holds the first wrong entry, not which entry of it. The report then names that stretch.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import pairwise

from scx_ledger.checkpoint import Checkpoint, CheckpointError
from scx_ledger.export import ExportFormatError, Header, Reader
from scx_ledger.merkle import (
    CompactRange,
    ProofError,
    leaf_hash,
    root_from_inclusion,
    verify_consistency,
)
from scx_ledger.note import Verifier

PROGRESS_EVERY = 8192


@dataclass
class Report:
    ok: bool = True
    kind: str = ""
    origin: str = ""
    entries: int = 0
    checkpoints: int = 0
    tree_size: int = 0  # the latest checkpoint's
    root: str = ""  # its root, hex
    problem: str | None = None
    first_bad_entry: int | None = None  # the first entry known to be wrong
    bad_range: tuple[int, int] | None = None  # where it cannot be narrowed further: [start, end)
    bad_checkpoint: int | None = None  # the tree size of a checkpoint that is wrong
    warnings: list[str] = field(default_factory=list)

    def fail(
        self,
        problem: str,
        *,
        entry: int | None = None,
        within: tuple[int, int] | None = None,
        checkpoint: int | None = None,
    ) -> Report:
        self.ok = False
        self.problem = problem
        self.first_bad_entry = entry
        self.bad_range = within if entry is None else None
        self.bad_checkpoint = checkpoint
        return self


class _Stop(Exception):
    pass


def verify_export(
    lines: Iterable[str],
    verifier: Verifier,
    *,
    known: Checkpoint | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Report:
    """`known` is a checkpoint the caller already trusts (an earlier one, say): the export must reach it and agree."""
    report = Report()
    try:
        reader = Reader(lines)
    except ExportFormatError as exc:
        return report.fail(f"not a valid export: {exc}")
    header = reader.header
    report.kind, report.origin = header.kind, header.origin
    try:
        checkpoints = _checkpoints(header.checkpoints, verifier, header.origin, report)
        _consistency(checkpoints, header.consistency, report)
        if known is not None:
            _against_known(checkpoints, known, report)
        if header.kind == "entries":
            _entries_with_proofs(reader, checkpoints, report, progress)
        else:
            _whole_range(reader, header, checkpoints, known, report, progress)
    except _Stop:
        pass
    return report


def _checkpoints(notes: list[str], verifier: Verifier, origin: str, report: Report) -> list[Checkpoint]:
    out: list[Checkpoint] = []
    for number, note in enumerate(notes, 1):
        try:
            checkpoint = Checkpoint.open(note, verifier, origin=origin)
        except CheckpointError as exc:
            report.fail(f"checkpoint {number} of {len(notes)} does not verify: {exc}", checkpoint=number)
            raise _Stop from None
        if out and checkpoint.size <= out[-1].size:
            report.fail(
                f"checkpoint {number} (size {checkpoint.size}) does not follow the one before (size {out[-1].size})",
                checkpoint=checkpoint.size,
            )
            raise _Stop
        out.append(checkpoint)
    if not out:
        report.fail("the export holds no signed checkpoint")
        raise _Stop
    report.checkpoints, report.tree_size, report.root = len(out), out[-1].size, out[-1].root.hex()
    return out


def _consistency(checkpoints: list[Checkpoint], proofs: dict[tuple[int, int], list[bytes]], report: Report) -> None:
    for old, new in pairwise(checkpoints):
        proof = proofs.get((old.size, new.size))
        if proof is None:
            report.fail(f"no consistency proof from checkpoint {old.size} to {new.size}", checkpoint=new.size)
            raise _Stop
        try:
            verify_consistency(old.size, new.size, old.root, new.root, proof)
        except ProofError as exc:
            report.fail(
                f"the checkpoint of {new.size} is not consistent with the one of {old.size} (a fork): {exc}",
                checkpoint=new.size,
            )
            raise _Stop from None


def _against_known(checkpoints: list[Checkpoint], known: Checkpoint, report: Report) -> None:
    latest = checkpoints[-1]
    if known.origin != latest.origin:
        report.fail(f"the trusted checkpoint is for {known.origin!r}, the export for {latest.origin!r}")
        raise _Stop
    if known.size > latest.size:
        report.fail(
            f"the export ends at {latest.size} entries but the ledger had {known.size}: entries from {latest.size} "
            "on are missing (truncated)",
            entry=latest.size,
        )
        raise _Stop
    same = next((c for c in checkpoints if c.size == known.size), None)
    if same is not None and same.root != known.root:
        report.fail(f"the export's checkpoint of {known.size} differs from the trusted one (a fork)",
                    checkpoint=known.size)
        raise _Stop


def _whole_range(
    reader: Reader,
    header: Header,
    checkpoints: list[Checkpoint],
    known: Checkpoint | None,
    report: Report,
    progress: Callable[[int, int], None] | None,
) -> None:
    start = header.prefix_start if header.kind == "range" else 0
    try:
        tree = CompactRange(start, header.prefix if header.kind == "range" else [])
    except ValueError as exc:
        report.fail(f"the prefix is wrong: {exc}")
        raise _Stop from None
    roots = {c.size: c for c in checkpoints if c.size >= start}
    if known is not None and known.size >= start:
        roots.setdefault(known.size, known)
    passed = max((c.size for c in checkpoints if c.size <= start), default=0)
    gaps = dict(header.gaps)
    if start in roots:
        _compare(tree, roots[start], passed, None, report)
    last_sequence: int | None = None
    named: tuple[int, str] | None = None  # the first entry found wrong by its own bookkeeping
    count = 0
    pending: Checkpoint | None = None  # a checkpoint the tree missed, reported after one more entry's bookkeeping
    try:
        for entry in reader.entries():
            expected = tree.size
            if pending is not None and entry.index == expected:
                _compare(tree, pending, passed, named, report)
            if entry.index != expected:
                where = expected if entry.index > expected else entry.index
                what = (f"entry {expected} is missing (the next entry is {entry.index})" if entry.index > expected
                        else f"entry {entry.index} appears again, or out of place, after entry {expected - 1}")
                report.fail(what, entry=where)
                raise _Stop
            if last_sequence is not None and named is None:
                if entry.sequence <= last_sequence:
                    named = (expected, f"entry {expected} (stream sequence {entry.sequence}) is out of place: the "
                                       f"entry before it has sequence {last_sequence}")
                elif entry.sequence != last_sequence + 1 and gaps.get(last_sequence) != entry.sequence:
                    named = (expected, f"before entry {expected}, stream sequences {last_sequence + 1}.."
                                       f"{entry.sequence - 1} are missing")
            last_sequence = entry.sequence
            digest = leaf_hash(entry.leaf)
            if digest != entry.recorded_hash and named is None:
                named = (expected, f"entry {expected} (stream sequence {entry.sequence}): its bytes are not the "
                                   "bytes the ledger recorded")
            tree.append(digest)
            count += 1
            if tree.size in roots:
                if tree.root() != roots[tree.size].root:
                    pending = roots[tree.size]
                    continue
                passed = tree.size
            if progress is not None and count % PROGRESS_EVERY == 0:
                progress(count, checkpoints[-1].size - start)
    except ExportFormatError as exc:
        report.entries = count
        report.fail(f"entry {tree.size} is malformed: {exc}", entry=tree.size)
        raise _Stop from None
    report.entries = count
    if progress is not None:
        progress(count, checkpoints[-1].size - start)
    if pending is not None:
        _compare(tree, pending, passed, named, report)
    if named is not None:
        report.fail(named[1] + " (yet the tree matches every checkpoint it reaches)", entry=named[0])
        raise _Stop
    if not reader.ended:
        report.warnings.append("the export has no end line: it may have been cut short")
    latest = checkpoints[-1].size
    if tree.size < latest:
        report.fail(f"the export stops at entry {tree.size - 1} but the checkpoint of {latest} covers more: entries "
                    f"from {tree.size} on are missing (truncated)", entry=tree.size)
        raise _Stop
    if tree.size > latest:
        report.fail(f"entries from {latest} on are not covered by any signed checkpoint", entry=latest)
        raise _Stop


def _compare(
    tree: CompactRange, checkpoint: Checkpoint, passed: int, named: tuple[int, str] | None, report: Report
) -> None:
    if tree.root() == checkpoint.root:
        return
    if named is not None:
        report.fail(named[1], entry=named[0])
    else:
        report.fail(
            f"the entries do not make the tree the checkpoint of {checkpoint.size} signed: the first wrong entry "
            f"is one of {passed}..{checkpoint.size - 1} (its hashes were recomputed, so it cannot be narrowed further)",
            within=(passed, checkpoint.size),
            checkpoint=checkpoint.size,
        )
    raise _Stop


def _entries_with_proofs(
    reader: Reader, checkpoints: list[Checkpoint], report: Report, progress: Callable[[int, int], None] | None
) -> None:
    roots = {c.size: c.root for c in checkpoints}
    previous = -1
    count = 0
    try:
        for entry in reader.entries():
            if entry.index <= previous:
                report.fail(f"entry {entry.index} appears again, or out of order", entry=entry.index)
                raise _Stop
            previous = entry.index
            root = roots.get(entry.proof_size or -1)
            if entry.proof_size is None or root is None:
                report.fail(f"entry {entry.index} has no proof against a signed checkpoint", entry=entry.index)
                raise _Stop
            digest = leaf_hash(entry.leaf)
            try:
                found = root_from_inclusion(entry.index, entry.proof_size, digest, entry.proof)
            except ProofError as exc:
                report.fail(f"entry {entry.index}: its inclusion proof is malformed: {exc}", entry=entry.index)
                raise _Stop from None
            if found != root:
                why = ("its bytes are not the bytes the ledger recorded" if digest != entry.recorded_hash
                       else "it is not in the signed tree")
                report.fail(f"entry {entry.index} (stream sequence {entry.sequence}): {why}", entry=entry.index)
                raise _Stop
            count += 1
            if progress is not None and count % PROGRESS_EVERY == 0:
                progress(count, 0)
    except ExportFormatError as exc:
        report.entries = count
        report.fail(f"the entry after {previous} is malformed: {exc}", entry=previous + 1)
        raise _Stop from None
    report.entries = count
    if not reader.ended:
        report.warnings.append("the export has no end line: it may have been cut short")


"""The export: a ledger, a range of it, or some of its entries with inclusion proofs, with the signed checkpoints
that vouch for them. Plain text, one record a line, so that it streams both ways and a person can read it:

    scx-audit-export v1
    origin <origin>
    kind full | range | entries
    checkpoint <base64 of the signed note>               each, oldest first
    consistency <old size> <new size> <hex,hex,...|->     between each checkpoint and the one before
    gap <stream sequence> <stream sequence>               a gap an operator acknowledged: sequences between are absent
    prefix <start> <hex,hex,...|->                        a range: the perfect subtrees of the leaves before it
    entry <index> <stream sequence> <leaf hash hex> <base64 leaf>
    proof <index> <stream sequence> <leaf hash hex> <base64 leaf> <tree size> <hex,hex,...|->
    end <entries>

The leaf hash on an entry is the one the ledger recorded when it appended the event. It is not trusted (whoever
alters the export can alter it), but it lets `verify` name the entry whose bytes were changed, where the signed
roots alone only say which checkpoint's stretch is wrong.
"""

from __future__ import annotations

import base64
from binascii import a2b_base64  # base64.b64decode without its per-call argument checks: one call an entry
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TextIO

MAGIC = "scx-audit-export v1"
KINDS = ("full", "range", "entries")


class ExportFormatError(ValueError):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line


def hashes_text(hashes: Sequence[bytes]) -> str:
    return ",".join(h.hex() for h in hashes) or "-"


def parse_hashes(text: str) -> list[bytes]:
    return [] if text == "-" else [bytes.fromhex(h) for h in text.split(",")]


@dataclass(frozen=True, slots=True)
class Entry:
    index: int
    sequence: int
    recorded_hash: bytes
    leaf: bytes
    proof_size: int | None = None
    proof: tuple[bytes, ...] = ()

    def line(self) -> str:
        head = f"{self.index} {self.sequence} {self.recorded_hash.hex()} {base64.b64encode(self.leaf).decode()}"
        if self.proof_size is None:
            return f"entry {head}\n"
        return f"proof {head} {self.proof_size} {hashes_text(self.proof)}\n"


@dataclass
class Header:
    origin: str = ""
    kind: str = "full"
    checkpoints: list[str] = field(default_factory=list)
    consistency: dict[tuple[int, int], list[bytes]] = field(default_factory=dict)
    gaps: list[tuple[int, int]] = field(default_factory=list)
    prefix_start: int = 0
    prefix: list[bytes] = field(default_factory=list)


def write_header(out: TextIO, header: Header) -> None:
    out.write(f"{MAGIC}\norigin {header.origin}\nkind {header.kind}\n")
    for note in header.checkpoints:
        out.write(f"checkpoint {base64.b64encode(note.encode()).decode()}\n")
    for (old, new), proof in header.consistency.items():
        out.write(f"consistency {old} {new} {hashes_text(proof)}\n")
    for after, before in header.gaps:
        out.write(f"gap {after} {before}\n")
    if header.kind == "range":
        out.write(f"prefix {header.prefix_start} {hashes_text(header.prefix)}\n")


def write(out: TextIO, header: Header, entries: Iterable[Entry]) -> int:
    write_header(out, header)
    count = 0
    for entry in entries:
        out.write(entry.line())
        count += 1
    out.write(f"end {count}\n")
    return count


class Reader:
    """Reads an export: `header` first, then `entries()` streams the entries; `ended` says whether the `end`
    line was there and agreed."""

    def __init__(self, lines: Iterable[str]) -> None:
        self._lines = iter(lines)
        self.line_number = 0
        self.ended = False
        self._pending: str | None = None
        self.header = self._read_header()

    def _next(self) -> str | None:
        for raw in self._lines:
            self.line_number += 1
            return raw.rstrip("\n")
        return None

    def _fail(self, message: str) -> ExportFormatError:
        return ExportFormatError(self.line_number, message)

    def _read_header(self) -> Header:
        if self._next() != MAGIC:
            raise self._fail(f"not an export: the first line is not {MAGIC!r}")
        header = Header()
        while (line := self._next()) is not None:
            tag, _, rest = line.partition(" ")
            try:
                if tag == "origin":
                    header.origin = rest
                elif tag == "kind":
                    if rest not in KINDS:
                        raise self._fail(f"unknown kind {rest!r}")
                    header.kind = rest
                elif tag == "checkpoint":
                    header.checkpoints.append(base64.b64decode(rest, validate=True).decode())
                elif tag == "consistency":
                    old, new, proof = rest.split(" ")
                    header.consistency[(int(old), int(new))] = parse_hashes(proof)
                elif tag == "gap":
                    after, before = rest.split(" ")
                    header.gaps.append((int(after), int(before)))
                elif tag == "prefix":
                    start, hashes = rest.split(" ")
                    header.prefix_start, header.prefix = int(start), parse_hashes(hashes)
                else:
                    self._pending = line
                    break
            except ExportFormatError:
                raise
            except ValueError as exc:
                raise self._fail(f"malformed {tag} line: {exc}") from None
        return header

    def entries(self) -> Iterator[Entry]:
        line = self._pending if self._pending is not None else self._next()
        count = 0
        while line is not None:
            parts = line.split(" ")
            tag = parts[0]
            try:
                if tag == "entry" and len(parts) == 5:
                    yield Entry(int(parts[1]), int(parts[2]), bytes.fromhex(parts[3]), a2b_base64(parts[4]))
                elif tag == "proof" and len(parts) == 7:
                    yield Entry(
                        int(parts[1]), int(parts[2]), bytes.fromhex(parts[3]), a2b_base64(parts[4]),
                        int(parts[5]), tuple(parse_hashes(parts[6])),
                    )
                elif tag == "end" and len(parts) == 2:
                    if int(parts[1]) != count:
                        raise self._fail(f"the export says it holds {parts[1]} entries, but holds {count}")
                    self.ended = True
                    if self._next() is not None:
                        raise self._fail("something follows the end line")
                    return
                else:
                    raise self._fail(f"not an entry: {line[:60]!r}")
            except ExportFormatError:
                raise
            except ValueError as exc:
                raise self._fail(f"malformed {tag} line: {exc}") from None
            count += 1
            line = self._next()

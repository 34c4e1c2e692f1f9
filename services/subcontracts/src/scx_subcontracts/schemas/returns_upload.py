"""A CSV file of weekly returns, read into one `PostWeeklyReturn` per row, with every fault in it named by line.

The file is UTF-8 (a leading byte-order mark, as spreadsheets write, is allowed) and RFC 4180 CSV. Its first line
names the columns, in any order: `subcontract_id`, `iso_week`, the eight figures, and optionally `corrects_version`
and `reason` (a blank cell is none). Each later line is one subcontract's week; blank lines are skipped. Lines are
counted as an editor counts them, the header being line 1. A file holds at most `MAX_UPLOAD_ROWS` rows and
`MAX_UPLOAD_BYTES` bytes, and its header at most `MAX_HEADER_CELLS` cells (more is one fault, and nothing else of the
file is read). Every fault is counted, but a problem names only the first `MAX_REPORTED_FAULTS`, and a name from the
file is shown cut to `SHOWN_NAME_LENGTH` characters: what the file holds never makes the answer much longer.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from pydantic import ValidationError

from scx_contracts.bounds import PATTERN_MEANINGS
from scx_contracts.weekly_stats import MAX_WEEKLY_FIGURE, WEEKLY_FIGURES, WeeklyFigures
from scx_subcontracts.schemas.returns import PostWeeklyReturn

MAX_UPLOAD_BYTES = 1_048_576
MAX_UPLOAD_ROWS = 1_000
REQUIRED_COLUMNS = ("subcontract_id", "iso_week", *WEEKLY_FIGURES)
OPTIONAL_COLUMNS = ("corrects_version", "reason")
COLUMNS = (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)
MAX_HEADER_CELLS = 2 * len(COLUMNS)
MAX_REPORTED_FAULTS = 100
SHOWN_NAME_LENGTH = 40
_DIGITS = re.compile(r"[0-9]{1,10}")
_MESSAGES = {
    "iso_week": "must be an ISO week written YYYY-Www (2026-W05)",
    "subcontract_id": "must be a subcontract id as the registry gives it",
}


@dataclass(frozen=True)
class RowError:
    """A fault on one line of the file; `column` None when it is the whole line's."""

    line: int
    column: str | None
    message: str
    code: str


@dataclass(frozen=True)
class UploadRow:
    """A row whose subcontract, week and version are readable; `figures` None when a figure is at fault (named in
    the errors), so that what is wrong with the rest of the row is still checked and named."""

    line: int
    subcontract_id: str
    iso_week: str
    corrects_version: int | None
    reason: str | None
    figures: WeeklyFigures | None


@dataclass
class ParsedUpload:
    rows: list[UploadRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


class TooManyRows(Exception):
    """The file holds more than `MAX_UPLOAD_ROWS` rows: it is refused whole, before anything else is checked."""


def parse_upload(data: bytes) -> ParsedUpload:
    parsed = _parse(data)
    parsed.errors = in_file_order(parsed.errors)
    return parsed


def _parse(data: bytes) -> ParsedUpload:
    parsed = ParsedUpload()
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        parsed.errors.append(RowError(line, None, "is not UTF-8 text", "not_utf8"))
        return parsed
    records = _records(text, parsed.errors)
    header = next(records, None)
    if header is None:
        if not parsed.errors:
            parsed.errors.append(RowError(1, None, "the file is empty: its first line names the columns", "no_header"))
        return parsed
    columns = _check_header(*header, parsed.errors)
    if columns is None:
        return parsed
    first_line: dict[tuple[str, str], int] = {}
    for count, (line, cells) in enumerate(records, start=1):
        if count > MAX_UPLOAD_ROWS:
            raise TooManyRows
        row = _row(line, columns, cells, parsed.errors)
        if row is None:
            continue
        key = (row.subcontract_id, row.iso_week)
        if key in first_line:
            parsed.errors.append(RowError(
                line, "iso_week",
                f"subcontract {key[0]} week {key[1]} is on line {first_line[key]} too: one row per subcontract and "
                "week", "duplicate_row",
            ))
            continue
        first_line[key] = line
        parsed.rows.append(row)
    return parsed


def in_file_order(errors: list[RowError]) -> list[RowError]:
    """By line, and on a line by column in the order of `COLUMNS` (the whole line's fault first)."""
    return sorted(errors, key=lambda e: (e.line, COLUMNS.index(e.column) + 1 if e.column in COLUMNS else 0))


def _records(text: str, errors: list[RowError]) -> Iterator[tuple[int, list[str]]]:
    """Each non-blank record with the line it starts on; a malformed one ends the file with an error."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    line = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            errors.append(RowError(line, None, f"is not CSV: {exc}", "not_csv"))
            return
        if any(cells):
            yield line, cells
        line = reader.line_num + 1


def _check_header(line: int, header: list[str], errors: list[RowError]) -> list[str] | None:
    if len(header) > MAX_HEADER_CELLS:
        errors.append(RowError(
            line, None, f"the header has {len(header)} cells, where a weekly return has {len(COLUMNS)} columns: "
            f"{', '.join(COLUMNS)}", "too_many_columns",
        ))
        return None
    found = len(errors)
    counts = Counter(header)
    for name in sorted(n for n, count in counts.items() if count > 1):
        shown = _shown(name)
        errors.append(RowError(line, shown, f"the header names {shown} more than once", "duplicate_column"))
    for name in counts:
        if name not in COLUMNS:
            errors.append(RowError(line, _shown(name), "is not a column of a weekly return", "unknown_column"))
    for name in REQUIRED_COLUMNS:
        if name not in counts:
            errors.append(RowError(line, name, f"the header has no column {name}", "missing_column"))
    return None if len(errors) > found else header


def _shown(name: str) -> str:
    """A name from the file as a fault names it: at most SHOWN_NAME_LENGTH characters."""
    return name if len(name) <= SHOWN_NAME_LENGTH else name[: SHOWN_NAME_LENGTH - 1] + "\u2026"


def _row(line: int, columns: list[str], cells: list[str], errors: list[RowError]) -> UploadRow | None:
    if len(cells) != len(columns):
        errors.append(RowError(
            line, None, f"has {len(cells)} cells where the header names {len(columns)} columns", "cell_count"
        ))
        return None
    values = dict(zip(columns, cells, strict=True))
    faults: list[RowError] = []
    body: dict[str, Any] = {name: values[name] for name in ("subcontract_id", "iso_week") if values[name]}
    body["figures"] = {
        name: number for name in WEEKLY_FIGURES if (number := _number(line, name, values[name], faults)) is not None
    }
    for name in OPTIONAL_COLUMNS:
        if values.get(name):
            body[name] = values[name] if name == "reason" else _number(line, name, values[name], faults)
    not_numbers = {f.column for f in faults}
    try:
        command = PostWeeklyReturn.model_validate({k: v for k, v in body.items() if v is not None})
    except ValidationError as exc:
        # A cell that is not a number was left out of the body: the validation's "missing" would name it twice.
        faults += [f for f in map(partial(_fault, line), exc.errors()) if f.column not in not_numbers]
    errors += faults
    if not faults:
        return UploadRow(
            line, command.subcontract_id, command.iso_week, command.corrects_version, command.reason, command.figures
        )
    if {f.column for f in faults} & {"subcontract_id", "iso_week", *OPTIONAL_COLUMNS}:
        return None
    return UploadRow(
        line, values["subcontract_id"], values["iso_week"], body.get("corrects_version"), body.get("reason"), None
    )


def _number(line: int, column: str, cell: str, faults: list[RowError]) -> int | None:
    if not cell:
        return None  # a missing figure is named by the validation, as any missing field
    if not _DIGITS.fullmatch(cell):
        faults.append(RowError(line, column, "must be a whole number written in digits 0-9", "not_a_number"))
        return None
    return int(cell)


def _fault(line: int, error: Any) -> RowError:
    location = [str(part) for part in error.get("loc", ())]
    column = location[-1] if location else None
    kind = str(error.get("type", ""))
    if kind == "missing":
        return RowError(line, column, "is empty", "missing")
    pattern = (error.get("ctx") or {}).get("pattern")
    if kind == "string_pattern_mismatch":
        message = _MESSAGES.get(column or "") or PATTERN_MEANINGS.get(pattern, str(error.get("msg", "")))
    elif column in WEEKLY_FIGURES and kind in ("less_than_equal", "greater_than_equal"):
        message = f"must be a whole number from 0 to {MAX_WEEKLY_FIGURE}"
    else:
        message = str(error.get("msg", ""))
    return RowError(line, column, message, kind)

"""The problems weekly returns and their deadlines answer with (RFC 9457), each type built in one place.

A type's URI is `https://scx.example/problems/<slug>`:

| slug | status | when |
| --- | --- | --- |
| `no-such-subcontract` | 422 | posting for a subcontract that is not the caller's (or does not exist) |
| `invalid-weekly-return` | 422 | a week that does not exist, has not ended, is not live; signposting; no reason |
| `return-already-posted` | 409 | a second post for a week without `corrects_version`, or one that lost a race |
| `nothing-to-correct` | 409 | a first post naming `corrects_version` |
| `not-latest-version` | 409 | a correction naming a version that is not the latest (someone corrected it meanwhile) |
| `invalid-upload` | 422 | a CSV file with faults: the first 100 in `errors`, by `line` and `column`; nothing stored |
| `upload-too-large` | 413 | a CSV file of more bytes or rows than an upload takes |
| `unsupported-media-type` | 415 | an upload that is not `text/csv` (UTF-8) |
| `invalid-week-range` | 422 | a listing's weeks that do not exist, or `week_from` after `week_to` |

A JSON body that does not fit its shape is `invalid-request` (422), as everywhere: a correction's `reason` holding
anything shaped like an NI number among them (`nino_shaped`; in a file, an `invalid-upload` fault of the line's
`reason`). Reads of a return or deadline the caller cannot see answer `not-found` (404), exactly as a missing one;
Jobcentre Plus and DWP's roles other than contract managers and auditors are `forbidden` (403) everywhere here, as
is anyone posting or setting what their kind and role may not.
"""

from __future__ import annotations

from collections.abc import Sequence

from scx_servicekit import Problem
from scx_subcontracts.rules.returns import ReturnError
from scx_subcontracts.schemas.returns_upload import (
    MAX_REPORTED_FAULTS,
    MAX_UPLOAD_BYTES,
    MAX_UPLOAD_ROWS,
    RowError,
    in_file_order,
)

_CONFLICTS = {
    "already_posted": ("return-already-posted", "The week's return is posted already"),
    "nothing_to_correct": ("nothing-to-correct", "There is no return to correct"),
    "not_latest_version": ("not-latest-version", "Not the latest version"),
}


def no_such_subcontract(subcontract_id: str) -> Problem:
    return Problem(
        422, "no-such-subcontract", "No such subcontract of yours",
        f"No subcontract {subcontract_id} that you are the partner of.",
        errors=[{"field": "body.subcontract_id", "message": "not a subcontract of yours", "code": "not_yours"}],
    )


def invalid_return(errors: Sequence[ReturnError]) -> Problem:
    return Problem(
        422, "invalid-weekly-return", "The weekly return cannot be posted",
        "; ".join(f"{e.field}: {e.message}" for e in errors),
        errors=[{"field": f"body.{e.field}", "message": e.message, "code": e.code} for e in errors],
    )


def version_conflict(error: ReturnError, *, latest_version: int | None) -> Problem:
    slug, title = _CONFLICTS[error.code]
    return Problem(
        409, slug, title, error.message,
        errors=[{"field": f"body.{error.field}", "message": error.message, "code": error.code}],
        latest_version=latest_version,
    )


def posted_meanwhile() -> Problem:
    return Problem(
        409, "return-already-posted", "The week's return was posted meanwhile",
        "Another post for the same week was stored while this one was made: read the return, and correct its "
        "latest version if it needs it.",
    )


def invalid_upload(errors: Sequence[RowError]) -> Problem:
    """Every fault counted, the first MAX_REPORTED_FAULTS of them (in file order) named."""
    ordered = in_file_order(list(errors))
    named = ordered[:MAX_REPORTED_FAULTS]
    lines = sorted({e.line for e in ordered})
    if len(named) == len(ordered):
        found = f"{len(ordered)} fault(s) on line(s) {', '.join(map(str, lines))}."
    else:
        found = (
            f"{len(ordered)} faults on {len(lines)} lines; the first {len(named)} (to line {named[-1].line}) are "
            "named in errors."
        )
    return Problem(
        422, "invalid-upload", "The file has faults: nothing was stored",
        f"{found} Correct them and upload the whole file again.",
        errors=[
            {
                "field": f"body.line[{e.line}]" + (f".{e.column}" if e.column else ""),
                "message": f"line {e.line}" + (f", {e.column}" if e.column else "") + f": {e.message}",
                "code": e.code, "line": e.line, "column": e.column,
            }
            for e in named
        ],
    )


def upload_too_large(*, rows: bool) -> Problem:
    what = f"{MAX_UPLOAD_ROWS} rows" if rows else f"{MAX_UPLOAD_BYTES} bytes"
    return Problem(
        413, "upload-too-large", "The file is too large",
        f"An upload holds at most {what} (and {MAX_UPLOAD_ROWS} rows of at most {MAX_UPLOAD_BYTES} bytes in all): "
        "split it into several files. Nothing was stored.",
        errors=[{"field": "body", "message": f"more than {what}", "code": "too_large"}],
    )


def unsupported_media_type(content_type: str | None) -> Problem:
    return Problem(
        415, "unsupported-media-type", "Send the returns as text/csv",
        f"The upload is a CSV file in UTF-8, sent as Content-Type: text/csv, not {content_type or 'nothing'}.",
        errors=[{"field": "header.Content-Type", "message": "must be text/csv (charset utf-8)", "code": "media_type"}],
    )


def invalid_week_range(field: str, message: str) -> Problem:
    return Problem(
        422, "invalid-week-range", "The weeks asked for are not valid", message,
        errors=[{"field": f"query.{field}", "message": message}],
    )

"""The tariffs' problems.

| slug | status | when |
| --- | --- | --- |
| `effective-date-not-future` | 422 | a new version taking effect today or earlier |
| `effective-date-not-after-latest` | 422 | a new version taking effect on or before the latest version's date |
| `tariff-unusable` | 422 | a well-formed body the rules cannot use (each figure named in `errors`) |
| `tariff-version-taken` | 409 | another version of the model was added at the same moment |

Also `not-found` for a model or version that does not exist, and `invalid-cursor` for a cursor not issued here.
"""

from __future__ import annotations

from datetime import date

from scx_servicekit import Problem

EFFECTIVE_FROM = "body.effective_from"


def effective_date_not_future(effective_from: date, today: date) -> Problem:
    return Problem(
        422, "effective-date-not-future", "A new version takes effect in the future",
        f"effective_from is {effective_from}, but today is {today}: a new version never changes what is payable "
        "already, so it takes effect from a later day.",
        errors=[{"field": EFFECTIVE_FROM, "message": f"must be after {today}"}],
    )


def effective_date_not_after_latest(effective_from: date, latest: date, version: int) -> Problem:
    return Problem(
        422, "effective-date-not-after-latest", "Versions take effect in order",
        f"effective_from is {effective_from}, but version {version} takes effect on {latest}.",
        errors=[{"field": EFFECTIVE_FROM, "message": f"must be after {latest}, the latest version's date"}],
    )


def tariff_unusable(faults: list[tuple[str, str]]) -> Problem:
    return Problem(
        422, "tariff-unusable", "The tariff cannot be used as it stands",
        "; ".join(f"{path}: {why}" for path, why in faults),
        errors=[{"field": f"body.body.{path}", "message": why} for path, why in faults],
    )


def tariff_version_taken(model: str, version: int) -> Problem:
    return Problem(
        409, "tariff-version-taken", "That version was added meanwhile",
        f"Version {version} of {model} was added by another request at the same moment: read the tariff again.",
    )


def invalid_cursor() -> Problem:
    return Problem(
        400, "invalid-cursor", "The cursor is not valid", "Use next_cursor from a previous page as it is.",
        errors=[{"field": "query.cursor", "message": "not a cursor this service issued"}],
    )

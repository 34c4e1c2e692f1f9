"""Strict input for every service: bounded request types, JSON read strictly, and no invisible characters in paths
and query strings.

The bounded types come from `scx_contracts.bounds`, the one source shared with the event schemas, so a request
the API accepts always makes events its consumers can apply. Request models use them field by field (see the
module docstring there for why strictness is per type rather than per model).
"""

from __future__ import annotations

import json
import unicodedata
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict

from scx_contracts.bounds import (
    INT32_MAX,
    MAX_PENCE,
    NOTE_PATTERN,
    TEXT_PATTERN,
    Count,
    IsoDate,
    Label,
    Month,
    Name,
    Note,
    OrganisationId,
    PaymentGroup,
    Pence,
    Percent,
    PositiveCount,
    QueryInt,
    Reason,
    RecordId,
    Revision,
    StrictBool,
)

__all__ = [
    "INT32_MAX",
    "MAX_PENCE",
    "NOTE_PATTERN",
    "TEXT_PATTERN",
    "Count",
    "IsoDate",
    "Label",
    "Month",
    "Name",
    "Note",
    "OrganisationId",
    "PaymentGroup",
    "Pence",
    "Percent",
    "PositiveCount",
    "QueryInt",
    "Reason",
    "RecordId",
    "RequestModel",
    "Revision",
    "StrictBool",
    "StrictJsonRequest",
    "refuse_invisible_parameters",
]


class RequestModel(BaseModel):
    """Base of every request body: an unknown (or misspelt) field is an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


class _NotStrictJson(ValueError):
    pass


def _refuse_constant(name: str) -> Any:
    raise _NotStrictJson(f"{name} is not JSON")


def _refuse_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        twice = next(k for k, _ in pairs if k in seen or seen.add(k))  # type: ignore[func-returns-value]
        raise _NotStrictJson(f"the key {twice!r} appears twice in one object")
    return result


def loads_strictly(body: bytes) -> Any:
    """RFC 8259 JSON and nothing looser: Python's `json` takes NaN and Infinity, keeps the last of two equal keys,
    and turns an escaped lone surrogate (\\ud800) into a string no database or encoder can take."""
    try:
        value = json.loads(body, parse_constant=_refuse_constant, object_pairs_hook=_refuse_duplicate_keys)
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except _NotStrictJson as exc:
        raise json.JSONDecodeError(str(exc), body.decode("utf-8", errors="replace"), 0) from None
    except UnicodeEncodeError:
        raise json.JSONDecodeError(
            "a string holds a lone surrogate (not Unicode text)", body.decode("utf-8", errors="replace"), 0
        ) from None
    return value


class StrictJsonRequest(Request):
    """FastAPI reads a JSON body through `request.json()`; this one refuses what is not strict JSON, and FastAPI
    answers that with the 422 it gives any malformed body."""

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = loads_strictly(await self.body())
        return self._json


_REFUSED = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def _invisible(value: str) -> bool:
    return any(unicodedata.category(char) in _REFUSED for char in value)


async def refuse_invisible_parameters(request: Request) -> None:
    """Every path and query parameter of every route: no NUL (PostgreSQL refuses it in text, so it would be a 500),
    no control or invisible character. Types in the route still say what each parameter is; this is the floor."""
    errors = [
        {"type": "string_pattern_mismatch", "loc": (where, name), "msg": "must not contain control or invisible "
         "characters", "input": value}
        for where, items in (("path", request.path_params.items()), ("query", request.query_params.multi_items()))
        for name, value in items
        if isinstance(value, str) and _invisible(value)
    ]
    if errors:
        raise RequestValidationError(errors)

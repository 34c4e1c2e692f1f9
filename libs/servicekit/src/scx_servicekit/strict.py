"""Strict input for every service: bounded request types, JSON read strictly, and no invisible characters in paths
and query strings.

The bounded types come from `scx_contracts.bounds`, the one source shared with the event schemas, so a request
the API accepts always makes events its consumers can apply. Request models use them field by field (see the
module docstring there for why strictness is per type rather than per model).
"""

from __future__ import annotations

import json
import math
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
    QueryBool,
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
    "QueryBool",
    "QueryInt",
    "Reason",
    "RecordId",
    "RequestModel",
    "Revision",
    "StrictBool",
    "StrictJsonRequest",
    "check_parameters",
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


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _NotStrictJson(f"{text} is too large for a number")
    return value


def loads_strictly(body: bytes) -> Any:
    """RFC 8259 JSON and nothing looser: Python's `json` takes NaN and Infinity, numbers too large for a float
    (as infinity), UTF-16 or UTF-32 and a byte-order mark, keeps the last of two equal keys, and turns an escaped
    lone surrogate (\\ud800) into a string no database or encoder can take."""
    try:
        text = body.decode("utf-8")
        if text.startswith("\ufeff"):
            raise _NotStrictJson("a JSON body is UTF-8 without a byte-order mark")
        value = json.loads(
            text, parse_constant=_refuse_constant, parse_float=_finite, object_pairs_hook=_refuse_duplicate_keys
        )
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeDecodeError:
        raise json.JSONDecodeError("a JSON body is UTF-8", body.decode("utf-8", errors="replace"), 0) from None
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


def _query_names(route: Any) -> frozenset[str]:
    known: frozenset[str] | None = getattr(route, "_scx_query_names", None)
    if known is None:
        names: set[str] = set()
        pending = [route.dependant]
        while pending:
            dependant = pending.pop()
            names.update(field.alias for field in dependant.query_params)
            pending.extend(dependant.dependencies)
        known = frozenset(names)
        route._scx_query_names = known  # kept on the route itself: it lives exactly as long
    return known




async def check_parameters(request: Request) -> None:
    """Every route's path and query parameters: no NUL (PostgreSQL refuses it in text, so it would be a 500), no
    control or invisible character, and no query parameter the route does not take (a misspelt filter would
    otherwise be ignored, and the caller would take an unfiltered list for a filtered one). The types in the route
    still say what each parameter is; this is the floor under them."""
    route = request.scope.get("route")
    known = _query_names(route) if route is not None and hasattr(route, "dependant") else None
    errors: list[dict[str, Any]] = []
    for name, value in request.path_params.items():
        if isinstance(value, str) and _invisible(value):
            errors.append(_error("path", name, INVISIBLE, value))
    seen: set[str] = set()
    for name, value in request.query_params.multi_items():
        if name in seen:
            # Every parameter here is one value; FastAPI would silently keep the last of several.
            errors.append(_error("query", name, "is given more than once", value, "duplicate_parameter"))
        seen.add(name)
        if known is not None and name not in known:
            errors.append(_error("query", name, "is not a parameter of this route", value, "extra_forbidden"))
        elif _invisible(value):
            errors.append(_error("query", name, INVISIBLE, value))
    if errors:
        raise RequestValidationError(errors)


INVISIBLE = "must not contain control or invisible characters"


def _error(where: str, name: str, message: str, value: str, kind: str = "string_pattern_mismatch") -> dict[str, Any]:
    return {"type": kind, "loc": (where, name), "msg": message, "input": value}

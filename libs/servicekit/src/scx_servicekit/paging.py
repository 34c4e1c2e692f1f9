"""Keyset paging: `?limit=&cursor=` in, `{items, next_cursor}` out. Ids are UUIDv7 or codes, so they sort stably."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Annotated, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel

from scx_servicekit.problems import Problem
from scx_servicekit.strict import QueryInt

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


class PageRequest(BaseModel):
    limit: int
    after: str | None


def encode_cursor(last_id: str) -> str:
    return base64.urlsafe_b64encode(last_id.encode()).decode().rstrip("=")


def _decode(cursor: str) -> str:
    try:
        decoded = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        # Every key we page by is an id of printable ASCII, at most 64 long: anything else was not issued by us
        # (and a NUL in it would reach the database).
        if not decoded or len(decoded) > 64 or not (decoded.isascii() and decoded.isprintable()):
            raise ValueError("not a cursor we issued")
        if encode_cursor(decoded) != cursor:
            raise ValueError("not a cursor we issued")
        return decoded
    except (ValueError, UnicodeDecodeError):
        raise Problem(
            400, "invalid-cursor", "The cursor is not valid", "Use next_cursor from a previous page as it is.",
            errors=[{"field": "query.cursor", "message": "not a cursor this service issued"}],
        ) from None


async def page_request(  # async: FastAPI would run a plain function in a worker thread
    limit: Annotated[QueryInt, Query(ge=1, le=500, description="items per page")] = 50,
    cursor: Annotated[str | None, Query(description="next_cursor from the previous page")] = None,
) -> PageRequest:
    return PageRequest(limit=limit, after=_decode(cursor) if cursor else None)


def page_of(items: list[T], request: PageRequest, key: str | Callable[[T], str]) -> Page[T]:
    """`items` was fetched with limit + 1 rows; the extra one only tells whether another page exists."""
    more = len(items) > request.limit
    items = items[: request.limit]
    key_of = key if callable(key) else (lambda item: str(getattr(item, key)))
    next_cursor = encode_cursor(key_of(items[-1])) if more and items else None
    return Page[T](items=items, next_cursor=next_cursor)

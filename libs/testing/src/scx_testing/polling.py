"""Waiting for asynchronous outcomes without sleeping a fixed time: poll a probe until it holds or a deadline."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


async def eventually(
    probe: Callable[[], Awaitable[T] | T],
    *,
    timeout: float = 10.0,
    interval: float = 0.01,
    message: str | None = None,
) -> T:
    """Call `probe` (sync or async) until it returns something truthy, and return that.

    Fails the test with the last value seen if `timeout` seconds pass first; a slow machine only makes the test
    slower, a broken one fails it at the deadline.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        result = probe()
        if inspect.isawaitable(result):
            result = await result
        if result:
            return result
        if loop.time() >= deadline:
            what = message or getattr(probe, "__name__", repr(probe))
            raise AssertionError(f"not within {timeout}s: {what} (last value {result!r})")
        await asyncio.sleep(interval)

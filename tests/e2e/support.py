"""What the end-to-end tests over real processes share: tokens, polling (never a fixed sleep) and reading the
whole JetStream stream back."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import httpx
import nats

from scx_servicekit import TokenIssuer

Headers = dict[str, str]
issuer = TokenIssuer()


def bearer(org: str, kind: str, *roles: str, user: str | None = None) -> Headers:
    return {"Authorization": f"Bearer {issuer.issue(org, kind, list(roles), user=user)}"}


def until(
    call: Callable[[], httpx.Response], ok: Callable[[httpx.Response], bool], timeout: float = 20
) -> httpx.Response:
    """Poll (never sleep a fixed time): each service learns the others' records from events."""
    deadline = time.monotonic() + timeout
    while True:
        response = call()
        if ok(response) or time.monotonic() > deadline:
            return response
        time.sleep(0.05)


async def stream_events(nats_url: str) -> list[dict[str, Any]]:
    """Every envelope in the SCX stream, in stream order."""
    nc = await nats.connect(nats_url)
    try:
        js = nc.jetstream()
        info = await js.stream_info("SCX")
        return [
            json.loads((await js.get_msg("SCX", seq)).data or b"{}")
            for seq in range(info.state.first_seq, info.state.last_seq + 1)
        ]
    finally:
        await nc.close()

from __future__ import annotations

import re

import uuid_utils
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from scx_contracts.context import correlation_id

HEADER = b"x-correlation-id"
_VALID = re.compile(rb"^[A-Za-z0-9._:-]{1,64}$")


class CorrelationIdMiddleware:
    """Takes the caller's X-Correlation-ID (or makes one), puts it in logs and events, and echoes it back."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope.get("headers") or []).get(HEADER)
        value = given.decode() if given and _VALID.match(given) else str(uuid_utils.uuid7())
        token = correlation_id.set(value)

        async def send_with_header(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (HEADER, value.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_header)
        finally:
            correlation_id.reset(token)

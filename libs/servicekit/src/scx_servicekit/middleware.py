from __future__ import annotations

import logging
import re

import uuid_utils
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from scx_contracts.context import correlation_id

HEADER = b"x-correlation-id"
_VALID = re.compile(rb"^[A-Za-z0-9._:-]{1,64}$")
log = logging.getLogger("scx.middleware")


class CorrelationIdMiddleware:
    """Takes the caller's X-Correlation-ID (or makes one), puts it in logs and events, and echoes it back.

    It must wrap the whole app, Starlette's ServerErrorMiddleware included (`ServiceApp.build_middleware_stack`):
    an unhandled exception is answered by that outermost middleware, which a user middleware never sees, so the
    500 would lose both its header and the id in its log line.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope.get("headers") or []).get(HEADER)
        value = given.decode() if given and _VALID.match(given) else str(uuid_utils.uuid7())
        token = correlation_id.set(value)
        answered = False

        async def send_with_header(message: Message) -> None:
            nonlocal answered
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (HEADER, value.encode())]
            elif message["type"] == "http.response.body" and not message.get("more_body", False):
                answered = True
            await send(message)

        try:
            await self.app(scope, receive, send_with_header)
        except Exception:
            # ServerErrorMiddleware re-raises after answering the 500, for the server to log; the problem handler
            # has logged it already, with the correlation id, so only an error left unanswered goes further.
            if not answered:
                raise
        finally:
            correlation_id.reset(token)

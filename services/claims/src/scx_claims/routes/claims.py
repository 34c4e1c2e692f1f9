"""The claims area's routes."""

from __future__ import annotations

from scx_servicekit.routing import service_router

router = service_router()

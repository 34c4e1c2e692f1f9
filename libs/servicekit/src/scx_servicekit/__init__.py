"""The service kit. Its names load on first use (PEP 562), so that importing a light module such as
`scx_servicekit.tokens` does not load FastAPI with the package."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scx_servicekit.app import ServiceRuntime, create_service_app
    from scx_servicekit.auth import Principal, current_principal
    from scx_servicekit.problems import Problem
    from scx_servicekit.settings import ServiceSettings
    from scx_servicekit.tokens import TokenIssuer

_HOMES = {
    "Principal": "auth",
    "Problem": "problems",
    "ServiceRuntime": "app",
    "ServiceSettings": "settings",
    "TokenIssuer": "tokens",
    "create_service_app": "app",
    "current_principal": "auth",
}

__all__ = [
    "Principal",
    "Problem",
    "ServiceRuntime",
    "ServiceSettings",
    "TokenIssuer",
    "create_service_app",
    "current_principal",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"scx_servicekit.{home}"), name)
    globals()[name] = value
    return value

"""Composition root: `uvicorn scx_claims.app:create_app --factory`."""

from __future__ import annotations

from fastapi import FastAPI

from scx_claims.config import ClaimsSettings
from scx_claims.handlers import SUBSCRIPTIONS
from scx_claims.routes import ROUTERS
from scx_servicekit import create_service_app


def create_app(settings: ClaimsSettings | None = None) -> FastAPI:
    settings = settings or ClaimsSettings()
    return create_service_app(
        settings,
        title="scx claims",
        description=(
            "tariffs, what each journey makes payable, outcome claims with evidence and DWP "
            "validation, payment runs, recoveries, and the flow-down to partners"
        ),
        routers=ROUTERS,
        subscriptions=SUBSCRIPTIONS,
    )

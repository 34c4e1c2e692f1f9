"""Composition root: `uvicorn scx_subcontracts.app:create_app --factory`."""

from __future__ import annotations

from fastapi import FastAPI

from scx_servicekit import create_service_app
from scx_subcontracts.config import SubcontractsSettings
from scx_subcontracts.handlers import SUBSCRIPTIONS
from scx_subcontracts.routes import ROUTERS


def create_app(settings: SubcontractsSettings | None = None) -> FastAPI:
    settings = settings or SubcontractsSettings()
    return create_service_app(
        settings,
        title="scx subcontracts",
        description=(
            "The registry of the supply chain: organisations, DWP → prime contracts with their monthly profiles, "
            "and prime → partner subcontracts under the four models (end-to-end, specialist, SLA, signposting)."
        ),
        routers=ROUTERS,
        subscriptions=SUBSCRIPTIONS,
    )

"""Composition root: `uvicorn scx_case_tracking.app:create_app --factory`."""

from __future__ import annotations

from fastapi import FastAPI

from scx_case_tracking.config import CaseTrackingSettings
from scx_case_tracking.handlers import SUBSCRIPTIONS
from scx_case_tracking.routes import ROUTERS
from scx_servicekit import create_service_app


def create_app(settings: CaseTrackingSettings | None = None) -> FastAPI:
    settings = settings or CaseTrackingSettings()
    return create_service_app(
        settings,
        title="scx case tracking",
        description=(
            "the claimant journey after allocation: cases, appointments and fail-to-attend, traffic light, action "
            "plans and activities, clocks, employment, exits, complaints and feedback"
        ),
        routers=ROUTERS,
        subscriptions=SUBSCRIPTIONS,
    )

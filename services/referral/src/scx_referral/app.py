"""Composition root: `uvicorn scx_referral.app:create_app --factory`."""

from __future__ import annotations

from fastapi import FastAPI

from scx_referral.claimant import NinoVault
from scx_referral.config import ReferralSettings
from scx_referral.handlers import SUBSCRIPTIONS
from scx_referral.routes import router
from scx_servicekit import create_service_app


def create_app(settings: ReferralSettings | None = None, *, run_consumer: bool = True) -> FastAPI:
    settings = settings or ReferralSettings()
    app = create_service_app(
        settings,
        title="scx referral",
        description=(
            "Referrals from Jobcentre Plus to a prime's contract; the prime's start (attachment) or rejection; "
            "allocation in-house or down the supply chain, re-allocation and withdrawal."
        ),
        routers=[router],
        subscriptions=SUBSCRIPTIONS,
        run_consumer=run_consumer,
    )
    app.state.nino_vault = NinoVault(
        settings.nino_encryption_key.get_secret_value(), settings.claimant_ref_key.get_secret_value()
    )
    return app

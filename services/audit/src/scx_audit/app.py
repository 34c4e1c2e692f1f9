"""Composition root: `uvicorn scx_audit.app:create_app --factory`."""

from __future__ import annotations

from fastapi import FastAPI

from scx_audit.config import AuditSettings
from scx_audit.handlers import SUBSCRIPTIONS
from scx_audit.routes import router
from scx_servicekit import create_service_app


def create_app(settings: AuditSettings | None = None) -> FastAPI:
    settings = settings or AuditSettings()
    return create_service_app(
        settings,
        title="scx audit",
        description="the tamper-evident ledger of every event (RFC 6962 Merkle tree, signed checkpoints, proofs), the auditor's queries",
        routers=[router],
        subscriptions=SUBSCRIPTIONS,
    )

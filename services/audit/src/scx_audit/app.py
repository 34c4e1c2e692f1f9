"""Composition root: `uvicorn scx_audit.app:create_app --factory`."""

from __future__ import annotations

from fastapi import FastAPI

from scx_audit.config import AuditSettings
from scx_audit.handlers import SUBSCRIPTIONS, CheckpointTimer, LedgerWriter
from scx_audit.routes import auditor, operations, router
from scx_audit.service import Keys, outstanding_gaps
from scx_ledger.note import Signer
from scx_servicekit import ServiceRuntime, create_service_app


def create_app(settings: AuditSettings | None = None, *, run_consumer: bool = True) -> FastAPI:
    settings = settings or AuditSettings()
    keys = Keys(
        signer=Signer.parse(settings.signing_key.get_secret_value()),
        origin=settings.log_origin,
        claimant_ref_key=settings.claimant_ref_key.get_secret_value().encode(),
        checkpoint_every=settings.checkpoint_every,
    )

    def ledger(runtime: ServiceRuntime) -> LedgerWriter:
        return LedgerWriter(runtime.uow_factory, runtime.bus, keys, batch=settings.ledger_batch)

    def timer(runtime: ServiceRuntime) -> CheckpointTimer:
        return CheckpointTimer(runtime.uow_factory, keys, seconds=settings.checkpoint_seconds)

    async def ledger_ready(runtime: ServiceRuntime) -> str:
        writer = runtime.workers.get("ledger")
        if isinstance(writer, LedgerWriter) and writer.failure:
            return f"stopped: {writer.failure}"
        async with runtime.uow_factory.reading() as uow:
            gaps = await outstanding_gaps(uow)
        if gaps:
            g = gaps[0]
            return (f"gap: the stream no longer holds sequences {g.after_sequence + 1}..{g.next_sequence - 1}; the "
                    "ledger waits for an operator to acknowledge it")
        return "ok"

    app = create_service_app(
        settings,
        title="scx audit",
        description=(
            "The tamper-evident ledger of every event: the stream in order as an RFC 6962 Merkle tree, signed C2SP "
            "checkpoints, consistency and inclusion proofs, and the DWP auditor's queries."
        ),
        routers=[router, auditor, operations],
        subscriptions=SUBSCRIPTIONS,
        run_consumer=run_consumer,
        workers={"ledger": ledger, "checkpoints": timer},
        ready_checks={"ledger": ledger_ready},
        # The auditor's reads are keyed and short (a journey, a proof's few dozen hashes): on SQLite they run on the
        # loop's thread, where aiosqlite's hand-offs were half of a journey query's time (docs/benchmarks.md).
        inline_reads=True,
    )
    app.state.ledger_keys = keys
    return app

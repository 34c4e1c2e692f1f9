"""The app factory every service composes itself with: engine, NATS, outbox relay and consumer in the lifespan."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, Protocol

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.types import ASGIApp

from scx_messaging import Bus, DurableConsumer, connect
from scx_persistence import UnitOfWork, UnitOfWorkFactory, create_engine
from scx_persistence.inbox import InboxProcessor
from scx_persistence.outbox import OutboxRelay
from scx_persistence.subscriptions import Subscriptions
from scx_servicekit import idempotency
from scx_servicekit.auth import TokenVerifier
from scx_servicekit.docs import install_docs
from scx_servicekit.logging import configure_logging
from scx_servicekit.middleware import CorrelationIdMiddleware
from scx_servicekit.openapi import install_openapi, problem
from scx_servicekit.operations import dead_letters_health, operations_router
from scx_servicekit.problems import MEDIA_TYPE, install_problem_handlers
from scx_servicekit.routing import check_routes, service_router
from scx_servicekit.settings import ServiceSettings
from scx_servicekit.strict import check_parameters

log = logging.getLogger("scx.app")


def is_sqlite(engine: AsyncEngine) -> bool:
    return engine.dialect.name == "sqlite"


class ServiceApp(FastAPI):
    def build_middleware_stack(self) -> ASGIApp:
        # Outside Starlette's ServerErrorMiddleware, so that a 500 keeps its correlation id (see the middleware).
        return CorrelationIdMiddleware(super().build_middleware_stack())


class Worker(Protocol):
    """Work a service runs beside its requests for as long as it is up (a stream reader, a timer): started with the
    app, told to stop with it, and reported on /ready under its name while it runs."""

    async def run(self) -> None: ...

    def stop(self) -> None: ...


@dataclass
class ServiceRuntime:
    """What the lifespan builds once per process, exposed to routes as `request.app.state.runtime`."""

    settings: ServiceSettings
    engine: AsyncEngine
    uow_factory: UnitOfWorkFactory
    bus: Bus
    relay: OutboxRelay
    consumer: DurableConsumer | None = None
    inbox: InboxProcessor | None = None
    tasks: list[asyncio.Task[Any]] = field(default_factory=list)
    workers: dict[str, Worker] = field(default_factory=dict)


WorkerFactory = Callable[[ServiceRuntime], Worker]
# A readiness check of the service's own: "ok", or why it is not ready (then /ready answers 503 and says so).
ReadyCheck = Callable[[ServiceRuntime], Awaitable[str]]


def create_service_app(
    settings: ServiceSettings,
    *,
    title: str,
    description: str,
    routers: Sequence[APIRouter],
    subscriptions: Subscriptions | None = None,
    run_relay: bool = True,
    run_consumer: bool = True,
    workers: Mapping[str, WorkerFactory] | None = None,
    ready_checks: Mapping[str, ReadyCheck] | None = None,
    inline_reads: bool = False,
) -> FastAPI:
    """`inline_reads`: on SQLite, read on the event loop's thread as the writer does (`create_engine`)."""

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(settings.service_name, settings.log_level, json=settings.log_json)
        engine = create_engine(settings.database_url)
        read_engine = (create_engine(settings.database_url, for_reads=True, inline_reads=inline_reads)
                       if is_sqlite(engine) else engine)
        uow_factory = UnitOfWorkFactory(engine, read_engine)
        bus = await connect(settings.bus_settings())
        await bus.ensure_stream()
        relay = OutboxRelay(
            engine,
            bus,
            uow_factory.outbox_signal,
            poll_interval_seconds=settings.outbox_poll_interval_seconds,
            read_engine=read_engine,
            hand_over=uow_factory.hand_over,
        )
        runtime = ServiceRuntime(settings=settings, engine=engine, uow_factory=uow_factory, bus=bus, relay=relay)
        if run_relay:
            runtime.tasks.append(asyncio.create_task(relay.run(), name="outbox_relay"))
        if subscriptions:
            runtime.inbox = InboxProcessor(uow_factory, consumer=settings.service_name, subscriptions=subscriptions)
            runtime.consumer = DurableConsumer(
                bus,
                durable=settings.service_name,
                subjects=runtime.inbox.subjects,
                process=runtime.inbox,
                process_batch=runtime.inbox.apply_batch,
                ack_wait_seconds=settings.consumer_ack_wait_seconds,
                max_deliver=settings.consumer_max_deliver,
                retry_delay_seconds=settings.consumer_retry_delay_seconds,
            )
            if run_consumer:
                runtime.tasks.append(
                    asyncio.create_task(runtime.consumer.run(), name="consumer")
                )
        for name, make in (workers or {}).items():
            runtime.workers[name] = make(runtime)
            if run_consumer:
                runtime.tasks.append(asyncio.create_task(runtime.workers[name].run(), name=name))
        app.state.runtime = runtime
        # Housekeeping, not on /ready: a service whose purge stopped still answers and applies everything.
        housekeeping = asyncio.create_task(
            idempotency.purge_every(uow_factory, retention_hours=settings.idempotency_retention_hours),
            name="idempotency_purge",
        )
        try:
            yield
        finally:
            housekeeping.cancel()
            relay.stop()
            if runtime.consumer:
                runtime.consumer.stop()
            for worker in runtime.workers.values():
                worker.stop()
            # Let the relay mark what it published and the consumer finish its message before cancelling.
            if runtime.tasks:
                await asyncio.wait(runtime.tasks, timeout=2.0)
            for task in runtime.tasks:
                task.cancel()
            await asyncio.gather(*runtime.tasks, housekeeping, return_exceptions=True)
            try:
                await bus.close()
            except Exception as exc:  # NATS away or reconnecting: close without draining
                log.warning("closing the NATS connection without draining: %r", exc)
                with contextlib.suppress(Exception):
                    await bus.nc.close()
            finally:
                await engine.dispose()
                if read_engine is not engine:
                    await read_engine.dispose()

    app = ServiceApp(
        title=title,
        description=description,
        version="1.0.0",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        dependencies=[Depends(check_parameters)],
    )
    app.state.settings = settings
    app.state.ready_checks = dict(ready_checks or {})
    app.state.token_verifier = TokenVerifier(settings)
    install_problem_handlers(app)
    install_docs(app)
    install_openapi(app)
    app.include_router(health_router())
    app.include_router(operations_router)
    for router in routers:
        check_routes(router.routes)
        app.include_router(router)
    return app


def runtime_of(request: Request) -> ServiceRuntime:
    runtime: ServiceRuntime = request.app.state.runtime
    return runtime


async def unit_of_work(request: Request) -> AsyncIterator[UnitOfWork]:
    """One transaction per request, and its one commit point: once the endpoint has returned and its answer is
    built, before it is sent (function scope: FastAPI runs this exit then, not after sending). An endpoint that
    raises, or an answer that cannot be built, commits nothing; its unit of work rolls back. No route commits by
    hand."""
    factory = runtime_of(request).uow_factory
    async with (factory.reading() if request.method in ("GET", "HEAD") else factory()) as uow:
        yield uow
        if uow.writable and not uow.committed:
            await uow.commit()


UoW = Annotated[UnitOfWork, Depends(unit_of_work, scope="function")]


def health_router() -> APIRouter:
    router = service_router(tags=["health"])

    @router.get("/health", summary="Liveness: the process is up")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @router.get(
        "/ready",
        summary="Readiness: the database and NATS are reachable",
        responses={503: problem("a dependency is unreachable (checks says which)")},
    )
    async def ready(request: Request) -> JSONResponse:
        runtime = runtime_of(request)
        checks = {"database": "ok", "nats": "ok"}
        try:
            async with runtime.uow_factory.read_engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except Exception as exc:
            checks["database"] = f"unreachable: {exc.__class__.__name__}"
        if not await runtime.bus.ping():
            checks["nats"] = "unreachable"
        # A relay or consumer that has stopped means events stay unpublished or unapplied: not ready.
        for task in runtime.tasks:
            checks[task.get_name()] = "stopped" if task.done() else "ok"
        for name, check in request.app.state.ready_checks.items():
            try:
                checks[name] = await check(runtime)
            except Exception as exc:  # the database check beside it reports the cause
                checks[name] = f"unknown: {exc.__class__.__name__}"
        dead_letters = await dead_letters_health(request)  # reported beside the checks, never a 503: see there
        if all(v == "ok" for v in checks.values()):
            return JSONResponse({"status": "ready", "checks": checks, "dead_letters": dead_letters})
        return JSONResponse(
            {
                "type": "https://scx.example/problems/not-ready",
                "title": "Not ready",
                "status": 503,
                "detail": "A dependency is unreachable.",
                "checks": checks,
                "dead_letters": dead_letters,
            },
            status_code=503,
            media_type=MEDIA_TYPE,
        )

    return router

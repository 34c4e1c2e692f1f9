"""Lag measurement: when each referral event reaches a JetStream consumer (a listener in a process of its own,
so the load does not delay its clock readings), and how long the referral service's read model trails the
subcontracts service."""

from __future__ import annotations

import asyncio
import contextlib
import json
import multiprocessing
import signal
import time
from collections.abc import Awaitable
from multiprocessing.connection import Connection
from typing import Any

import httpx

from scx_cli.bench.load import PRIME, Journeys, expect, problem_slug, until
from scx_cli.bench.results import Report
from scx_contracts.envelope import SUBJECT_ROOT


def _listen(nats_url: str, conn: Connection) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops us
    asyncio.run(_listen_async(nats_url, conn))


async def _listen_async(nats_url: str, conn: Connection) -> None:
    import nats
    from nats.js.api import DeliverPolicy

    arrivals: dict[str, float] = {}

    async def on_event(msg: Any) -> None:
        seen = time.monotonic()
        with contextlib.suppress(ValueError, KeyError, TypeError):
            envelope = json.loads(msg.data)
            arrivals[f"{envelope['type']}:{envelope['data']['referral_id']}"] = seen

    nc = await nats.connect(nats_url, name="scx-bench-listener")
    js = nc.jetstream()
    await js.subscribe(
        f"{SUBJECT_ROOT}.referral.>", cb=on_event, ordered_consumer=True, deliver_policy=DeliverPolicy.NEW
    )
    conn.send("ready")
    loop = asyncio.get_running_loop()
    while True:
        command = await loop.run_in_executor(None, conn.recv)
        conn.send(dict(arrivals))
        arrivals.clear()
        if command == "stop":
            break
    await nc.close()


class Listener:
    def __init__(self, nats_url: str) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self.process = context.Process(target=_listen, args=(nats_url, child), daemon=True)
        self.process.start()
        if not self._conn.poll(30) or self._conn.recv() != "ready":
            raise RuntimeError("the bench's NATS listener did not start")

    def collect(self) -> dict[str, float]:
        self._conn.send("collect")
        arrivals: dict[str, float] = self._conn.recv()
        return arrivals

    def stop(self) -> None:
        with contextlib.suppress(OSError, EOFError):
            if self.process.is_alive():
                self._conn.send("stop")
                self._conn.poll(5)
        self.process.join(5)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(5)


async def drain(listener: Listener, expected: set[str], *, timeout: float) -> dict[str, float]:
    """Collect arrivals until every expected event has been seen (or the timeout passes)."""
    arrivals: dict[str, float] = {}
    deadline = time.monotonic() + timeout
    while True:
        arrivals.update(await asyncio.to_thread(listener.collect))
        if expected <= arrivals.keys() or time.monotonic() > deadline:
            return arrivals
        await asyncio.sleep(0.1)


async def read_model_lag(
    sub: httpx.AsyncClient,
    ref: httpx.AsyncClient,
    journeys: Journeys,
    contract_id: str,
    report: Report,
    *,
    tokens: dict[str, str],
    contract_dates: dict[str, str],
    run_id: str,
) -> None:
    """subcontracts → referral: from the 201 of registering a partner (and then of agreeing its subcontract)
    to the referral service first allocating to it, polling every 5 ms."""
    dwp = {"Authorization": f"Bearer {tokens['dwp']}"}
    prime = {"Authorization": f"Bearer {tokens[PRIME]}"}
    for k in range(report.options.lag_samples):
        partner = f"partner-bench-lag-{run_id}-{k:03d}"
        referral_id = await journeys.refer_and_start(ref, journeys.next_index())

        def allocate(p: str = partner, rid: str = referral_id) -> Awaitable[httpx.Response]:
            return ref.post(f"/referrals/{rid}/allocation", headers=prime,
                            json={"delivery": "partner", "partner_id": p})

        r = await sub.post("/organisations", headers=dwp, json={
            "organisation_id": partner, "name": f"Bench lag partner {k}", "kind": "partner",
        })
        expect(r, 201)
        committed = time.monotonic()
        response, seen = await until(allocate, lambda r: problem_slug(r) == "unknown-partner")
        if problem_slug(response) != "no-subcontract":
            raise RuntimeError(f"waiting for {partner} to be known: {response.status_code} {response.text}")
        report.organisation_lags.append(seen - committed)
        r = await sub.post(f"/contracts/{contract_id}/subcontracts", headers=prime, json={
            "partner_id": partner, "model": "sla", **contract_dates,
        })
        expect(r, 201)
        committed = time.monotonic()
        response, seen = await until(allocate, lambda r: problem_slug(r) == "no-subcontract")
        expect(response, 200)
        report.subcontract_lags.append(seen - committed)

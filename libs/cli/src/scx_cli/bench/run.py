"""`scx bench`: the run itself. Starts a local stack of its own (every service in services.toml, on free ports)
and the baseline, loads the demo, drives each concurrency level against both, then measures the read-model lag.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from scx_cli import demo, manifest
from scx_cli.bench import case_tracking
from scx_cli.bench.baseline_process import BaselineProcess
from scx_cli.bench.lag import Listener, drain, read_model_lag
from scx_cli.bench.load import BENCH_PARTNER, DISTRICTS, PRIME, Journeys, drive, expect, problem_slug, until
from scx_cli.bench.report import level_line, machine
from scx_cli.bench.results import BenchOptions, Level, Report, Run
from scx_cli.stack import LocalStack, ServiceSpec, service_specs
from scx_messaging.local import free_port


class Bench:
    def __init__(self, options: BenchOptions, *, echo: Callable[[str], None], keep_data: bool = False) -> None:
        self.options = options
        self.echo = echo
        self.keep_data = keep_data
        self.data_dir = Path(tempfile.mkdtemp(prefix="scx-bench-"))
        listed = manifest.load()
        self.stack = LocalStack(
            data_dir=self.data_dir,
            services=service_specs(listed, {name: free_port() for name in listed.names}),
            nats_port=free_port(),
        )
        self.baseline: BaselineProcess | None = None
        self.listener: Listener | None = None
        self.tokens = demo.tokens()
        self.run_id = datetime.now(UTC).strftime("%H%M%S")

    # Processes

    def start(self) -> dict[str, str]:
        self.echo(f"starting nats-server and {', '.join(s.name for s in self.stack.services)} in {self.data_dir} ...")
        self.stack.start()
        assert self.stack.nats is not None
        self.baseline = BaselineProcess(
            port=free_port(), data_dir=self.data_dir, logs=self.stack.logs, nats_url=self.stack.nats.url,
            engine=self.options.baseline_engine,
        )
        self.baseline.start()
        self.echo("loading the demo ...")
        sub, ref, ct = self.spec("subcontracts"), self.spec("referral"), self.spec("case_tracking")
        loaded = demo.DemoLoader(sub.url, ref.url, ct.url).load()
        self.listener = Listener(self.stack.nats.url)
        contracts: dict[str, str] = loaded["contracts"]
        return contracts

    def stop(self, *, failed: bool) -> None:
        if self.listener is not None:
            self.listener.stop()
        if self.baseline is not None:
            self.baseline.stop()
        self.stack.stop()
        if failed or self.keep_data:
            self.echo(f"data and logs kept in {self.data_dir}")
        else:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def spec(self, name: str) -> ServiceSpec:
        return next(s for s in self.stack.services if s.name == name)

    def pids(self) -> dict[str, int]:
        assert self.stack.nats is not None and self.stack.nats.process is not None
        assert self.baseline is not None and self.baseline.process is not None
        pids = {
            **{name: process.pid for name, process in self.stack.processes.items()},
            "nats": self.stack.nats.process.pid,
            "baseline": self.baseline.process.pid,
            "bench": os.getpid(),
        }
        if self.listener is not None and self.listener.process.pid is not None:
            pids["listener"] = self.listener.process.pid
        return pids

    # Setup through the APIs

    async def prepare(self, sub: httpx.AsyncClient, ref: httpx.AsyncClient, contract_id: str) -> Journeys:
        """Register the bench's partner and agree it an end-to-end subcontract without a capacity, then wait
        until the referral service can allocate to it."""
        dwp = {"Authorization": f"Bearer {self.tokens['dwp']}"}
        prime = {"Authorization": f"Bearer {self.tokens[PRIME]}"}
        expect(await sub.post("/organisations", headers=dwp, json={
            "organisation_id": BENCH_PARTNER, "name": "Bench Works (end-to-end, no capacity limit)", "kind": "partner",
        }), 201)
        contract = (await sub.get(f"/contracts/{contract_id}", headers=dwp)).json()
        self.contract_dates = {"start_date": contract["start_date"], "end_date": contract["end_date"]}
        expect(await sub.post(f"/contracts/{contract_id}/subcontracts", headers=prime, json={
            "partner_id": BENCH_PARTNER, "model": "end_to_end", **self.contract_dates,
            "client_group": {"postcode_districts": list(DISTRICTS)}, "share_of_targets_percent": 10,
        }), 201)
        journeys = Journeys(contract_id, self.tokens, self.run_id)
        probe = journeys.next_index()
        referral_id = await journeys.refer_and_start(ref, probe)
        response, _ = await until(
            lambda: ref.post(f"/referrals/{referral_id}/allocation", headers=journeys.prime,
                             json=journeys.allocation_body(0)),
            lambda r: r.status_code == 422 and problem_slug(r) in ("unknown-partner", "no-subcontract"),
            pause=0.1,
        )
        expect(response, 200)
        return journeys

    # Phases

    async def run(self, contract_id: str) -> Report:
        opts = self.options
        report = Report(started=datetime.now(UTC), machine=machine(), options=opts)
        sub_spec, ref_spec = self.spec("subcontracts"), self.spec("referral")
        assert self.baseline is not None
        limits = httpx.Limits(max_connections=max(opts.levels) + 8, max_keepalive_connections=max(opts.levels) + 8)
        async with (
            httpx.AsyncClient(base_url=sub_spec.url, timeout=30) as sub,
            httpx.AsyncClient(base_url=ref_spec.url, timeout=30, limits=limits) as ref,
            httpx.AsyncClient(base_url=self.baseline.url, timeout=30, limits=limits) as base,
            httpx.AsyncClient(base_url=self.spec("case_tracking").url, timeout=30, limits=limits) as ct,
        ):
            journeys = await self.prepare(sub, ref, contract_id)
            pids = self.pids()
            self.echo(f"warming up ({opts.warmup} journeys each) ...")
            await drive(lambda i, r: journeys.journey(ref, i, r), journeys.next_index, Run(4),
                        count=opts.warmup, seconds=0, pids={})
            await drive(lambda i, r: journeys.baseline_journey(base, i, r), journeys.next_index, Run(4),
                        count=opts.warmup, seconds=0, pids={})
            await self._drain(set(), timeout=5)
            for concurrency in opts.levels:
                by = f"{opts.journeys} journeys" if opts.journeys > 0 else f"{opts.seconds:g}s"
                self.echo(f"concurrency {concurrency}: ours for {by} ...")
                ours = await drive(lambda i, r: journeys.journey(ref, i, r), journeys.next_index, Run(concurrency),
                                   count=opts.journeys, seconds=opts.seconds, pids=pids)
                arrivals = await self._drain(set(ours.committed), timeout=60)
                level = Level(ours=ours, baseline=Run(concurrency))
                level.event_lags = [arrivals[k] - t for k, t in ours.committed.items() if k in arrivals]
                level.events_missing = len(ours.committed) - len(level.event_lags)
                self.echo(f"concurrency {concurrency}: baseline for {ours.journeys} journey-equivalents ...")
                level.baseline = await drive(
                    lambda i, r: journeys.baseline_journey(base, i, r), journeys.next_index, Run(concurrency),
                    count=max(ours.journeys, 1), seconds=0, pids=pids,
                )
                report.levels.append(level)
                self.echo(level_line(level))
            self.echo(f"read-model lag: {opts.lag_samples} partners registered and subcontracted ...")
            await read_model_lag(
                sub, ref, journeys, contract_id, report,
                tokens=self.tokens, contract_dates=self.contract_dates, run_id=self.run_id,
            )
            measured = await case_tracking.measure(ref, ct, base, journeys, report, pids=pids, echo=self.echo)
            report.case_levels, report.case_open_lags = measured.levels, measured.open_lags
        return report

    async def _drain(self, expected: set[str], *, timeout: float) -> dict[str, float]:
        assert self.listener is not None
        return await drain(self.listener, expected, timeout=timeout)


@contextlib.contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM unwinds like Ctrl-C, so the finally clauses stop every child process."""

    def _raise(*_: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, _raise)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def run_bench(options: BenchOptions, *, echo: Callable[[str], None], keep_data: bool = False) -> Report:
    began = time.monotonic()
    bench = Bench(options, echo=echo, keep_data=keep_data)
    failed = True
    with _terminate_as_interrupt():
        try:
            contracts = bench.start()
            report = _run_async(bench.run(contracts[PRIME]))
            failed = False
        finally:
            echo("stopping ...")
            bench.stop(failed=failed)
    report.wall = time.monotonic() - began
    return report


def _run_async(coro: Any) -> Report:
    try:
        import uvloop

        factory: Callable[[], asyncio.AbstractEventLoop] | None = uvloop.new_event_loop
    except ImportError:
        factory = None
    with asyncio.Runner(loop_factory=factory) as runner:
        result: Report = runner.run(coro)
        return result


"""Load generation: the requests of each journey (unique synthetic claimants), workers driving them at one
concurrency, and the CPU time each process spent meanwhile (from /proc)."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import time
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx

from scx_cli.bench.results import Run

JCP = "jcp-tyne-and-wear"
PRIME = "prime-northstar"
BENCH_PARTNER = "partner-bench-e2e"
DISTRICTS = ("NE1", "NE2", "NE3", "NE4")


def _valid_prefixes() -> list[str]:
    first = [c for c in "ABCEGHJKLMNOPRSTWXYZ"]
    second = [c for c in "ABCEGHJKLMNPRSTWXYZ"]
    unallocated = {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}
    return [a + b for a in first for b in second if a + b not in unallocated]


PREFIXES = _valid_prefixes()


def nino(i: int) -> str:
    """A unique, valid-shaped National Insurance number for journey i (synthetic, never a real person's)."""
    prefix = PREFIXES[(i // 1_000_000) % len(PREFIXES)]
    return f"{prefix}{i % 1_000_000:06d}{'ABCD'[i % 4]}"


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far, from /proc (0.0 where /proc is unavailable)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine has been busy (all CPUs), from /proc/stat: to see what else was running."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:9]]
    except (OSError, ValueError, IndexError):
        return 0.0
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")



class Journeys:
    """Makes the requests of the nth journey: unique claimants, half allocated to the bench's partner."""

    def __init__(self, contract_id: str, tokens: dict[str, str], run_id: str) -> None:
        self.contract_id = contract_id
        self.jcp = {"Authorization": f"Bearer {tokens[JCP]}"}
        self.prime = {"Authorization": f"Bearer {tokens[PRIME]}"}
        self.run_id = run_id
        today = date.today()
        self.referred_on = (today - timedelta(days=2)).isoformat()
        self.started_on = (today - timedelta(days=1)).isoformat()
        self._next = itertools.count()

    def next_index(self) -> int:
        return next(self._next)

    def refer_body(self, i: int) -> dict[str, Any]:
        return {
            "contract_id": self.contract_id, "national_insurance_number": nino(i), "benefit_type": "JSA",
            "payment_group": 2, "mandatory": True, "needs": [], "postcode_district": DISTRICTS[i % len(DISTRICTS)],
            "referral_date": self.referred_on,
        }

    def allocation_body(self, i: int) -> dict[str, Any]:
        return {"delivery": "partner", "partner_id": BENCH_PARTNER} if i % 2 == 0 else {"delivery": "in_house"}

    async def refer_and_start(self, client: httpx.AsyncClient, i: int) -> str:
        r = await client.post("/referrals", json=self.refer_body(i),
                              headers={**self.jcp, "Idempotency-Key": f"bench-{self.run_id}-{i}"})
        expect(r, 201)
        referral_id: str = r.json()["referral_id"]
        expect(await client.post(f"/referrals/{referral_id}/start", json={"started_on": self.started_on},
                                  headers=self.prime), 200)
        return referral_id

    async def journey(self, client: httpx.AsyncClient, i: int, run: Run) -> None:
        steps: list[tuple[str, Callable[[str], Awaitable[httpx.Response]], int]] = [
            ("referral.received", lambda _: client.post(
                "/referrals", json=self.refer_body(i),
                headers={**self.jcp, "Idempotency-Key": f"bench-{self.run_id}-{i}"}), 201),
            ("referral.started", lambda rid: client.post(
                f"/referrals/{rid}/start", json={"started_on": self.started_on}, headers=self.prime), 200),
            ("referral.allocated", lambda rid: client.post(
                f"/referrals/{rid}/allocation", json=self.allocation_body(i), headers=self.prime), 200),
        ]
        referral_id = ""
        began = time.monotonic()
        for event_type, call, wanted in steps:
            t0 = time.monotonic()
            try:
                response = await call(referral_id)
            except httpx.HTTPError as exc:
                run.error(f"{event_type}: {exc!r}")
                return
            t1 = time.monotonic()
            run.requests += 1
            run.latencies.append(t1 - t0)
            if response.status_code != wanted:
                run.error(f"{event_type}: {response.status_code} {response.text[:300]}")
                return
            if not referral_id:
                referral_id = response.json()["referral_id"]
            run.committed[f"{event_type}:{referral_id}"] = t1
        run.journeys += 1
        run.journey_latencies.append(time.monotonic() - began)

    async def baseline_journey(self, client: httpx.AsyncClient, i: int, run: Run) -> None:
        """The baseline's equivalent of a journey: three inserts-and-publishes."""
        began = time.monotonic()
        for step in ("refer", "start", "allocate"):
            t0 = time.monotonic()
            try:
                response = await client.post("/items", json={"kind": step, "body": self.refer_body(i)})
            except httpx.HTTPError as exc:
                run.error(f"baseline {step}: {exc!r}")
                return
            run.requests += 1
            run.latencies.append(time.monotonic() - t0)
            if response.status_code != 201:
                run.error(f"baseline {step}: {response.status_code} {response.text[:300]}")
                return
        run.journeys += 1
        run.journey_latencies.append(time.monotonic() - began)


def expect(response: httpx.Response, status: int) -> None:
    if response.status_code != status:
        raise RuntimeError(
            f"{response.request.method} {response.request.url}: {response.status_code} {response.text[:500]}"
        )


def problem_slug(response: httpx.Response) -> str:
    with contextlib.suppress(ValueError, AttributeError):
        return str(response.json().get("type", "")).rsplit("/", 1)[-1]
    return ""


async def drive(
    journey: Callable[[int, Run], Awaitable[None]],
    next_index: Callable[[], int],
    run: Run,
    *,
    count: int,
    seconds: float,
    pids: dict[str, int],
) -> Run:
    """`run.concurrency` workers each doing journeys back to back, until `count` journeys or `seconds` pass."""
    issued = itertools.count()
    before = {name: cpu_seconds(pid) for name, pid in pids.items()}
    busy_before = machine_busy_seconds()
    started = time.monotonic()
    stop_at = started + seconds

    async def worker() -> None:
        while True:
            if count > 0:
                if next(issued) >= count:
                    return
            elif time.monotonic() >= stop_at:
                return
            await journey(next_index(), run)

    await asyncio.gather(*(worker() for _ in range(run.concurrency)))
    run.elapsed = time.monotonic() - started
    run.cpu = {name: cpu_seconds(pid) - before[name] for name, pid in pids.items()}
    if pids:
        run.other_cores = max(0.0, machine_busy_seconds() - busy_before - sum(run.cpu.values())) / run.elapsed
    return run


async def until(call: Callable[[], Awaitable[httpx.Response]], waiting: Callable[[httpx.Response], bool],
                 *, timeout: float = 60.0, pause: float = 0.005) -> tuple[httpx.Response, float]:
    """Repeat `call` while `waiting(response)`; the last response and when it arrived."""
    deadline = time.monotonic() + timeout
    while True:
        response = await call()
        arrived = time.monotonic()
        if not waiting(response) or arrived > deadline:
            return response, arrived
        await asyncio.sleep(pause)

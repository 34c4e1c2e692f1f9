"""Case tracking in the bench: its write path (an attended appointment) against the baseline at each concurrency,
and the lag from `referral.started` (the referral service's answer) to the case being visible in case tracking.

Set-up, untimed: journeys referred, started and allocated in-house through the referral service, then one
appointment booked (for earlier today) per request the timed run may make. Timed: `POST
/cases/{id}/appointments/{aid}/attend` back to back at each concurrency, then the baseline for as many requests.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import httpx

from scx_cli.bench.load import Journeys, drive, expect, until
from scx_cli.bench.results import Level, Report, Run

CASES = 40  # cases the bookings are spread over


@dataclass
class CaseTrackingResults:
    levels: list[Level] = field(default_factory=list)
    open_lags: list[float] = field(default_factory=list)  # referral.started answered → case visible


async def open_cases(ref: httpx.AsyncClient, ct: httpx.AsyncClient, journeys: Journeys, count: int) -> list[str]:
    """`count` journeys started and allocated in-house, each visible in case tracking."""
    ids = []
    for _ in range(count):
        i = journeys.next_index()
        referral_id = await journeys.refer_and_start(ref, i)
        expect(await ref.post(f"/referrals/{referral_id}/allocation", headers=journeys.prime,
                              json={"delivery": "in_house"}), 200)
        ids.append(referral_id)
    for referral_id in ids:
        response, _ = await until(lambda rid=referral_id: ct.get(f"/cases/{rid}", headers=journeys.prime),
                                  lambda r: r.status_code == 404, pause=0.02)
        expect(response, 200)
    return ids


async def book(ct: httpx.AsyncClient, journeys: Journeys, case_ids: list[str], count: int) -> list[str]:
    """`count` reviews booked for an hour ago, spread over the cases; their attend paths."""
    scheduled = (datetime.now(UTC) - timedelta(hours=1)).replace(microsecond=0)
    if scheduled.date() != datetime.now(UTC).date():  # just after midnight: a minute ago instead
        scheduled = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=1)
    paths = []
    for k in range(count):
        case_id = case_ids[k % len(case_ids)]
        response = await ct.post(f"/cases/{case_id}/appointments", headers=journeys.prime, json={
            "kind": "review", "scheduled_at": scheduled.isoformat(),
        })
        expect(response, 201)
        paths.append(f"/cases/{case_id}/appointments/{response.json()['appointment_id']}/attend")
    return paths


async def measure(
    ref: httpx.AsyncClient, ct: httpx.AsyncClient, base: httpx.AsyncClient, journeys: Journeys, report: Report,
    *, pids: dict[str, int], echo: object,
) -> CaseTrackingResults:
    results = CaseTrackingResults()
    say = echo if callable(echo) else (lambda _: None)
    opts = report.options
    say(f"case tracking: opening {CASES} cases and booking appointments ...")
    case_ids = await open_cases(ref, ct, journeys, CASES)
    per_level = opts.case_requests
    paths: Iterator[str] = iter(await book(ct, journeys, case_ids, per_level * len(opts.levels) + opts.warmup))
    for _ in range(opts.warmup):
        expect(await ct.post(next(paths), headers=journeys.prime, json={"minutes": 30}), 200)

    async def attend(_: int, run: Run) -> None:
        path = next(paths)
        t0 = time.monotonic()
        try:
            response = await ct.post(path, headers=journeys.prime, json={"minutes": 30})
        except httpx.HTTPError as exc:
            run.error(f"attend: {exc!r}")
            return
        run.latencies.append(time.monotonic() - t0)
        run.requests += 1
        run.journeys += 1
        if response.status_code != 200:
            run.error(f"attend: {response.status_code} {response.text[:300]}")

    async def baseline(i: int, run: Run) -> None:
        t0 = time.monotonic()
        try:
            response = await base.post("/items", json={"kind": "attend", "body": journeys.refer_body(i)})
        except httpx.HTTPError as exc:
            run.error(f"baseline attend: {exc!r}")
            return
        run.latencies.append(time.monotonic() - t0)
        run.requests += 1
        run.journeys += 1
        if response.status_code != 201:
            run.error(f"baseline attend: {response.status_code} {response.text[:300]}")

    counter = itertools.count()
    for concurrency in opts.levels:
        say(f"case tracking, concurrency {concurrency}: {per_level} attended appointments ...")
        ours = await drive(attend, lambda: next(counter), Run(concurrency), count=per_level, seconds=0, pids=pids)
        theirs = await drive(baseline, lambda: next(counter), Run(concurrency), count=per_level, seconds=0,
                             pids=pids)
        results.levels.append(Level(ours=ours, baseline=theirs))
    say(f"case tracking: {opts.lag_samples} starts until their cases are visible ...")
    for _ in range(opts.lag_samples):
        referral_id = await _refer(ref, journeys)
        response = await ref.post(f"/referrals/{referral_id}/start", json={"started_on": journeys.started_on},
                                  headers=journeys.prime)
        answered = time.monotonic()
        expect(response, 200)
        response, seen = await until(lambda rid=referral_id: ct.get(f"/cases/{rid}", headers=journeys.prime),
                                     lambda r: r.status_code == 404)
        expect(response, 200)
        results.open_lags.append(seen - answered)
    return results


async def _refer(ref: httpx.AsyncClient, journeys: Journeys) -> str:
    i = journeys.next_index()
    response = await ref.post("/referrals", json=journeys.refer_body(i),
                              headers={**journeys.jcp, "Idempotency-Key": f"bench-{journeys.run_id}-{i}"})
    expect(response, 201)
    referral_id: str = response.json()["referral_id"]
    return referral_id

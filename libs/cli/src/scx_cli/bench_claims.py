"""`scx bench-claims`: a payment run over a year of a large contract, and its rerun's identical digest.

A generator writes a year of one large contract straight into a migrated claims database (SQLite, as an operator's
tool would: the rows, not the API): the contract, tens of thousands of referrals' journeys, each journey's
entitlements (an attachment fee payable from its start; a job outcome for about a third, which waits for a claim),
and the twelve service fee instalments. The claims service then runs as its own process (uvicorn, a real
nats-server), and the bench, over HTTP as DWP's officers would:

1. raises a few recoveries (validating officer);
2. prepares the run for the year's last month (payments officer) and reads the prime's statement, JSON and CSV;
3. abandons it, prepares it again, and checks the digest and both statements are identical, byte for byte;
4. authorises it (another payments officer), which marks every line paid.

Each step is timed (wall clock, one request each).
"""

from __future__ import annotations

import hashlib
import json
import random
import sqlite3
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from scx_cli.bench_events import machine
from scx_cli.stack import LocalStack, ServiceSpec
from scx_messaging.local import free_port
from scx_servicekit import TokenIssuer

Echo = Callable[[str], None]
BEGIN = "<!-- bench-claims: begin (written by `scx bench-claims --output`) -->"
END = "<!-- bench-claims: end -->"
CONTRACT = "bench-contract-0001"
PRIME = "prime-bench"
VALUE_PENCE = 120_000_000_00  # £120m over two years
INSTALMENT_PENCE = VALUE_PENCE * 30 // 100 // 24


@dataclass(frozen=True)
class ClaimsBenchOptions:
    referrals: int = 40_000
    recoveries: int = 5
    seed: int = 20261201


@dataclass
class ClaimsReport:
    options: ClaimsBenchOptions
    started: datetime
    machine: dict[str, str]
    period: str = ""
    timings: dict[str, float] = field(default_factory=dict)
    lines: int = 0
    gross_pence: int = 0
    net_pence: int = 0
    digest: str = ""
    rerun_digest: str = ""
    json_bytes: int = 0
    csv_bytes: int = 0
    identical_json: bool = False
    identical_csv: bool = False
    paid_rows: int = 0


def _months_back(today: date, count: int) -> list[date]:
    """The first days of the `count` months ending with this one, oldest first."""
    index = today.year * 12 + today.month - 1
    return [date((index - k) // 12, (index - k) % 12 + 1, 1) for k in reversed(range(count))]


def generate(path: Path, options: ClaimsBenchOptions, today: date) -> dict[str, int]:
    """A year of one contract, written into the migrated claims database at `path`; how many rows of each."""
    rng = random.Random(options.seed)
    months = _months_back(today, 12)
    start = months[0]
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    journeys, fees = [], []
    for n in range(options.referrals):
        case_id = f"bench-case-{n:08d}"
        first = months[n * 12 // options.referrals]
        started = first + timedelta(days=rng.randrange(28))
        started = min(started, today)
        claimant = hashlib.sha256(f"claimant-{n}".encode()).hexdigest()[:32]
        journeys.append((case_id, CONTRACT, PRIME, f"clm_{claimant}", rng.randint(1, 9), rng.random() < 0.8,
                         started.isoformat(), started.isoformat()))
        fees.append((f"bench-ent-{n:08d}-a", case_id, CONTRACT, PRIME, "attachment_fee", 1, 40_000,
                     "work-programme-2011", 1, started.isoformat(), "[]", "payable", now))
        if rng.random() < 0.33:  # a job outcome, payable once claimed and approved: not in a run without a claim
            outcome_on = min(started + timedelta(weeks=26), today)
            fees.append((f"bench-ent-{n:08d}-j", case_id, CONTRACT, PRIME, "job_outcome", 1, 120_000,
                         "work-programme-2011", 1, outcome_on.isoformat(), "[]", "payable", now))
    instalments = [(CONTRACT, m.strftime("%Y-%m"), PRIME, INSTALMENT_PENCE, "pathways-30-50-20", 1, "due")
                   for m in months]
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO known_organisations (organisation_id, name, kind) VALUES (?, ?, ?)",
                   (PRIME, "Bench Prime", "prime"))
        db.execute(
            "INSERT INTO known_contracts (contract_id, prime_id, contract_package_area, start_date, end_date, "
            "value_pence, payment_model, profile_revision) VALUES (?, ?, ?, ?, ?, ?, ?, 0)",
            (CONTRACT, PRIME, "Bench Area", start.isoformat(), (start + timedelta(days=730)).isoformat(),
             VALUE_PENCE, "work-programme-2011"),
        )
        db.executemany(
            "INSERT INTO journeys (case_id, contract_id, prime_id, claimant_ref, payment_group, mandatory, "
            "referral_date, started_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", journeys)
        db.executemany(
            "INSERT INTO entitlements (entitlement_id, case_id, contract_id, prime_id, kind, sequence, amount_pence, "
            "tariff_model, tariff_version, payable_from, evidence_weeks, status, computed_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", fees)
        db.executemany(
            "INSERT INTO instalments (contract_id, month, prime_id, amount_pence, tariff_model, tariff_version, "
            "status) VALUES (?, ?, ?, ?, ?, ?, ?)", instalments)
    return {"journeys": len(journeys), "entitlements": len(fees), "instalments": len(instalments)}


def _timed(report: ClaimsReport, name: str, call: Callable[[], httpx.Response], expect: int = 200) -> httpx.Response:
    began = time.perf_counter()
    response = call()
    report.timings[name] = time.perf_counter() - began
    if response.status_code != expect:
        raise RuntimeError(f"{name}: {response.status_code} {response.text[:500]}")
    return response


def run_claims_bench(options: ClaimsBenchOptions, echo: Echo, *, keep_data: bool = False) -> ClaimsReport:
    report = ClaimsReport(options, datetime.now(UTC), machine())
    data_dir = Path(tempfile.mkdtemp(prefix="scx-bench-claims-"))
    claims = ServiceSpec("claims", free_port())
    stack = LocalStack(data_dir=data_dir, services=[claims], nats_port=free_port())
    issuer = TokenIssuer()

    def bearer(role: str, user: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {issuer.issue('dwp', 'dwp', [role], user=user)}"}

    try:
        stack.logs.mkdir(parents=True, exist_ok=True)
        stack.start_nats()
        stack.migrate(claims)
        today = datetime.now(UTC).date()
        began = time.perf_counter()
        rows = generate(data_dir / "claims.db", options, today)
        report.timings["generate"] = time.perf_counter() - began
        echo(f"generated {rows} in {report.timings['generate']:.1f}s")
        stack.start_service(claims)
        stack.wait_ready(claims)
        report.period = today.strftime("%Y-%m")
        with httpx.Client(base_url=claims.url, timeout=900) as client:
            _bench_run(client, report, bearer)
        echo(section(report))
    finally:
        stack.stop()
        if not keep_data:
            import shutil

            shutil.rmtree(data_dir, ignore_errors=True)
    return report


def _bench_run(client: httpx.Client, report: ClaimsReport, bearer: Callable[[str, str], dict[str, str]]) -> None:
    validator = bearer("validator", "bench-validator")
    maker, checker = bearer("payments_officer", "bench-maker"), bearer("payments_officer", "bench-checker")
    for n in range(report.options.recoveries):
        body = {"prime_id": PRIME, "contract_id": CONTRACT, "amount_pence": 120_000 * (n + 1),
                "reason": "overpaid_outcome"}
        began = time.perf_counter()
        raised = client.post("/recoveries", json=body, headers=validator)
        report.timings["raise a recovery"] = time.perf_counter() - began
        if raised.status_code != 201:
            raise RuntimeError(f"raise a recovery: {raised.status_code} {raised.text[:500]}")
    statement = f"/statements/{PRIME}"

    def prepare() -> dict[str, Any]:
        response = client.post("/payment-runs", json={"period": report.period}, headers=maker)
        if response.status_code != 201:
            raise RuntimeError(f"prepare: {response.status_code} {response.text[:500]}")
        answer: dict[str, Any] = response.json()
        return answer

    began = time.perf_counter()
    first = prepare()
    report.timings["prepare"] = time.perf_counter() - began
    run = f"/payment-runs/{first['run_id']}"
    as_json = _timed(report, "statement (JSON)", lambda: client.get(run + statement, headers=maker)).content
    as_csv = _timed(report, "statement (CSV)",
                    lambda: client.get(run + statement, headers={**maker, "Accept": "text/csv"})).content
    _timed(report, "abandon", lambda: client.post(run + "/abandonment", json={"reason": "bench rerun"},
                                                  headers=maker))
    began = time.perf_counter()
    second = prepare()
    report.timings["prepare again"] = time.perf_counter() - began
    rerun = f"/payment-runs/{second['run_id']}"
    report.identical_json = client.get(rerun + statement, headers=maker).content == as_json
    report.identical_csv = client.get(rerun + statement, headers={**maker, "Accept": "text/csv"}).content == as_csv
    report.digest, report.rerun_digest = first["inputs_digest"], second["inputs_digest"]
    report.lines, report.gross_pence, report.net_pence = second["lines"], second["gross_pence"], second["net_pence"]
    report.json_bytes, report.csv_bytes = len(as_json), len(as_csv)
    authorised = _timed(report, "authorise", lambda: client.post(
        rerun + "/authorisation", json={"inputs_digest": second["inputs_digest"]}, headers=checker))
    report.paid_rows = json.loads(authorised.content)["lines"]


def section(report: ClaimsReport) -> str:
    o = report.options
    same = report.digest == report.rerun_digest and report.identical_json and report.identical_csv
    timing_rows = "\n".join(f"| {name} | {seconds:.2f} s |" for name, seconds in report.timings.items())
    machine_rows = "\n".join(f"| {k} | {v} |" for k, v in report.machine.items())
    return f"""{BEGIN}

## Claims: a payment run over a year of a large contract (issue 9)

Measured {report.started:%Y-%m-%d %H:%M} UTC by `scx bench-claims` (part of `make bench`): {o.referrals:,} referrals
in a year of one contract (an attachment fee each, a job outcome awaiting its claim for about a third, twelve service
fee instalments), written by a generator straight into a migrated SQLite claims database; {o.recoveries} recoveries
raised over HTTP; then the claims service (its own uvicorn process) prepares the run for {report.period}, serves the
prime's statement, abandons the run, prepares it again, and authorises it. Times are one HTTP request each, wall
clock.

| step | time |
| --- | --- |
{timing_rows}

- The run: **{report.lines:,} lines**, gross £{report.gross_pence // 100:,}, net £{report.net_pence // 100:,}
  (the recoveries netted); the statement is {report.json_bytes:,} bytes of JSON, {report.csv_bytes:,} of CSV.
- Inputs digest `{report.digest}`; prepared again: `{report.rerun_digest}`. **{"Identical" if same else "DIFFERENT"}**
  (digest, JSON statement and CSV statement, byte for byte).

| machine | |
| --- | --- |
{machine_rows}

{END}
"""


def write_section(report: ClaimsReport, output: Path) -> None:
    """Replace this bench's section of the file (or append it), keeping everything else as it is."""
    text = output.read_text() if output.exists() else ""
    new = section(report)
    if BEGIN in text and END in text:
        before, rest = text.split(BEGIN, 1)
        after = rest.split(END, 1)[1].lstrip("\n")
        text = before + new + ("\n" + after if after else "")
    else:
        text = text.rstrip("\n") + "\n\n" + new if text else new
    output.write_text(text)

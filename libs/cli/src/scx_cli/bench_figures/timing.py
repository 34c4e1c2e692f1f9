"""Times each report route of a running subcontracts service over HTTP, one request at a time on a keep-alive
connection, as a contract manager at DWP and the contract's prime take turns (a report DWP's alone: DWP each time).
Latency is the client's: request sent to answer read. Only 200s count towards the percentiles; anything else is
counted and its first answer kept, so a report that refuses the bench's parameters is seen, not timed."""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

import httpx

from scx_cli.bench.results import percentile
from scx_cli.bench_figures.reports import REPORTS, Catalogue, Pick, Report, is_report, pick
from scx_servicekit import TokenIssuer

WARM_UP = 20  # requests to each report before the timed ones, and not among them
WINDOW_PARAMETERS = frozenset({"from", "to", "from_month", "to_month", "month", "iso_week", "week", "quarter",
                               "week_from", "week_to", "from_week", "to_week"})
TARGET_P99_MS = 50.0


@dataclass
class Timed:
    report: Report
    built: bool
    discovered: bool = False  # listed by the service, not in the bench's table
    unfilled: list[str] = field(default_factory=list)  # parameters the bench cannot fill
    samples: dict[str, list[float]] = field(default_factory=dict)  # milliseconds, by whose token
    refused: Counter[str] = field(default_factory=Counter)  # "dwp 422", "prime 403"...
    first_refusal: str = ""
    slowest: tuple[float, str] = (0.0, "")  # the slowest timed request: milliseconds, and what it asked

    @property
    def all_samples(self) -> list[float]:
        return [ms for samples in self.samples.values() for ms in samples]

    def p(self, q: float, who: str | None = None) -> float:
        return percentile(self.samples.get(who, []) if who else self.all_samples, q)

    @property
    def met(self) -> bool:
        return bool(self.all_samples) and self.p(99) <= TARGET_P99_MS


class Tokens:
    def __init__(self) -> None:
        self.issuer = TokenIssuer()
        self.dwp = self._bearer("dwp", "dwp", "contract_manager")
        self.primes: dict[str, dict[str, str]] = {}

    def _bearer(self, organisation_id: str, kind: str, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.issuer.issue(organisation_id, kind, [role])}"}

    def prime(self, prime_id: str) -> dict[str, str]:
        if prime_id not in self.primes:
            self.primes[prime_id] = self._bearer(prime_id, "prime", "manager")
        return self.primes[prime_id]


def report_routes(spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The service's GET routes outside the registry's and the platform's, by path: their operations."""
    return {path: ops["get"] for path, ops in spec.get("paths", {}).items() if "get" in ops and is_report(path)}


def time_reports(
    client: httpx.Client, catalogue: Catalogue, *, requests: int, seed: int, echo: Callable[[str], None],
    only: set[str] | None = None,
) -> list[Timed]:
    routes = report_routes(client.get("/openapi.json").raise_for_status().json())
    known = {r.path for r in REPORTS}
    discovered = [Report(path, path, "not in the bench's table") for path in sorted(routes) if path not in known]
    entries = [*REPORTS, *discovered]
    entries = [e for e in entries if only is None or e.path in only]
    tokens, rng, results = Tokens(), random.Random(seed), []
    for entry in entries:
        operation = routes.get(entry.path)
        timed = Timed(entry, built=operation is not None, discovered=entry.path not in known)
        results.append(timed)
        if operation is None:
            continue
        _time_one(client, catalogue, entry, operation, timed, tokens, rng, requests)
        if timed.all_samples:
            echo(f"{entry.path}: p50 {timed.p(50):.1f} ms, p95 {timed.p(95):.1f} ms, p99 {timed.p(99):.1f} ms"
                 + (f"; refused {dict(timed.refused)}" if timed.refused else ""))
        else:
            echo(f"{entry.path}: not timed ({', '.join(timed.unfilled) or timed.first_refusal[:200]})")
    return results


def _time_one(
    client: httpx.Client, catalogue: Catalogue, entry: Report, operation: dict[str, Any], timed: Timed,
    tokens: Tokens, rng: random.Random, requests: int,
) -> None:
    parameters = [p for p in operation.get("parameters", []) if p.get("in") in ("path", "query")]
    for n in range(WARM_UP + requests):
        as_prime = entry.prime and n % 2 == 1
        choice = pick(rng, catalogue)
        who, headers = ("prime", tokens.prime(choice.plan.prime_id)) if as_prime else ("dwp", tokens.dwp)
        if entry.accept:
            headers = {**headers, "Accept": entry.accept}
        url, query, unfilled = _request(entry, parameters, choice)
        if unfilled:
            timed.unfilled = unfilled
            return
        began = time.perf_counter()
        response = client.get(url, params=query, headers=headers)
        elapsed = (time.perf_counter() - began) * 1000
        if n < WARM_UP:
            continue
        if response.status_code == 200:
            timed.samples.setdefault(who, []).append(elapsed)
            if elapsed > timed.slowest[0]:
                timed.slowest = (elapsed, f"{who}: {url}" + (f"?{urlencode(query)}" if query else ""))
        else:
            timed.refused[f"{who} {response.status_code}"] += 1
            timed.first_refusal = timed.first_refusal or f"{who} {response.status_code} {url}: {response.text[:300]}"


def _request(entry: Report, parameters: list[dict[str, Any]], choice: Pick) -> tuple[str, dict[str, str], list[str]]:
    """The URL and query for one request: every path and required parameter, the window parameters, and those the
    table names; the names of any it cannot fill."""
    path_values, query, unfilled = {}, {}, []
    for parameter in parameters:
        name, where, schema = parameter["name"], parameter["in"], parameter.get("schema", {})
        wanted = where == "path" or parameter.get("required") or name in WINDOW_PARAMETERS or name in entry.fill
        if not wanted:
            continue
        value = choice.value(name, schema)
        if value is None:
            if where == "path" or parameter.get("required"):
                unfilled.append(name)
            continue
        if where == "path":
            path_values[name] = quote(value, safe="")
        else:
            query[name] = value
    url = entry.path
    for name, value in path_values.items():
        url = url.replace("{" + name + "}", value)
    return url, query, unfilled

"""Schemathesis over a service's own OpenAPI document, in-process: one call fuzzes every operation of an app.

Each operation gets schema-valid requests (positive) and schema-violating ones (negative), each sent with one of
the given tokens, and every answer is checked: no 5xx, no status the document does not list, no body or header
outside its schema, and no schema-violating request accepted. Runs are derandomized (the same examples every
run) and bounded by `max_examples` per operation and mode, so they fit in `make test`.

A service's tests use it with one test file:

    async def test_the_api_keeps_its_contract(app):
        await fuzz_api(app, tokens={"dwp": "Bearer …", "none": None})
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import hypothesis
import hypothesis.errors
import hypothesis.strategies as st
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.python import asgi

MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)


@dataclass
class FuzzReport:
    operations: list[str] = field(default_factory=list)
    requests: int = 0
    statuses: dict[str, set[int]] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)


def _excluded_checks() -> list[Any]:
    from schemathesis.checks import CHECKS, load_all_checks

    load_all_checks()
    # A valid request by a caller who may not see the record is rightly a 404 or 403: acceptance of valid data
    # cannot be asked of random ids.
    return [check for check in CHECKS.get_all() if check.__name__ in {"positive_data_acceptance"}]


def run_fuzz(
    app: Any,
    tokens: Mapping[str, str | None],
    *,
    max_examples: int = 20,
    modes: tuple[GenerationMode, ...] = MODES,
) -> FuzzReport:
    """Fuzz every operation of `app` (its lifespan is started, then stopped at the end). Blocking: call it from a
    thread, as `fuzz_api` does, never from inside the event loop that serves the app."""
    report = FuzzReport()
    names = sorted(tokens)
    excluded = _excluded_checks()
    try:
        schema = schemathesis.openapi.from_asgi("/openapi.json", app)
        for result in schema.get_all_operations():
            operation = result.ok()  # type: ignore[union-attr]  # an Err raises here, as it should
            report.operations.append(operation.label)
            statuses = report.statuses.setdefault(operation.label, set())
            for mode in modes:

                @settings(
                    max_examples=max_examples,
                    derandomize=True,
                    database=None,
                    deadline=None,
                    phases=[Phase.explicit, Phase.generate, Phase.shrink],
                    suppress_health_check=list(HealthCheck),
                    verbosity=hypothesis.Verbosity.quiet,
                )
                @given(case=operation.as_strategy(generation_mode=mode), token=st.sampled_from(names))
                def send(case: Any, token: str) -> None:
                    header = tokens[token]
                    response = case.call(headers={"Authorization": header} if header else None)
                    report.requests += 1
                    statuses.add(response.status_code)  # noqa: B023  # run at once, in this iteration
                    case.validate_response(response, excluded_checks=excluded)

                try:
                    send()
                except hypothesis.errors.Unsatisfiable:
                    continue  # no parameter and no body: nothing in the request can violate the schema
                except (Exception, BaseExceptionGroup) as exc:
                    report.failures.append(f"{operation.label} ({mode.value}): {exc}")
    finally:
        asgi.shutdown_lifespans()
    return report


async def fuzz_api(
    app: Any,
    tokens: Mapping[str, str | None],
    *,
    max_examples: int = 20,
    modes: tuple[GenerationMode, ...] = MODES,
) -> FuzzReport:
    """`run_fuzz` from an async test, asserting no failure; returns the report for further assertions.
    `SCX_FUZZ_EXAMPLES=500 make test` digs deeper than the default, bounded for `make test`."""
    max_examples = int(os.environ.get("SCX_FUZZ_EXAMPLES", max_examples))
    report = await asyncio.to_thread(run_fuzz, app, tokens, max_examples=max_examples, modes=modes)
    assert not report.failures, "\n\n".join(report.failures)
    assert report.operations, "the OpenAPI document lists no operation"
    return report

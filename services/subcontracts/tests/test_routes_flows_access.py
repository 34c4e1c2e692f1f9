"""Who reads referral flows and supply-chain health, on every route with every kind of caller: DWP's contract
managers and auditors all, a JCP TPPM every prime's aggregates and never a journey, a prime its own, a partner only
its own lines; DWP's other roles, other JCP roles and JCP on health 403; no or a forged token 401; and bad
parameters 422 naming the one at fault."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
import pytest_asyncio

from scx_messaging import LocalNatsServer
from scx_testing.api import bad_tokens
from scx_testing.plugin import MigratedDatabase

from .builders import (
    ALEMBIC_INI,
    AUDITOR,
    DWP,
    JCP,
    OTHER_PARTNER,
    PARTNER,
    PRIME,
    PRIME_ADVISER,
    Service,
    bearer,
    problem,
    slug,
)
from .flows_builders import COUNCIL, LIBRARY, SOUTH, TPPM, month_of, quiet_monday, read
from .history_builders import PRIME_ID, History, running_history

D = quiet_monday()
MONTH = month_of(D)
RANGE = {"from_month": MONTH, "to_month": MONTH}
FORGED = {"Authorization": bad_tokens("dwp", "dwp", "contract_manager")["another-secret"]}
DWP_OTHERS = (bearer("dwp", "dwp", "operator"), bearer("dwp", "dwp", "payments_officer"), bearer("dwp", "dwp"))


@pytest_asyncio.fixture
async def history(migrated_database: MigratedDatabase, nats_server: LocalNatsServer) -> AsyncIterator[History]:
    """prime-north's chain with a journey for each of partner-whole and partner-council and one in house, and a
    line owed to and paid to partner-whole and partner-skills."""
    async with running_history(migrated_database(ALEMBIC_INI), nats_server.url) as stack:
        chain = await stack.build_chain()
        for partner in ("partner-whole", "partner-council", None):
            journey = await stack.started_with(partner, D)
            await stack.cases.attended(journey, D + timedelta(days=3), by=partner or PRIME_ID)
        for partner in ("partner-whole", "partner-skills"):
            owed = await stack.claims.partner_owed(
                journey, partner_id=partner, subcontract_id=chain.subcontract_id(partner), amount_pence=10_000,
                due_on=D + timedelta(days=30), owed_on=D,
            )
            await stack.claims.partner_paid(
                prime_id=PRIME_ID, partner_id=partner, owed_ids=[owed], amount_pence=10_000,
                paid_on=D + timedelta(days=20),
            )
        await stack.synced()
        yield stack


def health_path(history: History) -> str:
    assert history.chain is not None
    return f"/contracts/{history.chain.contract_id}/supply-chain-health"


async def test_every_prime_side_by_side_for_dwp_a_tppm_and_a_prime_its_own(history: History) -> None:
    for headers, primes in ((DWP, [PRIME_ID]), (AUDITOR, [PRIME_ID]), (TPPM, [PRIME_ID]), (PRIME, [PRIME_ID]),
                            (PRIME_ADVISER, [PRIME_ID]), (SOUTH, [])):  # prime-south has no contract
        found = await read(history.client, "/referral-flows", headers, **RANGE)
        assert [line["prime_id"] for line in found["items"]] == primes
    for headers in (PARTNER, COUNCIL, JCP, *DWP_OTHERS):
        problem(await history.client.get("/referral-flows", params=RANGE, headers=headers), 403)
    for headers in ({}, FORGED):
        problem(await history.client.get("/referral-flows", params=RANGE, headers=headers), 401)


async def test_a_prime_s_breakdown_to_each_caller(history: History) -> None:
    path = f"/referral-flows/{PRIME_ID}"
    everyone = [PRIME_ID, "partner-council", "partner-skills", "partner-whole"]
    for headers in (DWP, AUDITOR, TPPM, PRIME):
        found = await read(history.client, path, headers, **RANGE)
        assert [o["organisation_id"] for o in found["organisations"]] == everyone
        assert found["total"]["stages"][0]["journeys"] == 3
    for headers, partner in ((PARTNER, "partner-whole"), (COUNCIL, "partner-council"),
                             (OTHER_PARTNER, "partner-skills")):
        found = await read(history.client, path, headers, **RANGE)
        assert [o["organisation_id"] for o in found["organisations"]] == [partner]
        assert found["total"] is None
    assert (await read(history.client, path, PARTNER, **RANGE))["organisations"][0]["flow"]["stages"][0] == {
        "stage": "referred", "journeys": 1, "from_previous_percent": None, "from_referral_percent": 100.0,
    }
    for headers in (SOUTH, LIBRARY):  # another prime; a partner in no subcontract of prime-north's
        assert slug(problem(await history.client.get(path, params=RANGE, headers=headers), 404)) == "not-found"
    for headers in (JCP, *DWP_OTHERS):
        problem(await history.client.get(path, params=RANGE, headers=headers), 403)
    for headers in ({}, FORGED):
        problem(await history.client.get(path, params=RANGE, headers=headers), 401)
    problem(await history.client.get("/referral-flows/prime-nowhere", params=RANGE, headers=DWP), 404)
    problem(await history.client.get("/referral-flows/partner-whole", params=RANGE, headers=DWP), 404)
    assert history.chain is not None
    assert (await read(history.client, path, TPPM, **RANGE, contract_id=history.chain.contract_id))["total"]
    other = "01900000-0000-7000-8000-000000000404"
    problem(await history.client.get(path, params={**RANGE, "contract_id": other}, headers=DWP), 404)


async def test_a_tppm_reads_aggregates_never_a_journey_or_a_claimant(history: History) -> None:
    answers = [
        (await history.client.get("/referral-flows", params=RANGE, headers=TPPM)).text,
        (await history.client.get(f"/referral-flows/{PRIME_ID}", params=RANGE, headers=TPPM)).text,
    ]
    journeys = [e["journey_id"] for e in await history.referrals.events()]
    refs = [e["claimant_ref"] for e in await history.referrals.events()]
    assert journeys and refs
    for text in answers:
        assert not [j for j in journeys if j in text]
        assert not [r for r in refs if r in text]
        assert "clm_" not in text


async def test_a_contract_s_health_to_each_caller(history: History) -> None:
    path = health_path(history)
    for headers in (DWP, AUDITOR, PRIME):
        found = await read(history.client, path, headers, **RANGE)
        assert [s["partner_id"] for s in found["shares"]] == ["partner-whole"]
        assert [p["partner_id"] for p in found["payments"]] == ["partner-skills", "partner-whole"]
    mine = await read(history.client, path, PARTNER, **RANGE)
    assert ([s["partner_id"] for s in mine["shares"]], [p["partner_id"] for p in mine["payments"]]) == (
        ["partner-whole"], ["partner-whole"],
    )
    skills = await read(history.client, path, OTHER_PARTNER, **RANGE)
    assert (skills["shares"], [p["partner_id"] for p in skills["payments"]]) == ([], ["partner-skills"])
    council = await read(history.client, path, COUNCIL, **RANGE)  # an SLA partner: no share, nothing paid
    assert (council["shares"], council["payments"]) == ([], [])
    for headers in (SOUTH, LIBRARY):
        problem(await history.client.get(path, params=RANGE, headers=headers), 404)
    for headers in (JCP, TPPM, *DWP_OTHERS):
        problem(await history.client.get(path, params=RANGE, headers=headers), 403)
    for headers in ({}, FORGED):
        problem(await history.client.get(path, params=RANGE, headers=headers), 401)
    problem(await history.client.get(
        "/contracts/01900000-0000-7000-8000-000000000404/supply-chain-health", params=RANGE, headers=DWP), 404)


BAD_RANGES: list[tuple[dict[str, Any], str, str]] = [
    ({"to_month": "2027-01"}, "query.from_month", "invalid-request"),
    ({"from_month": "2027-01"}, "query.to_month", "invalid-request"),
    ({"from_month": "2027-13", "to_month": "2027-12"}, "query.from_month", "invalid-request"),
    ({"from_month": "2027-1", "to_month": "2027-12"}, "query.from_month", "invalid-request"),
    ({"from_month": "2027-01", "to_month": "2027-01-31"}, "query.to_month", "invalid-request"),
    ({"from_month": "2027-02", "to_month": "2027-01"}, "query.to_month", "invalid-month-range"),
    ({"from_month": "2027-01", "to_month": "2032-01"}, "query.to_month", "invalid-month-range"),
    ({"from_month": "0999-12", "to_month": "1000-01"}, "query.from_month", "invalid-month-range"),
    ({"from_month": "2027-01", "to_month": "2027-01", "contract_id": "not an id"}, "query.contract_id",
     "invalid-request"),
]


@pytest.mark.parametrize(("params", "field", "expected"), BAD_RANGES)
async def test_bad_parameters_are_named(service: Service, params: dict[str, Any], field: str, expected: str) -> None:
    """Checked before anything is looked up: the prime and contract here need not exist."""
    paths = ["/referral-flows", f"/referral-flows/{PRIME_ID}"]
    if "contract_id" not in params:
        paths.append("/contracts/01900000-0000-7000-8000-000000000404/supply-chain-health")
    for path in paths:
        async with service.writes_nothing():
            body = problem(await service.client.get(path, params=params, headers=DWP), 422, field=field)
        assert slug(body) == expected, path

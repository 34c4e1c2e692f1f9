"""Intake: a JCP referrer refers a claimant to a prime's contract; the NI number is checked, and retries are safe."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from .builders import (
    AUDITOR,
    DWP,
    JCP,
    OTHER_JCP,
    PRIME,
    TPPM,
    WHOLE,
    Chain,
    Stack,
    assert_valid_events,
    nino,
    problem,
    refer,
    referral_body,
    slug,
    today,
)


async def test_a_jcp_referrer_refers_a_claimant_to_a_primes_contract(stack: Stack, chain: Chain) -> None:
    body = referral_body(chain.contract_id, 7)

    response = await stack.client.post("/referrals", json=body, headers=JCP)

    assert response.status_code == 201, response.text
    referral = response.json()
    assert response.headers["location"] == f"/referrals/{referral['referral_id']}"
    assert referral | {"referral_id": None, "claimant_ref": None, "received_at": None} == {
        **body, "national_insurance_number": nino(7), "referral_id": None, "prime_id": "prime-north",
        "referrer_id": "jcp-leeds", "claimant_ref": None, "status": "referred", "started_on": None,
        "rejection_reason": None, "withdrawal_reason": None, "allocation": None, "received_at": None,
    }
    assert referral["claimant_ref"].startswith("clm_")
    assert referral["received_at"].endswith(("Z", "+00:00"))
    assert (await stack.client.get(f"/referrals/{referral['referral_id']}", headers=JCP)).json() == referral
    [event] = await stack.referral.events()
    assert event["type"] == "referral.received" and event["producer"] == "referral"
    assert (event["journey_id"], event["claimant_ref"]) == (referral["referral_id"], referral["claimant_ref"])
    assert event["actor"] == {"organisation_id": "jcp-leeds", "organisation_kind": "jcp", "role": "referrer",
                              "user": "jcp-leeds-user"}
    assert event["data"] == {
        "referral_id": referral["referral_id"], "contract_id": chain.contract_id, "prime_id": "prime-north",
        "referrer_id": "jcp-leeds", "benefit_type": "ESA", "payment_group": 6, "mandatory": True,
        "needs": ["mental_health"], "postcode_district": "LS1", "referral_date": body["referral_date"],
    }
    assert_valid_events(await stack.referral.events())


@pytest.mark.parametrize(
    "headers", [TPPM, PRIME, WHOLE, DWP, AUDITOR], ids=["jcp-tppm", "prime", "partner", "dwp", "dwp-auditor"]
)
async def test_only_a_jcp_referrer_refers(stack: Stack, chain: Chain, headers: dict[str, str]) -> None:
    async with stack.referral.writes_nothing():
        response = await stack.client.post("/referrals", json=referral_body(chain.contract_id), headers=headers)
    problem(response, 403)


BAD_NINOS = {
    "five-digits": ("AB 12 34 5 C", "two prefix letters, six digits"),
    "seven-digits": ("AB1234567C", "two prefix letters, six digits"),
    "bad-suffix": ("AB 12 34 56 E", "suffix A-D"),
    "prefix-DA": ("DA 12 34 56 C", "never prefix letters"),
    "prefix-QQ": ("QQ123456C", "never prefix letters"),
    "O-second": ("AO123456C", "nor O the second"),
    "unallocated-BG": ("BG 12 34 56 A", "prefix BG is never allocated"),
    "temporary-TN": ("TN123456A", "prefix TN is never allocated"),
    "too-short": ("AB12345", "at least 9 characters"),
    "too-long": ("AB 12 34 56 C 12 34 56", "at most 20 characters"),
}


async def test_a_bad_ni_number_is_refused_without_echoing_it(
    stack: Stack, chain: Chain, subtests: pytest.Subtests
) -> None:
    for case, (raw, why) in BAD_NINOS.items():
        with subtests.test(case):
            async with stack.referral.writes_nothing():
                response = await stack.client.post(
                    "/referrals", json=referral_body(chain.contract_id, national_insurance_number=raw), headers=JCP
                )

            body = problem(response, 422, field="body.national_insurance_number")
            [error] = [e for e in body["errors"] if e["field"] == "body.national_insurance_number"]
            assert why in error["message"]
            assert raw not in response.text and raw.replace(" ", "") not in response.text


async def test_an_ni_number_in_lower_case_with_spaces_is_normalised(stack: Stack, chain: Chain) -> None:
    loose = await refer(stack, chain, national_insurance_number="jk 00 00 42 b")
    pasted = await refer(stack, chain, national_insurance_number=" Jk 00 00 42\tB ")
    tight = await refer(stack, chain, national_insurance_number="JK000042B")

    assert {r["national_insurance_number"] for r in (loose, pasted, tight)} == {"JK000042B"}
    assert {r["claimant_ref"] for r in (loose, pasted, tight)} == {tight["claimant_ref"]}  # one claimant, one ref
    assert len({r["referral_id"] for r in (loose, pasted, tight)}) == 3


UNFIT = {
    "jsa-in-esa-group": ({"benefit_type": "JSA", "payment_group": 6}, "body.payment_group"),
    "esa-in-jsa-group": ({"benefit_type": "ESA", "payment_group": 1}, "body.payment_group"),
    "ib-in-esa-group": ({"benefit_type": "IB", "payment_group": 7}, "body.payment_group"),
    "group-10": ({"payment_group": 10}, "body.payment_group"),
    "unknown-benefit": ({"benefit_type": "UC"}, "body.benefit_type"),
    "full-postcode": ({"postcode_district": "LS1 4AB"}, "body.postcode_district"),
    "free-text-need": ({"needs": ["feeling low since the accident"]}, "body.needs.0"),
    "not-a-bool": ({"mandatory": "perhaps"}, "body.mandatory"),
    "not-a-date": ({"referral_date": "13/05/2026"}, "body.referral_date"),
    "empty-contract": ({"contract_id": ""}, "body.contract_id"),
    "missing-benefit": ({"benefit_type": None}, "body.benefit_type"),
}


async def test_a_referral_that_does_not_fit_names_the_field(
    stack: Stack, chain: Chain, subtests: pytest.Subtests
) -> None:
    for case, (overrides, field) in UNFIT.items():
        with subtests.test(case):
            async with stack.referral.writes_nothing():
                response = await stack.client.post(
                    "/referrals", json={**referral_body(chain.contract_id), **overrides}, headers=JCP
                )
            problem(response, 422, field=field)


async def test_a_referral_to_an_unknown_contract_is_refused(stack: Stack, chain: Chain) -> None:
    async with stack.referral.writes_nothing():
        response = await stack.client.post("/referrals", json=referral_body("no-such-contract"), headers=JCP)
    assert slug(problem(response, 422, field="body.contract_id")) == "unknown-contract"


@pytest.mark.parametrize(
    ("referral_date", "expected"),
    [(lambda: today() + timedelta(days=1), "date-in-future"), (lambda: date(2000, 1, 3), "contract-not-live")],
    ids=["tomorrow", "before-the-contract"],
)
async def test_a_referral_date_in_the_future_or_outside_the_contract_is_refused(
    stack: Stack, chain: Chain, referral_date: Any, expected: str
) -> None:
    body = referral_body(chain.contract_id, referral_date=referral_date().isoformat())
    async with stack.referral.writes_nothing():
        response = await stack.client.post("/referrals", json=body, headers=JCP)
    assert slug(problem(response, 422, field="body.referral_date")) == expected


async def test_a_district_in_lower_case_is_normalised(stack: Stack, chain: Chain) -> None:
    referral = await refer(stack, chain, postcode_district=" ls1 ")
    assert referral["postcode_district"] == "LS1"


async def test_a_retry_with_the_same_idempotency_key_replays_the_first_response(stack: Stack, chain: Chain) -> None:
    body = referral_body(chain.contract_id, 3)
    key = {"Idempotency-Key": "2f1c7a0e-retry-1"}

    first = await stack.client.post("/referrals", json=body, headers={**JCP, **key})
    again = await stack.client.post("/referrals", json=body, headers={**JCP, **key})
    # The same body in another spelling is the same request.
    respelt = await stack.client.post(
        "/referrals", json={**body, "national_insurance_number": nino(3).lower()}, headers={**JCP, **key}
    )

    assert first.status_code == again.status_code == respelt.status_code == 201
    assert "idempotent-replay" not in first.headers
    assert again.headers["idempotent-replay"] == "true" and respelt.headers["idempotent-replay"] == "true"
    assert again.json() == respelt.json() == first.json()
    assert again.headers["location"] == first.headers["location"]
    assert (await stack.referral.counts())["referrals"] == 1
    assert len(await stack.referral.events("referral.received")) == 1

    async with stack.referral.writes_nothing():
        reused = await stack.client.post(
            "/referrals", json={**body, "payment_group": 5}, headers={**JCP, **key}
        )
    assert slug(problem(reused, 422, field="header.Idempotency-Key")) == "idempotency-key-reused"

    # A colleague in the same office without the referrer role cannot replay it to read the NI number.
    replayed_by_tppm = await stack.client.post("/referrals", json=body, headers={**TPPM, **key})
    problem(replayed_by_tppm, 403)

    # Keys belong to the organisation that sent them: another office's key is another request.
    other = await stack.client.post("/referrals", json=body, headers={**OTHER_JCP, **key})
    assert other.status_code == 201 and "idempotent-replay" not in other.headers
    assert other.json()["referral_id"] != first.json()["referral_id"]
    # Without a key, a repeat is a new referral.
    await refer(stack, chain, 3)
    await refer(stack, chain, 3)
    assert (await stack.referral.counts())["referrals"] == 4
    assert_valid_events(await stack.referral.events())


@pytest.mark.parametrize("key", ["", "k" * 201, "line\nbreak"], ids=["empty", "too-long", "unprintable"])
async def test_an_invalid_idempotency_key_is_a_bad_request(stack: Stack, chain: Chain, key: str) -> None:
    async with stack.referral.writes_nothing():
        response = await stack.client.post(
            "/referrals", json=referral_body(chain.contract_id), headers={**JCP, "Idempotency-Key": key}
        )
    problem(response, 400, field="header.Idempotency-Key")

"""The claimant's NI number: in full only to the referring office and the prime, masked for everyone else, never in
an event, and never stored in plain text; events name the claimant by pseudonym only."""

from __future__ import annotations

import json

from .builders import (
    AUDITOR,
    DWP,
    JCP,
    MIND,
    PRIME,
    PRIME_ADVISER,
    TPPM,
    WHOLE,
    Chain,
    Stack,
    allocate,
    assert_valid_events,
    nino,
    refer,
    referral_body,
    start,
    started,
)


# The ways an NI number could leak into text: as sent, normalised, in lower case.
def spellings(n: int) -> list[str]:
    return [nino(n), nino(n, spaced=True), nino(n).lower(), nino(n, spaced=True).lower()]


async def test_the_ni_number_is_in_full_for_the_referrer_and_prime_and_masked_for_others(
    stack: Stack, chain: Chain
) -> None:
    referral = await started(stack, chain, 11)
    assert (await allocate(stack, referral, delivery="partner", partner_id="partner-whole")).status_code == 200
    path = f"/referrals/{referral['referral_id']}"

    seen = {
        name: (await stack.client.get(path, headers=headers)).json()["national_insurance_number"]
        for name, headers in {"jcp": JCP, "tppm": TPPM, "prime": PRIME, "adviser": PRIME_ADVISER, "partner": WHOLE,
                              "dwp": DWP, "auditor": AUDITOR}.items()
    }

    assert seen == {"jcp": nino(11), "tppm": nino(11), "prime": nino(11), "adviser": nino(11),
                    "partner": "JK******B", "dwp": "JK******B", "auditor": "JK******B"}
    [listed] = (await stack.client.get("/referrals", headers=WHOLE)).json()["items"]
    assert listed["national_insurance_number"] == "JK******B"
    [listed] = (await stack.client.get("/referrals", headers=PRIME)).json()["items"]
    assert listed["national_insurance_number"] == nino(11)


async def _journey(stack: Stack, chain: Chain) -> None:
    """Every kind of referral event, with the NI numbers 21 to 24, one of them sent with an Idempotency-Key."""
    keyed = {**JCP, "Idempotency-Key": "privacy-journey-1"}
    first = await refer(stack, chain, 21, headers=keyed)
    retry = await stack.client.post("/referrals", json=referral_body(chain.contract_id, 21), headers=keyed)
    assert retry.status_code == 201 and retry.json() == first
    await start(stack, first)
    await allocate(stack, first, delivery="partner", partner_id="partner-whole")
    moved = await stack.client.post(
        f"/referrals/{first['referral_id']}/reallocation",
        json={"delivery": "partner", "partner_id": "partner-mind", "reason": "client_needs_changed",
              "note": "claimant disclosed a condition"},
        headers=PRIME,
    )
    assert moved.status_code == 200, moved.text
    assert (await stack.client.get(f"/referrals/{first['referral_id']}", headers=MIND)).status_code == 200
    withdrawn = await stack.client.post(
        f"/referrals/{first['referral_id']}/withdrawal", json={"reason": "left_benefit"}, headers=PRIME
    )
    assert withdrawn.status_code == 200, withdrawn.text
    rejected = await refer(stack, chain, 22, national_insurance_number=nino(22).lower())
    response = await stack.client.post(
        f"/referrals/{rejected['referral_id']}/rejection",
        json={"reason": "other", "note": "already attends a college course"},
        headers=PRIME,
    )
    assert response.status_code == 200, response.text
    in_house = await started(stack, chain, 23)
    assert (await allocate(stack, in_house, delivery="in_house")).status_code == 200
    await refer(stack, chain, 24, national_insurance_number=nino(24, spaced=True).lower())


async def test_no_event_carries_the_ni_number_and_every_journey_event_names_its_claimant_by_pseudonym(
    stack: Stack, chain: Chain
) -> None:
    await _journey(stack, chain)

    payloads = await stack.referral.raw_outbox()
    events = await stack.referral.events()

    assert sorted({e["type"] for e in events}) == [
        "referral.allocated", "referral.reallocated", "referral.received", "referral.rejected", "referral.started",
        "referral.withdrawn",
    ]
    for payload in payloads:
        for n in (21, 22, 23, 24):
            for spelling in spellings(n):
                assert spelling not in payload
    # Free-text notes stay in the referral service too.
    assert not any("college" in p or "disclosed" in p for p in payloads)
    refs = {r["referral_id"]: r["claimant_ref"]
            for r in (await stack.client.get("/referrals", headers=PRIME)).json()["items"]}
    for event in events:
        assert event["journey_id"] in refs
        assert event["claimant_ref"] == refs[event["journey_id"]]
    assert_valid_events(events)


async def test_the_ni_number_is_stored_only_sealed(stack: Stack, chain: Chain) -> None:
    await _journey(stack, chain)

    rows = await stack.referral.rows()

    text = json.dumps(rows, default=str)
    for n in (21, 22, 23, 24):
        for spelling in spellings(n):
            assert spelling not in text, f"an NI number is stored in plain text: {spelling}"
    assert len(rows["referrals"]) == 4
    assert all(r["nino_sealed"] and r["claimant_ref"].startswith("clm_") for r in rows["referrals"])


async def test_a_referral_with_an_idempotency_key_encrypts_its_ni_number_once(stack: Stack, chain: Chain) -> None:
    vault = stack.referral.app.state.nino_vault
    sealed: list[str] = []
    seal = vault.seal

    def counting_seal(value: str) -> str:
        sealed.append(value)
        return seal(value)

    vault.seal = counting_seal
    try:
        headers = {**JCP, "Idempotency-Key": "seal-once"}
        first = await stack.client.post("/referrals", json=referral_body(chain.contract_id, 31), headers=headers)
        again = await stack.client.post("/referrals", json=referral_body(chain.contract_id, 31), headers=headers)
    finally:
        vault.seal = seal

    assert first.status_code == again.status_code == 201
    assert again.json()["national_insurance_number"] == first.json()["national_insurance_number"] == nino(31)
    assert sealed == [nino(31)]  # the referral and its idempotency record share one ciphertext

"""Who sees which referral: a partner those allocated to it, JCP those it referred, a prime its own, DWP all —
and DWP auditors change nothing. Another organisation's referral answers exactly like a missing one."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from .builders import (
    AUDITOR,
    DWP,
    IDLE,
    JCP,
    MIND,
    OTHER_JCP,
    OTHER_PRIME,
    PRIME,
    WHOLE,
    Chain,
    Stack,
    allocate,
    problem,
    refer,
    referral_body,
    start,
    today,
    visible_ids,
)


@dataclass(frozen=True)
class Referrals:
    whole: str  # jcp-leeds → prime-north, allocated to partner-whole
    mind: str  # jcp-leeds → prime-north, allocated to partner-mind
    bradford: str  # jcp-bradford → prime-north, referred only
    south: str  # jcp-leeds → prime-south

    @property
    def all(self) -> set[str]:
        return {self.whole, self.mind, self.bradford, self.south}


@pytest.fixture
async def referrals(stack: Stack, chain: Chain) -> Referrals:
    whole = await start(stack, await refer(stack, chain, 1))
    assert (await allocate(stack, whole, delivery="partner", partner_id="partner-whole")).status_code == 200
    mind = await start(stack, await refer(stack, chain, 2, postcode_district="LS9", payment_group=7))
    assert (await allocate(stack, mind, delivery="partner", partner_id="partner-mind")).status_code == 200
    bradford = await refer(stack, chain, 3, headers=OTHER_JCP, benefit_type="JSA", payment_group=2)
    south = await refer(stack, chain, 4, contract_id=chain.other_contract["contract_id"])
    return Referrals(whole["referral_id"], mind["referral_id"], bradford["referral_id"], south["referral_id"])


async def test_each_party_lists_only_the_referrals_it_may_see(stack: Stack, referrals: Referrals) -> None:
    r = referrals
    expected = {
        "dwp": (DWP, r.all),
        "auditor": (AUDITOR, r.all),
        "prime": (PRIME, {r.whole, r.mind, r.bradford}),
        "other-prime": (OTHER_PRIME, {r.south}),
        "jcp": (JCP, {r.whole, r.mind, r.south}),
        "other-jcp": (OTHER_JCP, {r.bradford}),
        "partner-whole": (WHOLE, {r.whole}),
        "partner-mind": (MIND, {r.mind}),
        "partner-idle": (IDLE, set()),
    }
    seen = {name: await visible_ids(stack, headers) for name, (headers, _) in expected.items()}
    assert seen == {name: ids for name, (_, ids) in expected.items()}
    # Paging by one finds the same, and in order of id.
    assert await visible_ids(stack, AUDITOR, limit=1) == r.all
    first = (await stack.client.get("/referrals", params={"limit": 2}, headers=DWP)).json()
    assert [x["referral_id"] for x in first["items"]] == sorted(r.all)[:2] and first["next_cursor"]


async def test_a_filter_narrows_what_the_caller_sees_and_never_widens_it(stack: Stack, referrals: Referrals) -> None:
    r = referrals
    assert await visible_ids(stack, WHOLE, partner_id="partner-mind") == set()
    assert await visible_ids(stack, PRIME, prime_id="prime-south") == set()
    assert await visible_ids(stack, DWP, prime_id="prime-south") == {r.south}
    assert await visible_ids(stack, DWP, partner_id="partner-mind") == {r.mind}
    assert await visible_ids(stack, PRIME, status="referred") == {r.bradford}
    assert await visible_ids(stack, PRIME, status="started") == {r.whole, r.mind}
    assert await visible_ids(stack, JCP, payment_group=7) == {r.mind}
    assert await visible_ids(stack, AUDITOR, benefit_type="JSA") == {r.bradford}
    assert await visible_ids(stack, JCP, referred_from=today().isoformat(), referred_to=today().isoformat()) == {
        r.whole, r.mind, r.south
    }
    problem(await stack.client.get("/referrals", params={"status": "lost"}, headers=DWP), 422, field="query.status")
    problem(await stack.client.get("/referrals", params={"payment_group": 10}, headers=DWP), 422,
            field="query.payment_group")
    problem(await stack.client.get("/referrals", params={"cursor": "a"}, headers=DWP), 400, field="query.cursor")


async def test_another_organisations_referral_is_not_found(stack: Stack, referrals: Referrals) -> None:
    r = referrals
    for headers, hidden in [
        (MIND, r.whole), (WHOLE, r.mind), (IDLE, r.whole), (OTHER_PRIME, r.whole), (PRIME, r.south),
        (OTHER_JCP, r.whole), (JCP, r.bradford),
    ]:
        for path in (f"/referrals/{hidden}", f"/referrals/{hidden}/allocations"):
            response = await stack.client.get(path, headers=headers)
            assert problem(response, 404)["detail"] == f"No referral {hidden} that you can see."
    for headers, mine in [(WHOLE, r.whole), (MIND, r.mind), (OTHER_PRIME, r.south), (OTHER_JCP, r.bradford)]:
        assert (await stack.client.get(f"/referrals/{mine}", headers=headers)).status_code == 200


async def test_a_dwp_auditor_reads_everything_and_changes_nothing(
    stack: Stack, chain: Chain, referrals: Referrals
) -> None:
    r = referrals
    for rid in r.all:
        got = await stack.client.get(f"/referrals/{rid}", headers=AUDITOR)
        assert got.status_code == 200
        assert got.json()["national_insurance_number"] == "JK******B"
    assert len((await stack.client.get(f"/referrals/{r.whole}/allocations", headers=AUDITOR)).json()) == 1
    unallocated = (await start(stack, await refer(stack, chain, 9)))["referral_id"]

    async with stack.referral.writes_nothing():
        writes = [
            await stack.client.post("/referrals", json=referral_body(chain.contract_id, 10), headers=AUDITOR),
            await stack.client.post(f"/referrals/{r.bradford}/start", json={"started_on": today().isoformat()},
                                    headers=AUDITOR),
            await stack.client.post(f"/referrals/{r.bradford}/rejection", json={"reason": "ineligible"},
                                    headers=AUDITOR),
            await stack.client.post(f"/referrals/{unallocated}/allocation", json={"delivery": "in_house"},
                                    headers=AUDITOR),
            await stack.client.post(f"/referrals/{r.whole}/reallocation",
                                    json={"delivery": "in_house", "reason": "other"}, headers=AUDITOR),
            await stack.client.post(f"/referrals/{r.whole}/withdrawal", json={"reason": "left_benefit"},
                                    headers=AUDITOR),
        ]

    for response in writes:
        problem(response, 403)

"""Who sees which complaint: its parties only (DWP, the prime, the referring JCP district, the provider complained
about). Another prime, another district, a partner of another case: 404, exactly as for a missing one, never a word
of it. An auditor reads and changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from scx_testing.journeys import Referral

from .builders import (
    AUDITOR,
    DWP,
    IDLE,
    JCP,
    MIND,
    OTHER_JCP,
    OTHER_PRIME,
    PRIME,
    STRANGERS,
    TPPM,
    WHOLE,
    Stack,
    days_ago,
    listed_ids,
    problem,
    slug,
    today,
)
from .test_complaints_journey import WORDS, answer, complaint_body, escalate, ok, raise_complaint, resolve


@dataclass(frozen=True)
class Complaints:
    whole: str  # about partner-whole, raised with it, escalated to the TPPM
    mind: str  # about partner-mind, raised with JCP
    prime: str  # about prime-north (in-house), resolved
    whole_referral: Referral
    mind_case: str

    @property
    def whole_case(self) -> str:
        return self.whole_referral.referral_id

    @property
    def all(self) -> set[str]:
        return {self.whole, self.mind, self.prime}


@pytest.fixture
async def complaints(stack: Stack) -> Complaints:
    whole_case = await stack.open_case(referral_date=days_ago(20), partner="partner-whole")
    mind_case = await stack.open_case(referral_date=days_ago(20), partner="partner-mind")
    prime_case = await stack.open_case(referral_date=days_ago(20))
    whole = (await raise_complaint(stack, whole_case.referral_id, WHOLE, raised_on=days_ago(15)))["complaint_id"]
    ok(await escalate(stack, whole, WHOLE, "tppm"))
    mind = (await raise_complaint(stack, mind_case.referral_id, JCP, raised_with="jcp", category="accessibility",
                                  raised_on=days_ago(5)))["complaint_id"]
    prime = (await raise_complaint(stack, prime_case.referral_id, PRIME, category="contractual"))["complaint_id"]
    ok(await resolve(stack, prime, PRIME, outcome="not_upheld"))
    return Complaints(whole, mind, prime, whole_case, mind_case.referral_id)


async def listed(stack: Stack, headers: dict[str, str], **params: Any) -> set[str]:
    return await listed_ids(stack, "/complaints", headers, "complaint_id", **params)


async def test_each_party_lists_only_its_complaints(stack: Stack, complaints: Complaints) -> None:
    c = complaints
    expected = {
        "contract manager": (DWP, c.all), "auditor": (AUDITOR, c.all), "tppm": (TPPM, c.all),
        "referrer": (JCP, c.all), "prime": (PRIME, c.all), "partner-whole": (WHOLE, {c.whole}),
        "partner-mind": (MIND, {c.mind}), "another prime": (OTHER_PRIME, set()), "another district": (OTHER_JCP, set()),
        "an unrelated partner": (IDLE, set()),
    }
    seen = {name: await listed(stack, headers) for name, (headers, _) in expected.items()}
    assert seen == {name: ids for name, (_, ids) in expected.items()}
    assert await listed(stack, DWP, limit=1) == c.all  # paging by one finds them all
    page = ok(await stack.client.get("/complaints", params={"limit": 2}, headers=DWP))
    assert [x["complaint_id"] for x in page["items"]] == sorted(c.all)[:2] and page["next_cursor"]


async def test_filters_narrow_and_never_widen(stack: Stack, complaints: Complaints) -> None:
    c = complaints
    assert await listed(stack, TPPM, level="tppm") == {c.whole, c.mind}
    assert await listed(stack, TPPM, level="tppm", raised_with="jcp") == {c.mind}
    assert await listed(stack, DWP, status="resolved") == {c.prime}
    assert await listed(stack, DWP, status="open") == {c.whole, c.mind}
    assert await listed(stack, DWP, category="contractual") == {c.prime}
    assert await listed(stack, PRIME, provider_id="partner-mind") == {c.mind}
    assert await listed(stack, WHOLE, provider_id="partner-mind") == set()
    assert await listed(stack, DWP, raised_from=days_ago(15).isoformat(), raised_to=days_ago(5).isoformat()) == {
        c.whole, c.mind,
    }
    assert await listed(stack, DWP, raised_from=days_ago(14).isoformat()) == {c.mind, c.prime}
    assert await listed(stack, DWP, raised_to=days_ago(16).isoformat()) == set()
    for params, field in [
        ({"status": "closed"}, "query.status"), ({"level": "minister"}, "query.level"),
        ({"category": "rude"}, "query.category"), ({"raised_from": "yesterday"}, "query.raised_from"),
        ({"provider_id": "Partner Whole"}, "query.provider_id"), ({"colour": "red"}, "query.colour"),
    ]:
        problem(await stack.client.get("/complaints", params=params, headers=DWP), 422, field=field)
    problem(await stack.client.get("/complaints", params={"cursor": "a"}, headers=DWP), 400, field="query.cursor")


async def test_a_stranger_gets_404_and_never_a_word(stack: Stack, complaints: Complaints) -> None:
    c = complaints
    hidden = [*((headers, c.whole, c.whole_case) for headers in STRANGERS.values()),
              (MIND, c.whole, c.whole_case), (WHOLE, c.mind, c.mind_case)]
    async with stack.service.writes_nothing():
        for headers, complaint_id, case_id in hidden:
            responses = [
                await stack.client.get(f"/complaints/{complaint_id}", headers=headers),
                await answer(stack, complaint_id, headers),
                await escalate(stack, complaint_id, headers, "contract_manager"),
                await resolve(stack, complaint_id, headers),
            ]
            for response in responses:
                assert problem(response, 404)["detail"] == f"No complaint {complaint_id} that you can see."
                assert WORDS not in response.text
            on_case = [
                await stack.client.get(f"/cases/{case_id}/complaints", headers=headers),
                await stack.client.post(f"/cases/{case_id}/complaints", json=complaint_body(), headers=headers),
            ]
            for response in on_case:
                problem(response, 404)
    # partner-mind's case has none of partner-whole's complaints, and the reverse
    assert ok(await stack.client.get(f"/cases/{c.mind_case}/complaints", headers=MIND))["items"][0]["words"] == WORDS


async def test_the_auditor_reads_everything_and_changes_nothing(stack: Stack, complaints: Complaints) -> None:
    c = complaints
    for complaint_id in c.all:
        assert ok(await stack.client.get(f"/complaints/{complaint_id}", headers=AUDITOR))["words"] == WORDS
    async with stack.service.writes_nothing():
        responses = [
            await stack.client.post(f"/cases/{c.whole_case}/complaints", json=complaint_body(), headers=AUDITOR),
            await stack.client.post(f"/cases/{c.whole_case}/complaints", json=complaint_body("jcp"), headers=AUDITOR),
            await answer(stack, c.whole, AUDITOR),
            await escalate(stack, c.whole, AUDITOR, "contract_manager"),
            await resolve(stack, c.mind, AUDITOR),
            await stack.client.post(f"/cases/{c.whole_case}/feedback", json={"score": 3,
                                    "given_on": today().isoformat()}, headers=AUDITOR),
        ]
    assert [r.status_code for r in responses] == [403] * 6


async def test_only_the_deliverer_raises_with_the_provider_and_only_the_district_with_jcp(
    stack: Stack, complaints: Complaints
) -> None:
    c = complaints
    path = f"/cases/{c.whole_case}/complaints"
    async with stack.service.writes_nothing():
        refused = [
            await stack.client.post(path, json=complaint_body(), headers=PRIME),  # reads it, does not deliver
            await stack.client.post(path, json=complaint_body(), headers=JCP),
            await stack.client.post(path, json=complaint_body(), headers=DWP),
            await stack.client.post(path, json=complaint_body("jcp"), headers=WHOLE),
            await stack.client.post(path, json=complaint_body("jcp"), headers=PRIME),
        ]
    for response in refused:
        assert slug(problem(response, 403)) == "not-complaint-party"
    await raise_complaint(stack, c.whole_case, TPPM, raised_with="jcp")


async def test_the_provider_complained_about_keeps_its_complaint_after_a_reallocation(
    stack: Stack, complaints: Complaints
) -> None:
    """partner-whole's complaint stays partner-whole's to see; partner-mind, delivering now, is no party to it."""
    c = complaints
    await stack.allocate(c.whole_referral, "partner-mind")
    assert ok(await stack.client.get(f"/complaints/{c.whole}", headers=WHOLE))["provider_id"] == "partner-whole"
    assert ok(await stack.client.get(f"/cases/{c.whole_case}/complaints", headers=WHOLE))["items"][0][
        "complaint_id"] == c.whole
    problem(await stack.client.get(f"/complaints/{c.whole}", headers=MIND), 404)
    assert ok(await stack.client.get(f"/cases/{c.whole_case}/complaints", headers=MIND))["items"] == []
    # and a new complaint with the provider is now partner-mind's to record, not partner-whole's
    refused = await stack.client.post(f"/cases/{c.whole_case}/complaints", json=complaint_body(), headers=WHOLE)
    assert slug(problem(refused, 403)) == "not-complaint-party"
    assert (await raise_complaint(stack, c.whole_case, MIND))["provider_id"] == "partner-mind"

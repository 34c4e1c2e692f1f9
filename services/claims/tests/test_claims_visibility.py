"""Who sees claims: DWP (validators, contract managers, auditors) every prime's; a prime its own; a partner, another
prime and JCP none of them. Lists filter and page; filters narrow, never widen."""

from __future__ import annotations

from datetime import timedelta

from .builders import AUDITOR, CONTRACT_MANAGER, JCP, OTHER_PRIME, PRIME, SKILLS, VALIDATOR, WHOLE, Stack, today
from .claims_builders import approve, new_journey, outcome_of, record_evidence, submitted_claim


async def _ids(stack: Stack, query: str, headers: dict[str, str]) -> list[str]:
    response = await stack.client.get(f"/claims{query}", headers=headers)
    assert response.status_code == 200, response.text
    return [c["claim_id"] for c in response.json()["items"]]


async def test_dwp_and_the_prime_see_the_claim_and_nobody_else(stack: Stack) -> None:
    journey = await new_journey(stack)
    claim = await submitted_claim(stack, journey)
    evidence_id = claim["evidence_ids"][0]
    for headers in (PRIME, VALIDATOR, CONTRACT_MANAGER, AUDITOR):
        assert (await stack.client.get(f"/claims/{claim['claim_id']}", headers=headers)).json() == claim
        assert await _ids(stack, "", headers) == [claim["claim_id"]]
        assert (await stack.client.get(f"/evidence/{evidence_id}", headers=headers)).status_code == 200
    for headers in (OTHER_PRIME, WHOLE, SKILLS, JCP):
        for path in (f"/claims/{claim['claim_id']}", f"/evidence/{evidence_id}"):
            response = await stack.client.get(path, headers=headers)
            assert response.status_code == 404 and claim["case_id"] not in response.text
        assert await _ids(stack, "", headers) == []
        assert await _ids(stack, f"?case_id={claim['case_id']}", headers) == []
        assert (await stack.client.get("/evidence", headers=headers)).json()["items"] == []


async def test_the_list_filters_and_pages(stack: Stack) -> None:
    first, second = await new_journey(stack, hours=["16"] * 13), await new_journey(stack)
    outcome = await submitted_claim(stack, first)
    sustained = await submitted_claim(stack, first, kind="sustained_job_outcome")
    other = await submitted_claim(stack, second)
    assert (await approve(stack, other["claim_id"])).status_code == 200
    yesterday, tomorrow = today() - timedelta(days=1), today() + timedelta(days=1)
    assert await _ids(stack, "?kind=job_outcome", PRIME) == [outcome["claim_id"], other["claim_id"]]
    assert await _ids(stack, "?status=approved", VALIDATOR) == [other["claim_id"]]
    assert await _ids(stack, f"?case_id={first.case_id}", PRIME) == [outcome["claim_id"], sustained["claim_id"]]
    assert len(await _ids(stack, f"?contract_id={first.case.contract_id}", AUDITOR)) == 3
    assert await _ids(stack, f"?submitted_from={tomorrow}", PRIME) == []
    assert len(await _ids(stack, f"?submitted_from={yesterday}&submitted_to={today()}", PRIME)) == 3
    page = (await stack.client.get("/claims?limit=2", headers=PRIME)).json()
    rest = (await stack.client.get(f"/claims?limit=2&cursor={page['next_cursor']}", headers=PRIME)).json()
    assert [c["claim_id"] for c in page["items"] + rest["items"]] == [
        outcome["claim_id"], sustained["claim_id"], other["claim_id"]]
    bad = await stack.client.get("/claims?status=settled", headers=PRIME)
    assert bad.status_code == 422


async def test_the_auditor_reads_everything_and_changes_nothing(stack: Stack) -> None:
    journey = await new_journey(stack, hours=["16"] * 13)
    claim = await submitted_claim(stack, journey)
    entitlement_id = await outcome_of(stack, journey, "sustained_job_outcome")
    evidence_id = await record_evidence(stack, journey)
    async with stack.service.writes_nothing():
        for response in (
            await stack.client.post("/claims", json={"entitlement_id": entitlement_id, "evidence_ids": [evidence_id]},
                                    headers=AUDITOR),
            await stack.client.post(f"/claims/{claim['claim_id']}/approval", json={}, headers=AUDITOR),
            await stack.client.post(f"/claims/{claim['claim_id']}/rejection", json={"reason": "other"},
                                    headers=AUDITOR),
        ):
            assert response.status_code == 403, response.text

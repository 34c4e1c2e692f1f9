"""The evidence register: a prime records what it holds for its journey (what, the job and weeks it covers, how
and when it was obtained, by whom from the token); each rule at its boundary; the description stays here."""

from __future__ import annotations

from datetime import timedelta

from .builders import AUDITOR, OTHER_PRIME, PRIME, PRIME_ADVISER, Stack, assert_valid_events, problem, slug, today
from .claims_builders import evidence_body, new_journey, record_evidence


async def test_a_prime_records_evidence_and_reads_it_back(stack: Stack) -> None:
    journey = await new_journey(stack)
    response = await stack.client.post("/evidence", json=evidence_body(journey), headers=PRIME_ADVISER)
    assert response.status_code == 201, response.text
    held = response.json()
    assert response.headers["Location"] == f"/evidence/{held['evidence_id']}"
    assert (held["case_id"], held["prime_id"], held["kind"], held["job_id"]) == (
        journey.case_id, "prime-north", "payslip", journey.job_id)
    assert held["recorded_by"] == "prime-north" and held["user"]
    assert (await stack.client.get(f"/evidence/{held['evidence_id']}", headers=PRIME)).json() == held
    events = await stack.service.events("claim.evidence_recorded")
    assert_valid_events(events)
    assert events[0]["journey_id"] == journey.case_id
    assert "description" not in events[0]["data"] and "seen and copied" not in str(events)


async def test_the_register_lists_by_journey_job_and_kind(stack: Stack) -> None:
    first, second = await new_journey(stack), await new_journey(stack)
    payslip = await record_evidence(stack, first)
    employer = await record_evidence(stack, first, kind="employer_confirmation", job_id=None, covers_from=None,
                                     covers_to=None)
    other = await record_evidence(stack, second)

    async def listed(query: str) -> list[str]:
        response = await stack.client.get(f"/evidence?{query}", headers=PRIME)
        assert response.status_code == 200, response.text
        return [e["evidence_id"] for e in response.json()["items"]]

    assert await listed(f"case_id={first.case_id}") == [payslip, employer]
    assert await listed(f"case_id={first.case_id}&kind=payslip") == [payslip]
    assert await listed(f"job_id={second.job_id}") == [other]
    page = (await stack.client.get("/evidence?limit=2", headers=PRIME)).json()
    assert len(page["items"]) == 2 and page["next_cursor"]
    rest = (await stack.client.get(f"/evidence?limit=2&cursor={page['next_cursor']}", headers=PRIME)).json()
    assert [e["evidence_id"] for e in rest["items"]] == [other]


async def test_each_date_rule_at_its_boundary(stack: Stack) -> None:
    journey = await new_journey(stack)
    tomorrow = (today() + timedelta(days=1)).isoformat()
    before_referral = (journey.started_on - timedelta(days=1)).isoformat()
    before_job = (journey.job_started_on - timedelta(days=1)).isoformat()
    refused = {
        "obtained tomorrow": ({"obtained_on": tomorrow}, "body.obtained_on", "date-in-future"),
        "obtained before the referral": ({"obtained_on": before_referral}, "body.obtained_on", "date-too-early"),
        "covering tomorrow": ({"covers_to": tomorrow}, "body.covers_to", "date-in-future"),
        "covering before the job": ({"covers_from": before_job}, "body.covers_from", "date-too-early"),
        "covering backwards": ({"covers_to": before_job}, "body.covers_to", "evidence-weeks-invalid"),
        "one end only": ({"covers_to": None}, "body.covers_to", "evidence-weeks-invalid"),
    }
    async with stack.service.writes_nothing():
        for name, (overrides, field, expected) in refused.items():
            response = await stack.client.post("/evidence", json=evidence_body(journey, **overrides), headers=PRIME)
            assert slug(problem(response, 422, field=field)) == expected, name
    # The boundaries themselves are accepted: obtained today and on the referral day; weeks from the job's start.
    await record_evidence(stack, journey, obtained_on=today().isoformat(),
                          covers_from=journey.job_started_on.isoformat(), covers_to=today().isoformat())
    await record_evidence(stack, journey, obtained_on=journey.started_on.isoformat())


async def test_a_job_or_journey_not_the_primes_is_refused_and_nothing_is_written(stack: Stack) -> None:
    journey, other = await new_journey(stack), await new_journey(stack)
    async with stack.service.writes_nothing():
        foreign_job = await stack.client.post("/evidence", json=evidence_body(journey, job_id=other.job_id),
                                              headers=PRIME)
        unknown = await stack.client.post("/evidence", json=evidence_body(journey, case_id="no-such-case"),
                                          headers=PRIME)
        other_prime = await stack.client.post("/evidence", json=evidence_body(journey), headers=OTHER_PRIME)
        unknown_field = await stack.client.post("/evidence", json={**evidence_body(journey), "nino": "QQ123456C"},
                                                headers=PRIME)
        bad_kind = await stack.client.post("/evidence", json=evidence_body(journey, kind="gut_feeling"),
                                           headers=PRIME)
        blank = await stack.client.post("/evidence", json=evidence_body(journey, description=" padded "),
                                        headers=PRIME)
    assert slug(problem(foreign_job, 422, field="body.job_id")) == "job-not-of-journey"
    assert slug(problem(unknown, 422, field="body.case_id")) == "no-such-journey"
    assert slug(problem(other_prime, 422, field="body.case_id")) == "no-such-journey"
    assert "QQ123456C" not in unknown_field.text
    problem(unknown_field, 422, field="body.nino")
    problem(bad_kind, 422, field="body.kind")
    problem(blank, 422, field="body.description")


async def test_an_idempotent_retry_records_the_evidence_once(stack: Stack) -> None:
    journey = await new_journey(stack)
    headers = {**PRIME, "Idempotency-Key": "evidence-retry-1"}
    first = await stack.client.post("/evidence", json=evidence_body(journey), headers=headers)
    again = await stack.client.post("/evidence", json=evidence_body(journey), headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replay"] == "true" and again.json() == first.json()
    assert (await stack.service.counts())["evidence"] == 1
    assert len(await stack.service.events("claim.evidence_recorded")) == 1


async def test_the_auditor_reads_the_register_and_records_nothing(stack: Stack) -> None:
    journey = await new_journey(stack)
    evidence_id = await record_evidence(stack, journey)
    assert (await stack.client.get(f"/evidence/{evidence_id}", headers=AUDITOR)).status_code == 200
    assert [e["evidence_id"] for e in (await stack.client.get("/evidence", headers=AUDITOR)).json()["items"]] == [
        evidence_id]
    async with stack.service.writes_nothing():
        problem(await stack.client.post("/evidence", json=evidence_body(journey), headers=AUDITOR), 403)

"""DWP alone sees samples (a prime that saw which claims are drawn before their checks could act on it): a prime,
a partner and JCP get 404 and empty lists; validating officers draw, check and conclude; the auditor and other DWP
roles read and change nothing."""

from __future__ import annotations

from .builders import (
    AUDITOR,
    CONTRACT_MANAGER,
    JCP,
    OTHER_PRIME,
    PAYMENTS,
    PRIME,
    VALIDATOR,
    WHOLE,
    Stack,
    problem,
)
from .sampling_builders import check, claims_submitted, sample_body


async def test_only_dwp_sees_samples_and_only_validators_act(stack: Stack) -> None:
    await claims_submitted(stack, 2)
    async with stack.service.writes_nothing():
        for headers in (PRIME, WHOLE, JCP, AUDITOR, CONTRACT_MANAGER, PAYMENTS):
            problem(await stack.client.post("/samples", json=sample_body(stack), headers=headers), 403)
    sample = (await stack.client.post("/samples", json=sample_body(stack), headers=VALIDATOR)).json()
    path = f"/samples/{sample['sample_id']}"
    drawn = sample["claims"][0]["claim_id"]
    for headers in (VALIDATOR, AUDITOR, CONTRACT_MANAGER):
        assert (await stack.client.get(path, headers=headers)).json()["sample_id"] == sample["sample_id"]
        assert (await stack.client.get(f"{path}/redraw", headers=headers)).json()["same_as_recorded"] is True
        listed = (await stack.client.get("/samples?stage=pre_payment", headers=headers)).json()["items"]
        assert [s["sample_id"] for s in listed] == [sample["sample_id"]]
    for headers in (PRIME, OTHER_PRIME, WHOLE, JCP):
        for read in (path, f"{path}/redraw"):
            response = await stack.client.get(read, headers=headers)
            assert response.status_code == 404 and sample["seed"] not in response.text
        assert (await stack.client.get("/samples", headers=headers)).json()["items"] == []
    async with stack.service.writes_nothing():
        for headers in (AUDITOR, CONTRACT_MANAGER):
            problem(await check(stack, sample["sample_id"], drawn, True, headers=headers), 403)
            problem(await stack.client.post(f"{path}/conclusion", json={}, headers=headers), 403)
        for headers in (PRIME, WHOLE):
            problem(await check(stack, sample["sample_id"], drawn, True, headers=headers), 404)
            problem(await stack.client.post(f"{path}/conclusion", json={}, headers=headers), 404)


async def test_a_retried_draw_is_the_same_sample(stack: Stack) -> None:
    await claims_submitted(stack, 2)
    headers = {**VALIDATOR, "Idempotency-Key": "draw-2026"}
    first = await stack.client.post("/samples", json=sample_body(stack), headers=headers)
    again = await stack.client.post("/samples", json=sample_body(stack), headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again.headers["Idempotent-Replay"] == "true"
    assert (await stack.service.counts())["samples"] == 1

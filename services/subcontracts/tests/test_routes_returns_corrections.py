"""A second post for a week is a correction: a new version naming the latest one and why, the earlier versions kept.
A stale version, a first post naming one, a second naming none, a reason out of place and one naming a claimant by
an NI number are refused, and change nothing."""

from __future__ import annotations

import pytest

from .builders import Service, problem, slug
from .returns_builders import SKILLS, WHOLE, Chain, chain, csv_file, figures, post, posted, row, upload, weeks_ago


@pytest.fixture
async def supply(service: Service) -> Chain:
    return await chain(service)


async def test_each_correction_is_a_new_version_and_the_old_ones_are_kept(service: Service, supply: Chain) -> None:
    week = weeks_ago(1)
    first = await posted(service.client, supply.whole, week)
    second = await posted(service.client, supply.whole, week, figures=figures(fail_to_attends=5),
                          corrects_version=1, reason="two fail-to-attends were missed")
    third = await posted(service.client, supply.whole, week, figures=figures(fail_to_attends=5, job_starts=1),
                         corrects_version=2, reason="a job start was counted twice")

    assert first["return_id"] == second["return_id"] == third["return_id"]
    read = (await service.client.get(f"/weekly-returns/{first['return_id']}", headers=WHOLE)).json()
    assert read == third
    assert read["latest_version"] == 3 and read["latest"] == read["versions"][-1]
    assert read["first_posted_at"] == first["latest"]["posted_at"]
    assert [(v["version"], v["corrects_version"], v["reason"], v["figures"]) for v in read["versions"]] == [
        (1, None, None, figures()),
        (2, 1, "two fail-to-attends were missed", figures(fail_to_attends=5)),
        (3, 2, "a job start was counted twice", figures(fail_to_attends=5, job_starts=1)),
    ]
    events = await service.events("weekly_stats.posted")
    assert [(e["data"]["version"], e["data"]["corrects_version"], e["data"]["figures"]) for e in events] == [
        (1, None, figures()), (2, 1, figures(fail_to_attends=5)), (3, 2, figures(fail_to_attends=5, job_starts=1)),
    ]
    assert all("reason" not in e["data"] for e in events)  # the reason stays here, as free text does
    listed = (await service.client.get("/weekly-returns", headers=WHOLE)).json()["items"]
    assert [(r["return_id"], r["latest_version"], r["latest"]["version"]) for r in listed] == [
        (first["return_id"], 3, 3)
    ]


async def test_a_correction_naming_a_version_since_corrected_is_a_409_naming_the_latest(
    service: Service, supply: Chain
) -> None:
    week = weeks_ago(1)
    await posted(service.client, supply.whole, week)
    await posted(service.client, supply.whole, week, corrects_version=1, reason="first correction")

    async with service.writes_nothing():
        stale = await post(service.client, supply.whole, week, corrects_version=1, reason="a second view of v1")
        ahead = await post(service.client, supply.whole, week, corrects_version=3, reason="a version not there")

    stale_body = problem(stale, 409, field="body.corrects_version")
    assert (slug(stale_body), stale_body["latest_version"], stale_body["detail"]) == (
        "not-latest-version", 2, "version 1 has been corrected since: the latest is version 2"
    )
    ahead_body = problem(ahead, 409, field="body.corrects_version")
    assert (slug(ahead_body), ahead_body["latest_version"], ahead_body["detail"]) == (
        "not-latest-version", 2, "there is no version 3: the latest is version 2"
    )


async def test_a_first_post_naming_a_version_and_a_second_naming_none_are_409s(
    service: Service, supply: Chain
) -> None:
    async with service.writes_nothing():
        nothing = await post(service.client, supply.whole, weeks_ago(1), corrects_version=1, reason="why")
    await posted(service.client, supply.whole, weeks_ago(1))
    async with service.writes_nothing():
        again = await post(service.client, supply.whole, weeks_ago(1), figures=figures(starts=10))

    nothing_body = problem(nothing, 409, field="body.corrects_version")
    assert (slug(nothing_body), nothing_body["latest_version"]) == ("nothing-to-correct", None)
    again_body = problem(again, 409, field="body.corrects_version")
    assert (slug(again_body), again_body["latest_version"], again_body["detail"]) == (
        "return-already-posted", 1,
        "this week is posted already (version 1): a correction names corrects_version 1 and a reason",
    )


async def test_a_correction_gives_a_reason_and_only_a_correction_does(service: Service, supply: Chain) -> None:
    async with service.writes_nothing():
        reason_on_first = await post(service.client, supply.whole, weeks_ago(1), reason="why not")
    await posted(service.client, supply.whole, weeks_ago(1))
    async with service.writes_nothing():
        no_reason = await post(service.client, supply.whole, weeks_ago(1), corrects_version=1)

    assert problem(reason_on_first, 422, field="body.reason")["errors"] == [{
        "field": "body.reason", "code": "no_correction",
        "message": "only a correction (with corrects_version) gives a reason",
    }]
    assert slug(problem(no_reason, 422, field="body.reason")) == "invalid-weekly-return"


async def test_a_return_is_the_partners_week_of_one_subcontract(service: Service, supply: Chain) -> None:
    week = weeks_ago(1)
    whole = await posted(service.client, supply.whole, week)
    skills = await posted(service.client, supply.skills, week, SKILLS)

    async with service.writes_nothing():
        crossing = await post(service.client, supply.whole, week, SKILLS, corrects_version=1, reason="ours")

    assert whole["return_id"] != skills["return_id"] and skills["latest_version"] == 1
    assert slug(problem(crossing, 422, field="body.subcontract_id")) == "no-such-subcontract"


NINO_SHAPED = (
    "must not hold anything shaped like a National Insurance number (two letters, then six digits): say why, never who"
)


@pytest.mark.parametrize("reason", [
    "Claimant AB123456C John Smith phoned", "re ab 12 34 56 c: a start counted twice", "AB-12-34-56 missed",
])
async def test_a_reason_holding_an_ni_number_is_refused_as_json_and_in_a_file(
    service: Service, supply: Chain, reason: str
) -> None:
    week = weeks_ago(1)
    await posted(service.client, supply.whole, week)
    file = csv_file([row(supply.whole, week, corrects_version=1, reason=f'"{reason}"')])

    async with service.writes_nothing():
        as_json = await post(service.client, supply.whole, week, corrects_version=1, reason=reason)
        in_a_file = await upload(service.client, file)

    assert slug(answer := problem(as_json, 422)) == "invalid-request"
    assert answer["errors"] == [{"field": "body.reason", "message": NINO_SHAPED, "code": "nino_shaped"}]
    assert slug(answer := problem(in_a_file, 422)) == "invalid-upload"
    assert answer["errors"] == [{
        "field": "body.line[2].reason", "message": f"line 2, reason: {NINO_SHAPED}", "code": "nino_shaped",
        "line": 2, "column": "reason",
    }]
    taken = await posted(service.client, supply.whole, week, corrects_version=1, reason="a start on 12 03 was missed")
    assert taken["latest"]["reason"] == "a start on 12 03 was missed"

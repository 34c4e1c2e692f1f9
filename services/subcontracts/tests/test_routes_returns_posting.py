"""A partner posts a week's figures as JSON: which subcontracts and weeks may be posted (the ISO year's edges among
them), every field at its bounds and past them, who may post, and a retry with the same Idempotency-Key."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from scx_contracts.weekly_stats import WEEKLY_FIGURES

from .builders import (
    AUDITOR,
    DWP,
    JCP,
    PRIME,
    PRIME_ADVISER,
    Service,
    agree,
    assert_valid_events,
    award,
    end_to_end,
    problem,
    sla,
    slug,
    today,
)
from .returns_builders import (
    COUNCIL,
    LIBRARY,
    SKILLS,
    STRANGER,
    WHOLE,
    WHOLE_ADVISER,
    Chain,
    body,
    chain,
    figures,
    iso_week,
    monday,
    post,
    posted,
    weeks_ago,
)


@pytest.fixture
async def supply(service: Service) -> Chain:
    return await chain(service)


async def test_a_partner_posts_a_week_and_reads_it_back(service: Service, supply: Chain) -> None:
    week = weeks_ago(1)

    response = await post(service.client, supply.whole, week, figures=figures(fail_to_attends=0))

    assert response.status_code == 201, response.text
    answer = response.json()
    assert response.headers["location"] == f"/weekly-returns/{answer['return_id']}"
    version = answer["latest"]
    assert {k: v for k, v in answer.items() if k not in ("return_id", "first_posted_at", "latest", "versions")} == {
        "subcontract_id": supply.whole["subcontract_id"], "contract_id": supply.contract["contract_id"],
        "prime_id": "prime-north", "partner_id": "partner-whole", "iso_week": week,
        "week_starts": monday(week).isoformat(), "week_ends": (monday(week) + timedelta(days=6)).isoformat(),
        "latest_version": 1, "late": None,
    }
    assert {k: v for k, v in version.items() if k != "posted_at"} == {
        "version": 1, "figures": figures(fail_to_attends=0), "corrects_version": None, "reason": None,
        "source": "api", "posted_by": "partner-whole-user", "timeliness": "no_deadline_set", "late": None,
        "deadline": None, "deadline_revision": None,
    }
    assert answer["versions"] == [version] and version["posted_at"] == answer["first_posted_at"]
    read = await service.client.get(f"/weekly-returns/{answer['return_id']}", headers=WHOLE)
    assert read.status_code == 200 and read.json() == answer
    [event] = await service.events("weekly_stats.posted")
    assert_valid_events([event])
    assert (event["producer"], event["actor"]["organisation_id"], event["occurred_at"]) == (
        "subcontracts", "partner-whole", version["posted_at"]
    )
    assert event["data"] == {
        "return_id": answer["return_id"], "subcontract_id": supply.whole["subcontract_id"],
        "contract_id": supply.contract["contract_id"], "prime_id": "prime-north", "partner_id": "partner-whole",
        "iso_week": week, "version": 1, "corrects_version": None, "figures": figures(fail_to_attends=0),
        "late": None, "deadline": None, "deadline_revision": None,
    }


async def test_end_to_end_specialist_and_sla_partners_post_and_signposting_does_not(
    service: Service, supply: Chain
) -> None:
    week = weeks_ago(2)
    for subcontract, headers in ((supply.whole, WHOLE), (supply.skills, SKILLS), (supply.council, COUNCIL)):
        assert (await post(service.client, subcontract, week, headers)).status_code == 201

    async with service.writes_nothing():
        refused = await post(service.client, supply.library, week, LIBRARY)

    body_ = problem(refused, 422, field="body.subcontract_id")
    assert slug(body_) == "invalid-weekly-return"
    assert body_["errors"] == [{
        "field": "body.subcontract_id", "code": "model",
        "message": "a signposting subcontract posts no weekly statistics: signposting is informal",
    }]


async def test_a_week_that_does_not_exist_or_has_not_ended_is_refused_naming_the_week(
    service: Service, supply: Chain
) -> None:
    this_week = weeks_ago(0)
    async with service.writes_nothing():
        missing = await post(service.client, supply.whole, "2025-W53", figures=figures())
        unfinished = await post(service.client, supply.whole, this_week)
        next_year = await post(service.client, supply.whole, f"{today().year + 1:04d}-W01")

    assert problem(missing, 422, field="body.iso_week")["errors"][0]["message"] == (
        "there is no week 2025-W53: its year has no such week"
    )
    assert problem(unfinished, 422, field="body.iso_week")["errors"][0]["code"] == "week_not_ended"
    assert problem(next_year, 422, field="body.iso_week")["errors"][0]["code"] == "week_not_ended"


def latest_ended(predicate: Any) -> str:
    """The most recent ended ISO week whose Monday passes `predicate`, within the last seven years."""
    for n in range(1, 7 * 53):
        week = weeks_ago(n)
        if predicate(week):
            return week
    raise AssertionError("no such week in seven years")


async def test_week_1_starting_in_december_and_week_53_are_posted_as_iso_weeks(service: Service) -> None:
    supply = await chain(service)
    w01 = latest_ended(lambda w: w.endswith("-W01") and monday(w).month == 12)
    w53 = latest_ended(lambda w: w.endswith("-W53"))
    start = min(monday(w01), monday(w53)) - timedelta(days=3)
    old = await award(service.client, start_date=start.isoformat())
    subcontract = await agree(service.client, old, end_to_end(old))

    answers = [await posted(service.client, subcontract, week) for week in (w01, w53)]

    assert [(a["iso_week"], a["week_starts"], a["week_ends"]) for a in answers] == [
        (w01, monday(w01).isoformat(), (monday(w01) + timedelta(days=6)).isoformat()),
        (w53, monday(w53).isoformat(), (monday(w53) + timedelta(days=6)).isoformat()),
    ]
    assert int(answers[0]["week_starts"][:4]) == int(w01[:4]) - 1  # week 1 begins in the year before
    assert int(answers[1]["week_ends"][:4]) == int(w53[:4]) + 1  # week 53 ends in the year after
    assert supply.whole["subcontract_id"] != subcontract["subcontract_id"]


async def test_only_weeks_overlapping_the_live_dates_are_posted(service: Service, supply: Chain) -> None:
    wednesday = monday(weeks_ago(6)) + timedelta(days=2)
    late_starter = await agree(service.client, supply.contract, sla(
        supply.contract, partner_id="partner-council", start_date=wednesday.isoformat(),
    ))
    ended_on = monday(weeks_ago(3))  # the Monday of a week: the subcontract delivered on that one day
    ended = await service.client.post(
        f"/subcontracts/{supply.whole['subcontract_id']}/termination",
        json={"ended_on": ended_on.isoformat(), "reason": "partner_withdrew"}, headers=PRIME,
    )
    assert ended.status_code == 200, ended.text

    async with service.writes_nothing():
        before_start = await post(service.client, late_starter, weeks_ago(7), COUNCIL)
        after_end = await post(service.client, supply.whole, weeks_ago(2))
    first_week = await post(service.client, late_starter, weeks_ago(6), COUNCIL)
    last_week = await post(service.client, supply.whole, weeks_ago(3))

    assert problem(before_start, 422, field="body.iso_week")["errors"][0]["message"] == (
        f"week {weeks_ago(7)} is outside the subcontract's live dates {wednesday} to {supply.contract['end_date']}"
    )
    assert problem(after_end, 422, field="body.iso_week")["errors"][0]["message"] == (
        f"week {weeks_ago(2)} is outside the subcontract's live dates {supply.contract['start_date']} to {ended_on}"
    )
    assert (first_week.status_code, last_week.status_code) == (201, 201)


@pytest.mark.parametrize("figure", WEEKLY_FIGURES)
async def test_each_figure_at_its_bounds_and_past_them(service: Service, supply: Chain, figure: str) -> None:
    async with service.writes_nothing():
        past = [
            await post(service.client, supply.whole, weeks_ago(1), figures=figures(**{figure: value}))
            for value in (100_001, -1, 2**31)
        ]
        wrong = [
            await post(service.client, supply.whole, weeks_ago(1), figures={**figures(), figure: value})
            for value in ("5", 5.0, True, None)
        ]
        missing = await post(
            service.client, supply.whole, weeks_ago(1), figures={k: v for k, v in figures().items() if k != figure}
        )
    for response in [*past, *wrong, missing]:
        assert problem(response, 422)["errors"][0]["field"] == f"body.figures.{figure}"
    at_top = await posted(service.client, supply.whole, weeks_ago(1), figures=figures(**{figure: 100_000}))
    at_zero = await posted(service.client, supply.whole, weeks_ago(2), figures=figures(**{figure: 0}))
    assert (at_top["latest"]["figures"][figure], at_zero["latest"]["figures"][figure]) == (100_000, 0)


@pytest.mark.parametrize(("field", "value"), [
    ("subcontract_id", "x" * 37),
    ("subcontract_id", ""),
    ("subcontract_id", 5),
    ("iso_week", "2026-W54"),
    ("iso_week", "2026-W00"),
    ("iso_week", "2026-w05"),
    ("iso_week", "2026-W5"),
    ("iso_week", "26-W05"),
    ("iso_week", "2026-05-04"),
    ("iso_week", 202605),
    ("corrects_version", 0),
    ("corrects_version", 2**31),
    ("corrects_version", "1"),
    ("reason", "x" * 501),
    ("reason", ""),
    ("reason", " two missed"),
    ("reason", "two\nmissed"),
    ("reason", "two\u200bmissed"),
])
async def test_other_fields_past_their_bounds_are_named(
    service: Service, supply: Chain, field: str, value: Any
) -> None:
    request = {**body(supply.whole, weeks_ago(1)), field: value}

    async with service.writes_nothing():
        response = await service.client.post("/weekly-returns", json=request, headers=WHOLE)

    problem(response, 422, field=f"body.{field}")


async def test_other_fields_at_their_bounds_are_taken(service: Service, supply: Chain) -> None:
    await posted(service.client, supply.whole, weeks_ago(1))

    longest = await posted(service.client, supply.whole, weeks_ago(1), corrects_version=1, reason="x" * 500)
    highest = await post(service.client, supply.whole, weeks_ago(1), corrects_version=2**31 - 1, reason="y")

    assert longest["latest"]["reason"] == "x" * 500
    assert slug(problem(highest, 409, field="body.corrects_version")) == "not-latest-version"


async def test_an_unknown_field_is_named_and_nothing_is_written(service: Service, supply: Chain) -> None:
    async with service.writes_nothing():
        top = await service.client.post(
            "/weekly-returns", json={**body(supply.whole, weeks_ago(1)), "note": "x"}, headers=WHOLE
        )
        nested = await post(service.client, supply.whole, weeks_ago(1), figures={**figures(), "referrals": 1})

    problem(top, 422, field="body.note")
    problem(nested, 422, field="body.figures.referrals")


@pytest.mark.parametrize("headers", [PRIME, PRIME_ADVISER, DWP, AUDITOR, JCP, WHOLE_ADVISER],
                         ids=["prime", "prime adviser", "dwp", "auditor", "jcp", "partner adviser"])
async def test_only_a_partners_manager_posts(service: Service, supply: Chain, headers: dict[str, str]) -> None:
    async with service.writes_nothing():
        response = await post(service.client, supply.whole, weeks_ago(1), headers)

    assert slug(problem(response, 403)) == "forbidden"


async def test_another_partners_subcontract_answers_exactly_as_a_missing_one(service: Service, supply: Chain) -> None:
    missing_id = "01936b2e-0000-7000-8000-000000000000"
    async with service.writes_nothing():
        others = [await post(service.client, supply.whole, weeks_ago(1), headers) for headers in (SKILLS, STRANGER)]
        missing = await post(service.client, {"subcontract_id": missing_id}, weeks_ago(1), SKILLS)

    expected = problem(missing, 422, field="body.subcontract_id")
    for response in others:
        answer = problem(response, 422, field="body.subcontract_id")
        assert answer == {**expected, "detail": expected["detail"].replace(missing_id, supply.whole["subcontract_id"])}
    assert slug(expected) == "no-such-subcontract"


async def test_a_retry_with_the_same_key_is_answered_as_the_first_and_posts_once(
    service: Service, supply: Chain
) -> None:
    keyed = {**WHOLE, "Idempotency-Key": "whole-week-1"}
    request = body(supply.whole, weeks_ago(1))

    first = await service.client.post("/weekly-returns", json=request, headers=keyed)
    again = await service.client.post("/weekly-returns", json=request, headers=keyed)
    other = await service.client.post("/weekly-returns", json=body(supply.whole, weeks_ago(2)), headers=keyed)
    unkeyed = await service.client.post("/weekly-returns", json=request, headers=WHOLE)

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json() and again.headers["idempotent-replay"] == "true"
    assert again.headers["location"] == first.headers["location"]
    assert problem(other, 422, field="header.Idempotency-Key")["type"].endswith("/idempotency-key-reused")
    assert slug(problem(unkeyed, 409, field="body.corrects_version")) == "return-already-posted"
    assert len(await service.events("weekly_stats.posted")) == 1
    assert (await service.counts())["weekly_return_versions"] == 1


def test_the_helpers_count_weeks_as_iso_weeks() -> None:
    assert iso_week(date(2024, 12, 30)) == "2025-W01"
    assert monday("2026-W53") == date(2026, 12, 28)

"""The prime sets, per contract, when returns are due; each setting is kept. Every version is judged against the
setting in force when it is posted, in London time (BST in summer, GMT in winter); with none set, no version is late
or on time, and the answer says so."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from .builders import (
    AUDITOR,
    DWP,
    JCP,
    OTHER_PRIME,
    PRIME,
    PRIME_ADVISER,
    Service,
    agree,
    assert_valid_events,
    award,
    end_to_end,
    problem,
    slug,
)
from .returns_builders import WHOLE, Chain, chain, monday, posted, set_deadline, weeks_ago

LONDON = ZoneInfo("Europe/London")


def due(week: str, days: int, at: str) -> str:
    """When a week's return is due, worked out here from the London clock, as the API writes it."""
    moment = datetime.combine(monday(week) + timedelta(days=7 + days), time.fromisoformat(at), tzinfo=LONDON)
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


@pytest.fixture
async def supply(service: Service) -> Chain:
    return await chain(service)


def deadline_path(contract: dict[str, Any]) -> str:
    return f"/contracts/{contract['contract_id']}/weekly-return-deadline"


async def test_with_no_deadline_set_no_return_is_late_and_the_answer_says_so(service: Service, supply: Chain) -> None:
    read = await service.client.get(deadline_path(supply.contract), headers=WHOLE)
    answer = await posted(service.client, supply.whole, weeks_ago(30))

    assert read.json() == {
        "contract_id": supply.contract["contract_id"], "deadline_set": False, "current": None, "history": [],
    }
    assert answer["late"] is None
    assert {k: answer["latest"][k] for k in ("timeliness", "late", "deadline", "deadline_revision")} == {
        "timeliness": "no_deadline_set", "late": None, "deadline": None, "deadline_revision": None,
    }


async def test_a_prime_sets_a_deadline_and_each_setting_is_kept(service: Service, supply: Chain) -> None:
    first = await set_deadline(service.client, supply.contract, 2, "17:00")
    same = await set_deadline(service.client, supply.contract, 2, "17:00")
    second = await set_deadline(service.client, supply.contract, 0, "09:30")

    assert (first.status_code, same.status_code, second.status_code) == (200, 200, 200)
    assert same.json() == first.json()
    answer = second.json()
    assert (answer["deadline_set"], answer["current"], len(answer["history"])) == (True, answer["history"][1], 2)
    assert [{k: v for k, v in s.items() if k != "set_at"} for s in answer["history"]] == [
        {"revision": 1, "days_after_week_end": 2, "at_local_time": "17:00", "time_zone": "Europe/London",
         "set_by": "prime-north-user",
         "description": "due at 17:00 London time on the Wednesday 2 days after the week ends"},
        {"revision": 2, "days_after_week_end": 0, "at_local_time": "09:30", "time_zone": "Europe/London",
         "set_by": "prime-north-user", "description": "due at 09:30 London time on the Monday after the week"},
    ]
    read = await service.client.get(deadline_path(supply.contract), headers=DWP)
    assert read.json() == answer
    events = await service.events("weekly_stats.deadline_set")
    assert_valid_events(events)
    assert [e["data"] for e in events] == [
        {"contract_id": supply.contract["contract_id"], "prime_id": "prime-north", "revision": 1,
         "days_after_week_end": 2, "at_local_time": "17:00", "time_zone": "Europe/London"},
        {"contract_id": supply.contract["contract_id"], "prime_id": "prime-north", "revision": 2,
         "days_after_week_end": 0, "at_local_time": "09:30", "time_zone": "Europe/London"},
    ]


@pytest.mark.parametrize(("days", "at"), [(0, "00:00"), (14, "23:59"), (7, "12:00")])
async def test_settings_at_their_bounds_are_taken(service: Service, supply: Chain, days: int, at: str) -> None:
    response = await set_deadline(service.client, supply.contract, days, at)

    assert response.status_code == 200, response.text
    assert (response.json()["current"]["days_after_week_end"], response.json()["current"]["at_local_time"]) == (
        days, at
    )


@pytest.mark.parametrize(("field", "value"), [
    ("days_after_week_end", -1), ("days_after_week_end", 15), ("days_after_week_end", "2"),
    ("days_after_week_end", 2.0), ("days_after_week_end", None),
    ("at_local_time", "24:00"), ("at_local_time", "17:60"), ("at_local_time", "7:00"), ("at_local_time", "17:00:00"),
    ("at_local_time", "5pm"), ("at_local_time", 1700), ("at_local_time", "17.00"), ("at_local_time", ""),
])
async def test_settings_past_their_bounds_are_named(service: Service, supply: Chain, field: str, value: Any) -> None:
    body = {"days_after_week_end": 2, "at_local_time": "17:00", field: value}
    async with service.writes_nothing():
        response = await service.client.put(deadline_path(supply.contract), json=body, headers=PRIME)

    problem(response, 422, field=f"body.{field}")


@pytest.mark.parametrize("headers", [WHOLE, PRIME_ADVISER, DWP, AUDITOR, JCP],
                         ids=["partner", "prime adviser", "dwp", "auditor", "jcp"])
async def test_only_the_contracts_prime_manager_sets_it(
    service: Service, supply: Chain, headers: dict[str, str]
) -> None:
    async with service.writes_nothing():
        response = await set_deadline(service.client, supply.contract, 2, "17:00", headers)

    assert slug(problem(response, 403)) == "forbidden"


async def test_another_primes_contract_answers_as_a_missing_one(service: Service, supply: Chain) -> None:
    async with service.writes_nothing():
        other = await set_deadline(service.client, supply.contract, 2, "17:00", OTHER_PRIME)
        missing = await set_deadline(service.client, {"contract_id": "no-such-contract"}, 2, "17:00", OTHER_PRIME)

    assert problem(other, 404)["title"] == problem(missing, 404)["title"] == "Contract not found"


async def test_a_return_after_its_deadline_is_late_and_one_before_it_on_time(service: Service, supply: Chain) -> None:
    await set_deadline(service.client, supply.contract, 0, "00:00")  # due the moment the week ends
    late = await posted(service.client, supply.whole, weeks_ago(1))
    await set_deadline(service.client, supply.contract, 14, "23:59")  # two weeks and a day after
    on_time = await posted(service.client, supply.whole, weeks_ago(1), corrects_version=1, reason="recounted")

    assert [(v["version"], v["timeliness"], v["late"], v["deadline"], v["deadline_revision"])
            for v in on_time["versions"]] == [
        (1, "late", True, due(weeks_ago(1), 0, "00:00"), 1),
        (2, "on_time", False, due(weeks_ago(1), 14, "23:59"), 2),
    ]
    assert late["late"] is True and on_time["late"] is True  # the return was late; its correction was not
    events = await service.events("weekly_stats.posted")
    assert [(e["data"]["late"], e["data"]["deadline"], e["data"]["deadline_revision"]) for e in events] == [
        (True, due(weeks_ago(1), 0, "00:00"), 1), (False, due(weeks_ago(1), 14, "23:59"), 2),
    ]


def ended_week_due_in(offset: timedelta) -> str:
    """The most recent ended week whose Wednesday-after falls at a London UTC offset of `offset`."""
    for n in range(2, 60):
        week = weeks_ago(n)
        wednesday = datetime.combine(monday(week) + timedelta(days=9), time(17), tzinfo=LONDON)
        if wednesday.utcoffset() == offset:
            return week
    raise AssertionError("no such week in a year")


async def test_the_deadline_is_london_time_in_summer_and_in_winter(service: Service, supply: Chain) -> None:
    await set_deadline(service.client, supply.contract, 2, "17:00")
    summer, winter = ended_week_due_in(timedelta(hours=1)), ended_week_due_in(timedelta(0))

    in_summer = await posted(service.client, supply.whole, summer)
    in_winter = await posted(service.client, supply.whole, winter)

    wednesday = monday(summer) + timedelta(days=9), monday(winter) + timedelta(days=9)
    assert in_summer["latest"]["deadline"] == f"{wednesday[0].isoformat()}T16:00:00Z"
    assert in_winter["latest"]["deadline"] == f"{wednesday[1].isoformat()}T17:00:00Z"
    assert (in_summer["late"], in_winter["late"]) == (True, True)  # weeks long past


async def test_a_deadline_judges_only_its_own_contract(service: Service, supply: Chain) -> None:
    await set_deadline(service.client, supply.contract, 0, "00:00")
    another = await award(service.client, "prime-north")
    elsewhere = await agree(service.client, another, end_to_end(another))

    answer = await posted(service.client, elsewhere, weeks_ago(1))

    assert answer["latest"]["timeliness"] == "no_deadline_set"

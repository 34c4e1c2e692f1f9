"""The demo: its calendar and journeys on any day of the year (against a stand-in for case tracking that records
what it is sent), and the whole demo loaded into real services, as `scx up` loads it."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from scx_cli import demo
from scx_cli.demo import CLAIMANTS, JOURNEYS, Calendar, DemoCase, DemoLoader
from scx_cli.stack import LocalStack, ServiceSpec
from scx_messaging.local import free_port

# Each day of the week twice, the weeks around New Year and a leap day: the calendar counts weekdays only.
DAYS = sorted({
    *(date(2026, 12, 1) + timedelta(days=n) for n in range(14)),
    *(date(2026, 12, 21) + timedelta(days=n) for n in range(21)),
    *(date(2028, 2, 27) + timedelta(days=n) for n in range(7)),
})
ISO_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(T.*)?$")


def test_the_calendar_uses_weekdays_before_today_and_weeks_that_have_ended() -> None:
    for today in DAYS:
        cal = Calendar(today)
        assert cal.day(0).weekday() == 0, today
        assert cal.day(46) < today and cal.day(46).weekday() == 4, today
        assert cal.day(42) == today - timedelta(days=today.weekday() + 7), today  # the last week that has ended
        assert cal.day(46) <= cal.recent(1) < today and cal.recent(2) < cal.recent(1), today
        assert cal.recent(1).weekday() < 5 and cal.recent(2).weekday() < 5, today
        assert today < cal.next_week(0) <= today + timedelta(days=7), today


class StandIn:
    """Case tracking's part in the journeys: answers each write with the id the journey reads back."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str, dict[str, Any]]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content) if request.content else {}
        path = request.url.path
        self.requests.append((request.method, path, body))
        n = len(self.requests)
        answer: dict[str, Any] = {
            "appointment_id": f"appointment-{n}", "notice_id": f"notice-{n}", "job_id": f"job-{n}",
            "complaint_id": f"complaint-{n}",
        }
        return httpx.Response(201, json=answer)

    def dates(self) -> Iterator[tuple[str, str, date]]:
        """Every date sent: in a body (dates and moments) or in a path (a week's Monday)."""
        for _, path, body in self.requests:
            for field, value in body.items():
                match = ISO_DATE.match(value) if isinstance(value, str) else None
                if match:
                    yield path, field, date.fromisoformat(match.group(1))
            if "/weeks/" in path:
                yield path, "week", date.fromisoformat(path.rsplit("/", 1)[1])


@pytest.fixture(scope="module")
def loader() -> DemoLoader:
    return DemoLoader("http://subcontracts", "http://referral")


def run_journeys(loader: DemoLoader, today: date) -> StandIn:
    stand_in = StandIn()
    loader.ct = httpx.Client(base_url="http://case-tracking", transport=httpx.MockTransport(stand_in))
    for claimant in CLAIMANTS:
        if claimant.journey:
            case = DemoCase(loader, f"case-{claimant.journey}", "token", adviser="adviser")
            JOURNEYS[claimant.journey](case, Calendar(today))
    return stand_in


def test_every_journey_is_dated_on_weekdays_before_today_and_only_bookings_look_ahead(loader: DemoLoader) -> None:
    for today in DAYS:
        stand_in = run_journeys(loader, today)
        assert stand_in.requests
        for path, field, on in stand_in.dates():
            assert on.weekday() < 5, (today, path, field, on)
            if field == "scheduled_at" and on > today:
                assert path.endswith(("/appointments", "/rebook")), (today, path, on)  # one still to come
            else:
                assert on < today, (today, path, field, on)


def test_the_journeys_cover_what_the_demo_promises(loader: DemoLoader) -> None:
    sent = run_journeys(loader, date(2026, 12, 1)).requests
    paths = [path for _, path, _ in sent]
    bodies = [body for _, _, body in sent]
    assert {"referred_for_sanction_decision", "good_cause_accepted"} <= {b.get("decision") for b in bodies}
    assert {"green", "amber", "red"} <= {b.get("traffic_light") for b in bodies}
    assert any(b.get("delivered_by") == "partner-clearsound" for b in bodies)  # a specialist partner's service
    assert [b["reason"] for b in bodies if b.get("kind") == "early_exit"] == ["found_fit_for_work_at_wca"]
    assert [b["level"] for b in bodies if "level" in b] == ["contract_manager"]
    assert sum("/weeks/" in p for p in paths) == 4 and any(p.endswith("/in-work-support") for p in paths)
    assert any(p.endswith("/feedback") for p in paths) and any(p.endswith("/resolution") for p in paths)


# The whole demo against the real services


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[LocalStack]:
    services = [ServiceSpec(name, free_port()) for name in ("subcontracts", "referral", "case_tracking")]
    running = LocalStack(data_dir=tmp_path / "data", services=services, nats_port=free_port())
    try:
        running.start()
        yield running
    finally:
        running.stop()


@pytest.mark.e2e
def test_the_demo_loads_its_journeys_into_case_tracking_through_the_apis(stack: LocalStack) -> None:
    sub, ref, ct_spec = stack.services
    loader = DemoLoader(sub.url, ref.url, ct_spec.url)
    assert not loader.already_loaded()
    began = time.monotonic()
    loaded = loader.load()
    took = time.monotonic() - began
    assert took < 30, f"the demo took {took:.1f} s to load"
    assert loader.already_loaded()
    assert len(loaded["referrals"]) == len(CLAIMANTS) and len(loaded["cases"]) == len(JOURNEYS)

    tokens = demo.tokens()
    ct = httpx.Client(base_url=ct_spec.url, timeout=10)

    def get(path: str, org: str) -> Any:
        response = ct.get(path, headers={"Authorization": f"Bearer {tokens[org]}"})
        assert response.status_code == 200, response.text
        return response.json()

    cases = get("/cases", "dwp")["items"]
    assert len(cases) == len(JOURNEYS)
    by_light = sorted(c["traffic_light"] for c in cases)
    assert by_light.count("red") == 1 and "green" in by_light and "amber" in by_light
    assert [c["exit_kind"] for c in cases if c["status"] == "exited"] == ["early_exit"]
    assert all(c["adviser"] == f"{c['delivering_organisation_id']}-adviser" for c in cases)
    red = next(c for c in cases if c["traffic_light"] == "red")
    assert red["contact_minutes"] == 20
    assert {k["clock"]: k["state"] for k in red["clocks"]} == {
        "acknowledgement": "met", "first_meeting": "breached", "assessment": "breached",
    }
    assert len(get("/cases", "partner-tynebridge")["items"]) == 3  # a partner sees only the cases it delivers

    notices = get("/fail-to-attend-notices", demo.JCP)["items"]
    assert sorted(str(n["decision"]) for n in notices) == ["None", "good_cause_accepted",
                                                            "referred_for_sanction_decision"]

    complaint = get("/complaints", f"{demo.JCP}-tppm")["items"]
    assert [(c["status"], c["level"], c["escalations"], c["outcome"]) for c in complaint] == [
        ("resolved", "contract_manager", 1, "upheld"),
    ]
    in_work = next(c for c in get("/cases", "partner-tynebridge")["items"] if c["traffic_light"] == "green")
    jobs = get(f"/cases/{in_work['case_id']}/jobs", "partner-tynebridge")["items"]
    assert [j["weeks"]["at_least_16_hours"] for j in jobs] == [4]
    assert len(get(f"/cases/{in_work['case_id']}/in-work-support", "partner-tynebridge")["items"]) == 4
    specialist = [a for c in cases for a in get(f"/cases/{c['case_id']}/activities", "dwp")["items"]
                  if a["delivered_by"] == "partner-clearsound"]
    assert {a["service"] for a in specialist} == {"bsl_interpreting", "sensory_needs_assessment"}

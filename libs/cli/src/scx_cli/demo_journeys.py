"""The demo's journeys in case tracking: its calendar (`Calendar`), one case recorded through the API as an adviser of
the organisation delivering it (`DemoCase`), and the scripted journeys, one per started claimant (`JOURNEYS`).
`scx_cli.demo` loads them; see its docstring for what the demo holds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scx_cli.demo import DemoLoader

JCP = "jcp-tyne-and-wear"
WEEKS = 7  # how far back the journeys begin, in weeks before this week's Monday
HOURLY_PENCE = 1271  # the National Living Wage from April 2026, for the demo's earnings


@dataclass(frozen=True)
class Calendar:
    """The demo's dates. Day n is n days after the Monday `WEEKS` weeks before this week's: the journeys use days
    0 to 46 (Monday to Friday), all before this week, so all before today. Weeks of work commence on a Monday (day
    21, 28, ...) and the last that has ended by today is day 42's."""

    today: date

    @property
    def monday(self) -> date:
        return self.today - timedelta(days=self.today.weekday() + 7 * WEEKS)

    def day(self, n: int) -> date:
        return self.monday + timedelta(days=n)

    def recent(self, n: int = 1) -> date:
        """The nth weekday before today (1: yesterday, or Friday on a Monday)."""
        day = self.today
        while n:
            day -= timedelta(days=1)
            n -= day.weekday() < 5
        return day

    def next_week(self, weekday: int) -> date:
        """A day of next week (0: Monday), for an appointment still to come."""
        return self.today + timedelta(days=7 - self.today.weekday() + weekday)

    @staticmethod
    def at(day: date, hour: int = 10) -> str:
        return f"{day.isoformat()}T{hour:02d}:00:00Z"


class DemoCase:
    """Records one claimant's journey in case tracking, as an adviser of the organisation delivering the case."""

    def __init__(self, loader: DemoLoader, case_id: str, token: str, *, adviser: str) -> None:
        assert loader.ct is not None
        self.loader, self.ct, self.case_id, self.adviser = loader, loader.ct, case_id, adviser
        self.headers = {"Authorization": f"Bearer {token}"}
        self.assigned = False

    def _as(self, who: str | None) -> dict[str, str]:
        return self.headers if who is None else self.loader._h(who)

    def post(self, path: str, body: dict[str, Any], *, who: str | None = None) -> Any:
        return self.loader._ok(self.ct.post(path, headers=self._as(who), json=body))

    def on_case(self, path: str, body: dict[str, Any], *, who: str | None = None) -> Any:
        return self.post(f"/cases/{self.case_id}{path}", body, who=who)

    def assign(self) -> None:
        """The adviser takes the case on (once; not after the exit)."""
        if not self.assigned:
            self.loader._ok(self.ct.put(f"/cases/{self.case_id}/adviser", headers=self.headers,
                                        json={"adviser": self.adviser}))
            self.assigned = True

    # Appointments

    def book(self, kind: str, on: date, *, booked_on: date) -> str:
        booked = self.on_case("/appointments", {
            "kind": kind, "scheduled_at": Calendar.at(on), "booked_on": booked_on.isoformat(),
        })
        return str(booked["appointment_id"])

    def visit(self, kind: str, on: date, *, booked_on: date, minutes: int) -> str:
        """An appointment booked on `booked_on` for `on`, and attended."""
        appointment_id = self.book(kind, on, booked_on=booked_on)
        self.on_case(f"/appointments/{appointment_id}/attend", {"minutes": minutes})
        return appointment_id

    def miss(self, kind: str, on: date, *, booked_on: date) -> tuple[str, str]:
        """An appointment booked and missed; a mandatory one raises a notice to JCP (the appointment, the notice)."""
        appointment_id = self.book(kind, on, booked_on=booked_on)
        missed = self.on_case(f"/appointments/{appointment_id}/fail-to-attend", {})
        return appointment_id, str(missed["notice_id"])

    def decide(self, notice_id: str, decision: str, note: str | None = None) -> None:
        """The referring JCP district decides the notice (today: it was notified today)."""
        self.post(f"/fail-to-attend-notices/{notice_id}/decision",
                  {"decision": decision, **({"note": note} if note else {})}, who=JCP)

    # Progress

    def classify(self, light: str, score: int, reason: str, on: date) -> None:
        self.on_case("/classifications", {
            "traffic_light": light, "score": score, "reason": reason, "classified_on": on.isoformat(),
        })

    def plan(self, on: date, *goals: str) -> None:
        self.on_case("/action-plans", {"agreed_on": on.isoformat(), "goals": list(goals)})

    def activity(self, activity: str, on: date, minutes: int, **by: str) -> None:
        body = {"activity": activity, "delivered_on": on.isoformat(), "minutes": minutes, **by}
        # A specialist partner's delivery is checked against case tracking's copy of the registry, fed by events.
        self.loader._until_known(partial(self.ct.post, f"/cases/{self.case_id}/activities", headers=self.headers,
                                         json=body))

    def exit(self, on: date, kind: str, reason: str | None = None) -> None:
        self.assign()
        self.on_case("/exit", {"kind": kind, "exited_on": on.isoformat(), **({"reason": reason} if reason else {})})

    # Employment

    def start_job(self, on: date, hours: float, employer_ref: str, employment_type: str = "employed") -> str:
        job = self.on_case("/jobs", {
            "started_on": on.isoformat(), "employment_type": employment_type, "expected_hours_per_week": hours,
            "employer_ref": employer_ref,
        })
        return str(job["job_id"])

    def week(self, job_id: str, monday: date, hours: float, evidence: str, obtained_on: date) -> None:
        self.loader._ok(self.ct.put(
            f"/cases/{self.case_id}/jobs/{job_id}/weeks/{monday.isoformat()}", headers=self.headers, json={
                "hours": hours, "earnings_pence": round(hours * HOURLY_PENCE), "evidence_kind": evidence,
                "evidence_obtained_on": obtained_on.isoformat(),
            },
        ))

    def support(self, job_id: str, kind: str, on: date, minutes: int) -> None:
        self.on_case("/in-work-support", {
            "job_id": job_id, "kind": kind, "given_on": on.isoformat(), "minutes": minutes,
        })

    # Complaints and feedback

    def feedback(self, score: int, topics: list[str], on: date, *, who: str | None = None) -> None:
        self.on_case("/feedback", {"score": score, "topics": topics, "given_on": on.isoformat()}, who=who)

    def complain(self, raised_with: str, category: str, on: date, words: str, *, who: str | None = None) -> str:
        raised = self.on_case("/complaints", {
            "raised_with": raised_with, "category": category, "raised_on": on.isoformat(), "words": words,
        }, who=who)
        return str(raised["complaint_id"])


# The journeys, one per started claimant: d(n) is day n of the demo's calendar (day 0 a Monday seven weeks ago).


def amber_on_track(case: DemoCase, cal: Calendar) -> None:
    """ESA, mental health, at Tynebridge: WFIs, a needs assessment and a CMP session attended, an action plan, a
    confidence course and a job club; amber; good feedback; the fourth WFI booked for next week."""
    d = cal.day
    case.visit("wfi", d(4), booked_on=d(2), minutes=45)
    case.visit("needs_assessment", d(9), booked_on=d(4), minutes=60)
    case.classify("amber", 45, "health_barrier", d(9))
    case.plan(d(9), "manage_condition", "build_confidence", "find_work")
    case.activity("diagnostic", d(9), 30)
    case.visit("cmp_session", d(16), booked_on=d(9), minutes=60)
    case.activity("confidence", d(18), 120)
    case.visit("wfi", d(23), booked_on=d(18), minutes=45)
    case.feedback(4, ["adviser", "health_support"], d(23))
    case.activity("job_club", d(30), 90)
    case.visit("wfi", d(37), booked_on=d(30), minutes=40)
    case.book("wfi", cal.next_week(1), booked_on=d(37))


def into_work(case: DemoCase, cal: Calendar) -> None:
    """JSA 25+, at Tynebridge, job-ready: green from the first WFI, interview skills, then a job from day 7 with
    each of its six weeks' hours evidenced (an employer's confirmation, then payslips) and in-work support. The
    first week (30 hours) earns the contract's job outcome, payable from day 14: in last month whatever day it is,
    so the demo pays it in last month's run (`DemoLoader._payments`)."""
    d = cal.day
    case.visit("wfi", d(4), booked_on=d(3), minutes=45)
    case.classify("green", 78, "job_ready", d(4))
    case.plan(d(4), "find_work", "job_search_skills")
    case.activity("interview_skills", d(4), 90)
    job = case.start_job(d(7), 30, "EMP-004217")
    case.visit("needs_assessment", d(8), booked_on=d(4), minutes=45)
    case.support(job, "phone", d(8), 15)
    case.week(job, d(7), 29.5, "employer_confirmation", d(9))
    case.week(job, d(14), 30, "payslip", d(18))
    case.support(job, "in_work_coaching", d(22), 45)
    case.week(job, d(21), 31.25, "payslip", d(25))
    case.support(job, "employer_contact", d(29), 20)
    case.feedback(5, ["adviser", "job_search"], d(29))
    case.week(job, d(28), 30, "payslip", d(32))
    case.week(job, d(35), 30, "payslip", d(39))
    case.support(job, "meeting", d(43), 30)
    case.week(job, d(42), 30, "payslip", d(46))


def specialist_delivered(case: DemoCase, cal: Calendar) -> None:
    """ESA, hearing impaired, allocated to Clearsound for BSL interpreting: every activity names the specialist
    service it is paid for."""
    d = cal.day
    bsl = {"service": "bsl_interpreting"}
    case.visit("wfi", d(8), booked_on=d(4), minutes=60)
    case.activity("specialist_service", d(8), 60, **bsl)
    case.visit("needs_assessment", d(10), booked_on=d(8), minutes=90)
    case.activity("specialist_service", d(10), 90, service="sensory_needs_assessment")
    case.classify("amber", 55, "health_barrier", d(10))
    case.plan(d(10), "manage_condition", "gain_qualification", "find_work")
    case.visit("wfi", d(24), booked_on=d(10), minutes=60)
    case.activity("specialist_service", d(24), 60, **bsl)
    case.visit("wfi", d(38), booked_on=d(24), minutes=60)
    case.activity("specialist_service", d(38), 60, **bsl)


def green_with_specialist(case: DemoCase, cal: Calendar) -> None:
    """ESA volunteer, in-house at Northstar: a sensory needs assessment delivered by Clearsound under its
    specialist subcontract, vocational training, a work placement; green."""
    d = cal.day
    case.visit("needs_assessment", d(11), booked_on=d(9), minutes=60)
    case.activity("specialist_service", d(14), 90, delivered_by="partner-clearsound",
                  service="sensory_needs_assessment")
    case.plan(d(14), "manage_condition", "gain_qualification", "find_work")
    case.classify("green", 70, "job_ready", d(14))
    case.activity("vocational_training", d(21), 180)
    case.activity("vocational_training", d(28), 180)
    case.visit("review", d(30), booked_on=d(28), minutes=30)
    case.activity("work_placement", d(35), 240)
    case.activity("interview_skills", d(42), 60)


def early_exit(case: DemoCase, cal: Calendar) -> None:
    """IB, at Citizens Advice: debt and housing advice, then found fit for work at a WCA and left early."""
    d = cal.day
    case.visit("needs_assessment", d(14), booked_on=d(10), minutes=60)
    case.classify("amber", 40, "housing_or_debt", d(14))
    case.plan(d(14), "manage_debt", "improve_health")
    case.activity("debt_advice", d(16), 60)
    case.activity("housing_advice", d(22), 45)
    case.exit(d(29), "early_exit", "found_fit_for_work_at_wca")


def sanction_referral(case: DemoCase, cal: Calendar) -> None:
    """JSA 18-24, in-house at Meridian: two WFIs attended, the third missed; JCP refers it for a sanction
    decision."""
    d = cal.day
    case.visit("wfi", d(15), booked_on=d(11), minutes=30)
    case.visit("needs_assessment", d(17), booked_on=d(15), minutes=45)
    case.classify("amber", 50, "confidence", d(17))
    case.plan(d(17), "find_work", "job_search_skills", "build_confidence")
    case.activity("cv", d(17), 45)
    case.visit("wfi", d(29), booked_on=d(17), minutes=30)
    _, notice = case.miss("wfi", cal.recent(1), booked_on=d(29))
    case.decide(notice, "referred_for_sanction_decision")


def good_cause(case: DemoCase, cal: Calendar) -> None:
    """ESA, mental health, at Mindworks: the second WFI missed, JCP accepts good cause, and it is rebooked."""
    d = cal.day
    case.visit("wfi", d(16), booked_on=d(14), minutes=45)
    case.visit("needs_assessment", d(21), booked_on=d(16), minutes=60)
    case.classify("amber", 35, "health_barrier", d(21))
    case.plan(d(21), "improve_health", "manage_condition")
    case.activity("cmp", d(28), 60)
    missed, notice = case.miss("wfi", cal.recent(2), booked_on=d(28))
    case.decide(notice, "good_cause_accepted", "Evidence of a hospital appointment that morning was provided.")
    case.on_case(f"/appointments/{missed}/rebook", {
        "scheduled_at": Calendar.at(cal.next_week(2)), "requested_by": "provider",
    })


def red_little_contact(case: DemoCase, cal: Calendar) -> None:
    """ESA ex-IB at Tynebridge, parked: first seen five weeks after the referral (both clocks breached), red, 20
    minutes of contact in all; complains to JCP, whose TPPM answers and passes it to the DWP contract manager, who
    upholds it; the next WFI missed, its notice awaiting JCP's decision."""
    d = cal.day
    case.visit("wfi", d(35), booked_on=d(7), minutes=20)
    case.classify("red", 15, "health_barrier", d(35))
    complaint = case.complain(
        "jcp", "service_quality", d(38),
        "I have seen my adviser once since I was referred and nobody returns my calls.", who=JCP,
    )
    case.feedback(2, ["appointments", "communication"], d(38), who=JCP)
    tppm, dwp = f"{JCP}-tppm", "dwp"
    case.post(f"/complaints/{complaint}/answer", {
        "answered_on": d(39).isoformat(), "answer": "Raised with Tynebridge Works, who will call you this week.",
    }, who=tppm)
    case.post(f"/complaints/{complaint}/escalation", {
        "level": "contract_manager", "escalated_on": d(43).isoformat(),
        "note": "No call back; third complaint about contact levels at this provider this quarter.",
    }, who=tppm)
    case.post(f"/complaints/{complaint}/answer", {
        "answered_on": d(45).isoformat(), "answer": "We have asked Northstar to review the contact its partner gives.",
    }, who=dwp)
    case.post(f"/complaints/{complaint}/resolution", {
        "outcome": "upheld", "resolved_on": d(46).isoformat(),
        "note": "Raised at the Provider Performance Review; an improvement plan for red clients agreed.",
    }, who=dwp)
    case.miss("wfi", cal.recent(1), booked_on=d(35))


JOURNEYS: dict[str, Callable[[DemoCase, Calendar], None]] = {
    f.__name__: f for f in (
        amber_on_track, into_work, specialist_delivered, green_with_specialist, early_exit, sanction_referral,
        good_cause, red_little_contact,
    )
}

"""The demo: one contract package area, DWP, a JCP district, two primes and partners under all four models, a
handful of referrals started and allocated, and seven weeks of their journeys in case tracking. Loaded through the
services' APIs, as real users would, never through a database.

The journeys (`JOURNEYS`, one per started claimant) are dated on the demo's calendar (`Calendar`): seven weeks back
from this week, on weekdays before today, so that every service takes them as done (none accepts a date in the
future) and the weeks of a job have ended before their hours are reported. Case tracking learns of starts and
allocations from events: the loader waits until each case is visible to the organisation delivering it, then
records its journey as that organisation's adviser; JCP decides its fail-to-attend notices, its TPPM and the DWP
contract manager take a complaint up.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from scx_servicekit.tokens import TokenIssuer

if TYPE_CHECKING:
    import httpx  # loaded by DemoLoader alone: `scx token` reads this module and must stay quick

AREA = "CPA 7 North East (Tyne and Wear)"
JCP = "jcp-tyne-and-wear"
WEEKS = 7  # how far back the journeys begin, in weeks before this week's Monday
HOURLY_PENCE = 1271  # the National Living Wage from April 2026, for the demo's earnings


@dataclass(frozen=True)
class DemoOrganisation:
    organisation_id: str
    name: str
    kind: str
    role: str


ORGANISATIONS = [
    DemoOrganisation("dwp", "Department for Work and Pensions", "dwp", "contract_manager"),
    DemoOrganisation(JCP, "Jobcentre Plus Tyne and Wear district", "jcp", "referrer"),
    DemoOrganisation("prime-northstar", "Northstar Employment Services", "prime", "manager"),
    DemoOrganisation("prime-meridian", "Meridian Work Partnership", "prime", "manager"),
    DemoOrganisation("partner-tynebridge", "Tynebridge Works (end-to-end, Newcastle)", "partner", "manager"),
    DemoOrganisation("partner-clearsound", "Clearsound Sensory Support (specialist)", "partner", "manager"),
    DemoOrganisation("partner-citizens-advice", "Citizens Advice Gateshead (SLA)", "partner", "manager"),
    DemoOrganisation("partner-foodbank", "Westgate Community Food Bank (signposting)", "partner", "manager"),
    DemoOrganisation("partner-mindworks", "Mindworks Wellbeing (end-to-end, mental health)", "partner", "manager"),
]
KINDS = {o.organisation_id: o.kind for o in ORGANISATIONS}


@dataclass(frozen=True)
class DemoClaimant:
    """A synthetic claimant (an NI number of the right shape; the demo's claimants are invented), whom JCP refers
    on day `referred` of the demo's calendar (None: the last weekday before today), the prime starts the next day
    and allocates as `allocation` says (None: not started yet), and whose journey in case tracking is `journey`."""

    nino: str
    benefit_type: str
    payment_group: int
    mandatory: bool
    needs: tuple[str, ...]
    postcode_district: str
    prime: str
    allocation: dict[str, str] | None
    referred: int | None
    allocated: int = 0  # the day of the allocation, when not the day after the start
    journey: str | None = None

    @property
    def deliverer(self) -> str:
        assert self.allocation is not None
        return self.allocation.get("partner_id", self.prime)


TYNEBRIDGE = {"delivery": "partner", "partner_id": "partner-tynebridge"}
CLAIMANTS = [
    DemoClaimant("AB 10 20 30 A", "ESA", 6, True, ("mental_health",), "NE1", "prime-northstar", TYNEBRIDGE, 0,
                 journey="amber_on_track"),
    DemoClaimant("CE 11 21 31 B", "JSA", 2, True, (), "NE2", "prime-northstar", TYNEBRIDGE, 1,
                 journey="into_work"),
    DemoClaimant("HJ 12 22 32 C", "ESA", 7, True, ("hearing_impairment",), "NE4", "prime-northstar",
                 {"delivery": "partner", "partner_id": "partner-clearsound", "service": "bsl_interpreting"}, 2,
                 journey="specialist_delivered"),
    DemoClaimant("KL 13 23 33 D", "ESA", 5, False, ("musculoskeletal", "visual_impairment"), "NE3",
                 "prime-northstar", {"delivery": "in_house"}, 7, journey="green_with_specialist"),
    DemoClaimant("MN 14 24 34 A", "IB", 8, False, ("respiratory",), "NE8", "prime-northstar",
                 {"delivery": "partner", "partner_id": "partner-citizens-advice"}, 8, journey="early_exit"),
    DemoClaimant("PR 15 25 35 B", "JSA", 1, True, (), "NE1", "prime-meridian", {"delivery": "in_house"}, 9,
                 journey="sanction_referral"),
    DemoClaimant("ST 16 26 36 C", "ESA", 6, True, ("mental_health",), "NE9", "prime-meridian",
                 {"delivery": "partner", "partner_id": "partner-mindworks"}, 10, allocated=14, journey="good_cause"),
    DemoClaimant("WX 17 27 37 D", "JSA", 3, True, (), "SR1", "prime-meridian", None, None),  # awaiting its start
    DemoClaimant("EH 18 28 38 A", "ESA", 7, True, ("mental_health", "musculoskeletal"), "NE3", "prime-northstar",
                 TYNEBRIDGE, 3, allocated=7, journey="red_little_contact"),
]


def dev_issuer() -> TokenIssuer:
    """Signs with SCX_JWT_SECRET when set (`scx up` hands the same secret to every service), else the default."""
    secret = os.environ.get("SCX_JWT_SECRET")
    return TokenIssuer(secret) if secret else TokenIssuer()


def tokens(issuer: TokenIssuer | None = None) -> dict[str, str]:
    """One token per demo organisation (its role in ORGANISATIONS), and a few users the journeys need: a DWP
    auditor, the JCP district's TPPM (complaints) and an adviser at Tynebridge."""
    issuer = issuer or dev_issuer()
    out = {o.organisation_id: issuer.issue(o.organisation_id, o.kind, [o.role]) for o in ORGANISATIONS}
    out["dwp-auditor"] = issuer.issue("dwp", "dwp", ["auditor"], user="dwp-auditor")
    out[f"{JCP}-tppm"] = issuer.issue(JCP, "jcp", ["tppm"], user=f"{JCP}-tppm")
    out["partner-tynebridge-adviser"] = issuer.issue(
        "partner-tynebridge", "partner", ["adviser"], user="partner-tynebridge-adviser"
    )
    return out


def utc_today() -> date:
    """The services date everything in UTC, so the demo does too (a local date ahead of UTC is in their future)."""
    return datetime.now(UTC).date()


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


class DemoLoader:
    def __init__(
        self, subcontracts_url: str, referral_url: str, case_tracking_url: str | None = None, *,
        issuer: TokenIssuer | None = None,
    ) -> None:
        import httpx

        self.sub = httpx.Client(base_url=subcontracts_url, timeout=10)
        self.ref = httpx.Client(base_url=referral_url, timeout=10)
        self.ct = httpx.Client(base_url=case_tracking_url, timeout=10) if case_tracking_url else None
        self.issuer = issuer or dev_issuer()
        self.tokens = tokens(self.issuer)

    def _h(self, org: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[org]}"}

    def _ok(self, response: httpx.Response) -> Any:
        if response.status_code >= 400:
            request = response.request
            raise RuntimeError(f"{request.method} {request.url}: {response.status_code} {response.text}")
        return response.json()

    def already_loaded(self) -> bool:
        return self.sub.get("/organisations/dwp", headers=self._h("dwp")).status_code == 200

    def load(self, today: date | None = None) -> dict[str, Any]:
        today = today or utc_today()
        start = (today.replace(day=1) - timedelta(days=240)).replace(day=1)
        end = date(start.year + 3, start.month, 1) - timedelta(days=1)
        for o in ORGANISATIONS:
            self._ok(self.sub.post("/organisations", headers=self._h("dwp"), json={
                "organisation_id": o.organisation_id, "name": o.name, "kind": o.kind,
            }))
        contracts = {}
        for prime, value in (("prime-northstar", 2_400_000_000), ("prime-meridian", 1_800_000_000)):
            profile = [
                {"month": f"{(start.year * 12 + start.month - 1 + i) // 12}-{(start.month - 1 + i) % 12 + 1:02d}",
                 "job_outcomes": 20 + 2 * i, "sustained_job_outcomes": 5 + i, "work_focused_interviews": 300}
                for i in range(12)
            ]
            contracts[prime] = self._ok(self.sub.post("/contracts", headers=self._h("dwp"), json={
                "prime_id": prime, "contract_package_area": AREA, "start_date": start.isoformat(),
                "end_date": end.isoformat(), "value_pence": value, "payment_model": "pathways-30-50-20",
                "profile": profile,
            }))["contract_id"]
        terms = {"start_date": start.isoformat(), "end_date": end.isoformat()}
        chain: list[tuple[str, str, str, dict[str, Any]]] = [
            ("prime-northstar", "partner-tynebridge", "end_to_end",
             {"client_group": {"postcode_districts": ["NE1", "NE2", "NE3", "NE4"]}, "share_of_targets_percent": 35,
              "monthly_capacity": 60}),
            ("prime-northstar", "partner-clearsound", "specialist",
             {"client_group": {"health_conditions": ["hearing_impairment", "visual_impairment"]},
              "services": [{"service": "bsl_interpreting", "price_pence": 4500},
                           {"service": "sensory_needs_assessment", "price_pence": 12000}]}),
            ("prime-northstar", "partner-citizens-advice", "sla", {}),
            ("prime-northstar", "partner-foodbank", "signposting", {}),
            ("prime-meridian", "partner-mindworks", "end_to_end",
             {"client_group": {"health_conditions": ["mental_health"]}, "share_of_targets_percent": 25}),
        ]
        for prime, partner, model, extra in chain:
            self._ok(self.sub.post(f"/contracts/{contracts[prime]}/subcontracts", headers=self._h(prime), json={
                "partner_id": partner, "model": model, **terms, **extra,
            }))
        calendar = Calendar(today)
        referrals = self._refer_all(contracts, calendar)
        cases = self._journeys(referrals, calendar) if self.ct is not None else []
        return {"contracts": contracts, "referrals": referrals, "cases": cases}

    # The referral service: referred, started, allocated

    def _refer_all(self, contracts: dict[str, str], calendar: Calendar) -> list[str]:
        ids = []
        for i, claimant in enumerate(CLAIMANTS):
            referred_on = calendar.day(claimant.referred) if claimant.referred is not None else calendar.recent()
            body = {
                "contract_id": contracts[claimant.prime], "national_insurance_number": claimant.nino,
                "benefit_type": claimant.benefit_type, "payment_group": claimant.payment_group,
                "mandatory": claimant.mandatory, "needs": list(claimant.needs),
                "postcode_district": claimant.postcode_district, "referral_date": referred_on.isoformat(),
            }
            headers = {**self._h(JCP), "Idempotency-Key": f"demo-{i}"}
            referral = self._until_known(partial(self.ref.post, "/referrals", headers=headers, json=body))
            ids.append(referral["referral_id"])
            if claimant.allocation is None or claimant.referred is None:
                continue
            # Started the next day and allocated the day after (or on the day the plan says), as a prime would,
            # not on the day the demo happens to load.
            self._ok(self.ref.post(f"/referrals/{referral['referral_id']}/start", headers=self._h(claimant.prime),
                                   json={"started_on": calendar.day(claimant.referred + 1).isoformat()}))
            allocated_on = calendar.day(claimant.allocated or claimant.referred + 2)
            allocation = {**claimant.allocation, "allocated_on": allocated_on.isoformat()}
            self._until_known(partial(
                self.ref.post, f"/referrals/{referral['referral_id']}/allocation", headers=self._h(claimant.prime),
                json=allocation,
            ))
        return ids

    def _until_known(self, call: Callable[[], httpx.Response], timeout: float = 30.0) -> Any:
        """The referral and case tracking services learn of contracts and subcontracts from events: wait for them,
        don't guess."""
        deadline = time.monotonic() + timeout
        while True:
            response = call()
            waiting = response.status_code == 422 and response.json().get("type", "").endswith(
                ("/unknown-contract", "/no-subcontract", "/unknown-partner")
            )
            if not waiting or time.monotonic() > deadline:
                return self._ok(response)
            time.sleep(0.1)

    # Case tracking: the journeys

    def adviser_token(self, organisation_id: str) -> tuple[str, str]:
        """An adviser of the organisation (its user id and token): Tynebridge's from `tokens()`, others minted."""
        user = f"{organisation_id}-adviser"
        token = self.tokens.get(user) or self.issuer.issue(
            organisation_id, KINDS[organisation_id], ["adviser"], user=user
        )
        return user, token

    def _journeys(self, referral_ids: list[str], calendar: Calendar) -> list[str]:
        started = [(case_id, c) for case_id, c in zip(referral_ids, CLAIMANTS, strict=True) if c.journey]
        cases = []
        for case_id, claimant in started:
            user, token = self.adviser_token(claimant.deliverer)
            self._until_visible(case_id, claimant, token)
            case = DemoCase(self, case_id, token, adviser=user)
            JOURNEYS[claimant.journey or ""](case, calendar)
            case.assign()  # last: the service dates it today, so the timeline stays in order
            cases.append(case_id)
        return cases

    def _until_visible(self, case_id: str, claimant: DemoClaimant, token: str, timeout: float = 30.0) -> None:
        """Case tracking opens the case on the start and hands it over on the allocation, both events: wait until
        the organisation delivering it sees it as allocated to it."""
        assert self.ct is not None and claimant.allocation is not None
        deadline = time.monotonic() + timeout
        while True:
            response = self.ct.get(f"/cases/{case_id}", headers={"Authorization": f"Bearer {token}"})
            if response.status_code == 200:
                case = response.json()
                if (case["delivery"], case["delivering_organisation_id"]) == (
                    claimant.allocation["delivery"], claimant.deliverer
                ):
                    return
            elif response.status_code != 404:
                self._ok(response)
            if time.monotonic() > deadline:
                raise RuntimeError(f"case {case_id} did not reach case tracking as allocated to {claimant.deliverer} "
                                   f"within {timeout:g} s: {response.status_code} {response.text}")
            time.sleep(0.05)


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
    """JSA 25+, at Tynebridge: green from the needs assessment, CV and interview skills, then a job from day 21
    with each week's hours evidenced (an employer's confirmation, then payslips) and in-work support."""
    d = cal.day
    case.visit("wfi", d(7), booked_on=d(3), minutes=45)
    case.visit("needs_assessment", d(8), booked_on=d(7), minutes=45)
    case.classify("green", 78, "job_ready", d(8))
    case.plan(d(8), "find_work", "job_search_skills")
    case.activity("cv", d(10), 60)
    case.activity("interview_skills", d(14), 90)
    case.visit("wfi", d(15), booked_on=d(14), minutes=30)
    case.activity("job_club", d(15), 120)
    job = case.start_job(d(21), 30, "EMP-004217")
    case.support(job, "phone", d(22), 15)
    case.week(job, d(21), 29.5, "employer_confirmation", d(23))
    case.support(job, "in_work_coaching", d(29), 45)
    case.week(job, d(28), 30, "payslip", d(32))
    case.support(job, "employer_contact", d(36), 20)
    case.feedback(5, ["adviser", "job_search"], d(36))
    case.week(job, d(35), 31.25, "payslip", d(39))
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

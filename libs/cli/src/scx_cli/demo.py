"""The demo: one contract package area, DWP, a JCP district, two primes and partners under all four models, a
handful of referrals started and allocated, and seven weeks of their journeys in case tracking. Loaded through the
services' APIs, as real users would, never through a database.

The journeys (`JOURNEYS`, one per started claimant) are dated on the demo's calendar (`Calendar`): seven weeks back
from this week, on weekdays before today, so that every service takes them as done (none accepts a date in the
future) and the weeks of a job have ended before their hours are reported. Case tracking learns of starts and
allocations from events: the loader waits until each case is visible to the organisation delivering it, then
records its journey as that organisation's adviser; JCP decides its fail-to-attend notices, its TPPM and the DWP
contract manager take a complaint up.

Then the money (where claims runs, `DemoLoader._payments`): the job journey's first week earns the contract's job
outcome; Northstar claims it with a payslip, DWP's validator approves it, a payments officer prepares last month's
payment run and another authorises it, and claims flows the run down: Northstar owes Tynebridge its outcome payment
share and Clearsound its services' prices, and records paying Tynebridge.

Then the figures (`scx_cli.demo_figures`): Northstar's deadline for weekly returns, DWP's minimum performance
levels, and Tynebridge's weekly returns, one of which misses a fail-to-attend.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from scx_cli.demo_figures import DemoFigures
from scx_cli.demo_journeys import JCP, JOURNEYS, Calendar, DemoCase
from scx_servicekit.tokens import TokenIssuer

if TYPE_CHECKING:
    import httpx  # loaded by DemoLoader alone: `scx token` reads this module and must stay quick

AREA = "CPA 7 North East (Tyne and Wear)"


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
TYNEBRIDGE_SHARE = 40  # % of each outcome payment Northstar passes down to Tynebridge (end-to-end)
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


# DWP's officers in claims (maker-checker): a validator approves claims, a payments officer prepares a run and
# another authorises it. Each is a user of its own: the services tell officers apart by the token's user.
DWP_OFFICERS = {
    "dwp-validator": "validator", "dwp-payments": "payments_officer", "dwp-payments-authoriser": "payments_officer",
}


def tokens(issuer: TokenIssuer | None = None) -> dict[str, str]:
    """One token per demo organisation (its role in ORGANISATIONS), and a few users the journeys need: a DWP
    auditor, DWP's officers in claims (`DWP_OFFICERS`), the JCP district's TPPM (complaints) and an adviser at
    Tynebridge."""
    issuer = issuer or dev_issuer()
    out = {o.organisation_id: issuer.issue(o.organisation_id, o.kind, [o.role]) for o in ORGANISATIONS}
    out["dwp-auditor"] = issuer.issue("dwp", "dwp", ["auditor"], user="dwp-auditor")
    for user, role in DWP_OFFICERS.items():
        out[user] = issuer.issue("dwp", "dwp", [role], user=user)
    out[f"{JCP}-tppm"] = issuer.issue(JCP, "jcp", ["tppm"], user=f"{JCP}-tppm")
    out["partner-tynebridge-adviser"] = issuer.issue(
        "partner-tynebridge", "partner", ["adviser"], user="partner-tynebridge-adviser"
    )
    return out


def utc_today() -> date:
    """The services date everything in UTC, so the demo does too (a local date ahead of UTC is in their future)."""
    return datetime.now(UTC).date()


class DemoLoader:
    def __init__(
        self, subcontracts_url: str, referral_url: str, case_tracking_url: str | None = None,
        claims_url: str | None = None, *, issuer: TokenIssuer | None = None,
    ) -> None:
        import httpx

        self.sub = httpx.Client(base_url=subcontracts_url, timeout=10)
        self.ref = httpx.Client(base_url=referral_url, timeout=10)
        self.ct = httpx.Client(base_url=case_tracking_url, timeout=10) if case_tracking_url else None
        # Claims pays what the journeys make payable: without case tracking there is nothing to claim.
        self.claims = httpx.Client(base_url=claims_url, timeout=10) if claims_url and self.ct else None
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
              "outcome_payment_share_percent": TYNEBRIDGE_SHARE, "monthly_capacity": 60}),
            ("prime-northstar", "partner-clearsound", "specialist",
             {"client_group": {"health_conditions": ["hearing_impairment", "visual_impairment"]},
              "services": [{"service": "bsl_interpreting", "price_pence": 4500},
                           {"service": "sensory_needs_assessment", "price_pence": 12000}]}),
            ("prime-northstar", "partner-citizens-advice", "sla", {}),
            ("prime-northstar", "partner-foodbank", "signposting", {}),
            ("prime-meridian", "partner-mindworks", "end_to_end",
             {"client_group": {"health_conditions": ["mental_health"]}, "share_of_targets_percent": 25,
              "outcome_payment_share_percent": 50}),
        ]
        for prime, partner, model, extra in chain:
            self._ok(self.sub.post(f"/contracts/{contracts[prime]}/subcontracts", headers=self._h(prime), json={
                "partner_id": partner, "model": model, **terms, **extra,
            }))
        calendar = Calendar(today)
        referrals = self._refer_all(contracts, calendar)
        cases = self._journeys(referrals, calendar) if self.ct is not None else []
        payments = self._payments(referrals, calendar) if self.claims is not None else {}
        figures = (
            DemoFigures(self.sub, self._h, self._ok).load(contracts, calendar.day(0), calendar.today)
            if self.ct is not None else {}
        )
        return {"contracts": contracts, "referrals": referrals, "cases": cases, **payments, **figures}

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


    # Claims: the job outcome claimed, approved and paid in a run, and the partner's share

    def _payments(self, referral_ids: list[str], calendar: Calendar) -> dict[str, Any]:
        """Northstar claims the job outcome of the `into_work` journey with a payslip as evidence, DWP's validator
        approves it, a payments officer prepares last month's run and another authorises it (the outcome and the
        service fee instalments due); Northstar then owes Tynebridge its share of the outcome, and pays it, while
        what it owes Clearsound for its services stays outstanding. Last month's run leaves this month's to the
        README's walkthrough (a period has one run, and runs go forward)."""
        assert self.claims is not None and self.ct is not None
        d = calendar.day
        case_id = next(r for r, c in zip(referral_ids, CLAIMANTS, strict=True) if c.journey == "into_work")
        prime = "prime-northstar"
        outcome = self._until_payable(case_id, prime)
        job = self._ok(self.ct.get(f"/cases/{case_id}/jobs", headers=self._h(prime)))["items"][0]
        evidence = self._ok(self.claims.post("/evidence", headers=self._h(prime), json={
            "case_id": case_id, "kind": "payslip", "job_id": job["job_id"], "covers_from": d(7).isoformat(),
            "covers_to": d(13).isoformat(), "obtained_how": "from_claimant", "obtained_on": d(18).isoformat(),
            "description": "Payslip for the first week in work: 29.5 hours.",
        }))
        claim = self._ok(self.claims.post(
            "/claims", headers={**self._h(prime), "Idempotency-Key": f"demo-claim-{case_id}"},
            json={"entitlement_id": outcome["entitlement_id"], "evidence_ids": [evidence["evidence_id"]]},
        ))
        self._ok(self.claims.post(f"/claims/{claim['claim_id']}/approval", headers=self._h("dwp-validator"),
                                  json={"note": "The payslip matches the hours reported for the week."}))
        period = (calendar.today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
        run = self._ok(self.claims.post("/payment-runs", headers=self._h("dwp-payments"), json={"period": period}))
        self._ok(self.claims.post(f"/payment-runs/{run['run_id']}/authorisation",
                                  headers=self._h("dwp-payments-authoriser"),
                                  json={"inputs_digest": run["inputs_digest"]}))
        owed = self._until_owed(prime, "partner-tynebridge", run["run_id"])
        paid = self._ok(self.claims.post("/flow-down/payments", headers=self._h(prime), json={
            "partner_id": "partner-tynebridge", "amount_pence": sum(line["amount_pence"] for line in owed),
            "paid_on": calendar.today.isoformat(), "owed_ids": [line["owed_id"] for line in owed],
        }))
        return {"claim": claim["claim_id"], "run": run["run_id"], "partner_payment": paid["payment_id"]}

    def _until_payable(self, case_id: str, prime: str, timeout: float = 30.0) -> Any:
        """Claims learns of the journey and its weeks from events: wait until its job outcome is payable."""
        assert self.claims is not None
        deadline = time.monotonic() + timeout
        while True:
            response = self.claims.get(f"/journeys/{case_id}/entitlements", headers=self._h(prime))
            if response.status_code == 200:
                for entitlement in response.json()["items"]:
                    if (entitlement["kind"], entitlement["status"]) == ("job_outcome", "payable"):
                        return entitlement
            elif response.status_code != 404:
                self._ok(response)
            if time.monotonic() > deadline:
                raise RuntimeError(f"the job outcome of {case_id} was not payable in claims within {timeout:g} s: "
                                   f"{response.status_code} {response.text}")
            time.sleep(0.1)

    def _until_owed(self, prime: str, partner: str, run_id: str, timeout: float = 30.0) -> list[Any]:
        """Claims flows an authorised run down to partners on its own event: wait for the partner's lines."""
        assert self.claims is not None
        deadline = time.monotonic() + timeout
        while True:
            statement = self._ok(self.claims.get(f"/flow-down/statements/{partner}", headers=self._h(prime)))
            owed = [line for line in statement["items"] if line["run_id"] == run_id and line["status"] != "paid"]
            if owed:
                return owed
            if time.monotonic() > deadline:
                raise RuntimeError(f"nothing owed to {partner} for run {run_id} within {timeout:g} s")
            time.sleep(0.1)

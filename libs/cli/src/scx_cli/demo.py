"""The demo: one contract package area, DWP, a JCP district, two primes and partners under all four models,
and a handful of referrals started and allocated. Loaded through the services' APIs, as real users would."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

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
    DemoOrganisation("jcp-tyne-and-wear", "Jobcentre Plus Tyne and Wear district", "jcp", "referrer"),
    DemoOrganisation("prime-northstar", "Northstar Employment Services", "prime", "manager"),
    DemoOrganisation("prime-meridian", "Meridian Work Partnership", "prime", "manager"),
    DemoOrganisation("partner-tynebridge", "Tynebridge Works (end-to-end, Newcastle)", "partner", "manager"),
    DemoOrganisation("partner-clearsound", "Clearsound Sensory Support (specialist)", "partner", "manager"),
    DemoOrganisation("partner-citizens-advice", "Citizens Advice Gateshead (SLA)", "partner", "manager"),
    DemoOrganisation("partner-foodbank", "Westgate Community Food Bank (signposting)", "partner", "manager"),
    DemoOrganisation("partner-mindworks", "Mindworks Wellbeing (end-to-end, mental health)", "partner", "manager"),
]

# Synthetic NI numbers of the right shape; the demo's claimants are invented.
CLAIMANTS = [
    ("AB 10 20 30 A", "ESA", 6, True, ["mental_health"], "NE1"),
    ("CE 11 21 31 B", "JSA", 2, True, [], "NE2"),
    ("HJ 12 22 32 C", "ESA", 7, True, ["hearing_impairment"], "NE4"),
    ("KL 13 23 33 D", "ESA", 5, False, ["musculoskeletal"], "NE3"),
    ("MN 14 24 34 A", "IB", 8, False, ["respiratory"], "NE8"),
    ("PR 15 25 35 B", "JSA", 1, True, [], "NE1"),
    ("ST 16 26 36 C", "ESA", 6, True, ["mental_health"], "NE9"),
    ("WX 17 27 37 D", "JSA", 3, True, [], "SR1"),
]


def dev_issuer() -> TokenIssuer:
    """Signs with SCX_JWT_SECRET when set (`scx up` hands the same secret to every service), else the default."""
    secret = os.environ.get("SCX_JWT_SECRET")
    return TokenIssuer(secret) if secret else TokenIssuer()


def tokens(issuer: TokenIssuer | None = None) -> dict[str, str]:
    issuer = issuer or dev_issuer()
    out = {o.organisation_id: issuer.issue(o.organisation_id, o.kind, [o.role]) for o in ORGANISATIONS}
    out["dwp-auditor"] = issuer.issue("dwp", "dwp", ["auditor"], user="dwp-auditor")
    return out


class DemoLoader:
    def __init__(self, subcontracts_url: str, referral_url: str, issuer: TokenIssuer | None = None) -> None:
        import httpx

        self.sub = httpx.Client(base_url=subcontracts_url, timeout=10)
        self.ref = httpx.Client(base_url=referral_url, timeout=10)
        self.tokens = tokens(issuer or dev_issuer())

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
        today = today or date.today()
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
        referrals = self._refer_all(contracts, today)
        return {"contracts": contracts, "referrals": referrals}

    def _refer_all(self, contracts: dict[str, str], today: date) -> list[str]:
        plan = [
            ("prime-northstar", {"delivery": "partner", "partner_id": "partner-tynebridge"}),
            ("prime-northstar", {"delivery": "partner", "partner_id": "partner-tynebridge"}),
            ("prime-northstar", {"delivery": "partner", "partner_id": "partner-clearsound",
                                 "service": "bsl_interpreting"}),
            ("prime-northstar", {"delivery": "in_house"}),
            ("prime-northstar", {"delivery": "partner", "partner_id": "partner-citizens-advice"}),
            ("prime-meridian", {"delivery": "in_house"}),
            ("prime-meridian", {"delivery": "partner", "partner_id": "partner-mindworks"}),
            ("prime-meridian", None),  # referred, awaiting its start
        ]
        ids = []
        for i, ((nino, benefit, group, mandatory, needs, district), (prime, allocation)) in enumerate(
            zip(CLAIMANTS, plan, strict=True)
        ):
            referred_on = today - timedelta(days=14 - i)
            body = {
                "contract_id": contracts[prime], "national_insurance_number": nino, "benefit_type": benefit,
                "payment_group": group, "mandatory": mandatory, "needs": needs, "postcode_district": district,
                "referral_date": referred_on.isoformat(),
            }
            headers = {**self._h("jcp-tyne-and-wear"), "Idempotency-Key": f"demo-{i}"}
            referral = self._until_known(lambda b=body, h=headers: self.ref.post(
                "/referrals", headers=h, json=b
            ))
            ids.append(referral["referral_id"])
            if allocation is None:
                continue
            self._ok(self.ref.post(f"/referrals/{referral['referral_id']}/start", headers=self._h(prime), json={
                "started_on": (referred_on + timedelta(days=2)).isoformat(),
            }))
            # Allocated the day after the start, as a prime would, not on the day the demo happens to load.
            allocation = {**allocation, "allocated_on": (referred_on + timedelta(days=3)).isoformat()}
            self._until_known(lambda r=referral["referral_id"], a=allocation, p=prime: self.ref.post(
                f"/referrals/{r}/allocation", headers=self._h(p), json=a
            ))
        return ids

    def _until_known(self, call: Any, timeout: float = 30.0) -> Any:
        """The referral service learns of contracts and subcontracts from events: wait for them, don't guess."""
        deadline = time.monotonic() + timeout
        while True:
            response = call()
            waiting = response.status_code == 422 and response.json().get("type", "").endswith(
                ("/unknown-contract", "/no-subcontract", "/unknown-partner")
            )
            if not waiting or time.monotonic() > deadline:
                return self._ok(response)
            time.sleep(0.1)

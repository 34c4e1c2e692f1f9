"""The report routes the bench times: one entry each (the path as the service's OpenAPI document names it, whose
area of issue 11 it is, and whether a prime reads it too), and the choice of each request's parameters.

A report is timed if the running service's `/openapi.json` lists its path; an entry it does not list is reported as
not yet built, and a GET route it lists outside the registry's and the platform's is timed as well, its parameters
filled by name. Parameters vary request by request: another contract (with its prime's token, for a prime), partner,
month window, ISO week or quarter each time.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from scx_cli.bench_figures.journeys import first_month
from scx_cli.bench_figures.registry import ContractPlan, months_from

RETURNS, PERFORMANCE, FLOWS = "returns and reconciliation", "performance", "flows and health"
PPR = "/contracts/{contract_id}/performance-reviews/{quarter}"


@dataclass(frozen=True)
class Report:
    name: str
    path: str
    area: str
    prime: bool = True  # False: DWP's alone (a prime is refused)
    fill: tuple[str, ...] = ()  # optional parameters to fill as well, beyond the window's
    accept: str | None = None  # another representation than JSON


REPORTS: tuple[Report, ...] = (
    Report("a partner's weekly returns (listing)", "/weekly-returns", RETURNS,
           fill=("contract_id", "subcontract_id")),
    Report("one weekly return", "/weekly-returns/{return_id}", RETURNS),
    Report("a contract's deadline for returns", "/contracts/{contract_id}/weekly-return-deadline", RETURNS),
    Report("reconciliation of a return, figure by figure", "/weekly-returns/{return_id}/reconciliation", RETURNS),
    Report("reconciliation of a contract's weeks (1 to 13, a page)", "/reconciliation", RETURNS,
           fill=("contract_id",)),
    Report("performance against profile", "/contracts/{contract_id}/performance", PERFORMANCE),
    Report("conversion by start cohort", "/contracts/{contract_id}/conversion", PERFORMANCE),
    Report("minimum performance by referral cohort and payment group", "/contracts/{contract_id}/minimum-performance",
           PERFORMANCE),
    Report("the minimum performance levels set", "/contracts/{contract_id}/minimum-performance-levels", PERFORMANCE),
    Report("the primes of an area side by side", "/contract-package-areas/{area}/performance", PERFORMANCE,
           prime=False),
    Report("quarterly Provider Performance Review pack (JSON)", PPR, PERFORMANCE),
    Report("quarterly Provider Performance Review pack (CSV)", PPR, PERFORMANCE, accept="text/csv"),
    Report("referral flows, primes side by side", "/referral-flows", FLOWS, fill=("contract_id",)),
    Report("referral flows of a prime, by partner", "/referral-flows/{prime_id}", FLOWS),
    Report("supply-chain health: partners' shares, payment timeliness", "/contracts/{contract_id}/supply-chain-health",
           FLOWS),
)

# The registry's reads and the platform's: not reports
NOT_REPORTS = frozenset({
    "/health", "/ready", "/metrics", "/organisations", "/organisations/{organisation_id}", "/contracts",
    "/contracts/{contract_id}", "/contracts/{contract_id}/profile", "/subcontracts", "/subcontracts/{subcontract_id}",
})
NOT_REPORT_PREFIXES = ("/operations/",)


def is_report(path: str) -> bool:
    return path not in NOT_REPORTS and not path.startswith(NOT_REPORT_PREFIXES)


@dataclass
class Catalogue:
    """What requests may name: the loaded year's contracts, subcontracts, months, weeks and returns."""

    plans: list[ContractPlan]
    end: date
    returns: list[tuple[str, str, str, str]] = field(default_factory=list)  # (return, contract, subcontract, week)

    @property
    def months(self) -> list[str]:
        return [f"{d.year:04d}-{d.month:02d}" for d in months_from(first_month(self.end), 12)]


@dataclass
class Pick:
    """One request's choices, made once so that every parameter agrees (a subcontract of the contract chosen...)."""

    plan: ContractPlan
    subcontract_id: str
    partner_id: str
    first_month: str
    last_month: str
    month: str
    iso_week: str
    first_week: str
    last_week: str
    quarter: str
    return_id: str | None

    def value(self, name: str, schema: Mapping[str, Any]) -> str | None:
        """The value for a parameter of this name (and schema), or None when the bench cannot tell."""
        kind = NAMES.get(name.lower().replace("-", "_"))
        if kind is None:
            return None
        if schema.get("format") == "date" and kind in ("month", "first_month", "last_month", "iso_week", "first_week",
                                                     "last_week"):
            return _as_date(kind, self)
        return {
            "contract": self.plan.contract_id, "prime": self.plan.prime_id, "area": self.plan.area.name,
            "subcontract": self.subcontract_id, "partner": self.partner_id, "first_month": self.first_month,
            "last_month": self.last_month, "month": self.month, "iso_week": self.iso_week, "quarter": self.quarter,
            "first_week": self.first_week, "last_week": self.last_week,
            "return": self.return_id,
        }[kind]


NAMES = {
    "contract_id": "contract", "prime_id": "prime", "area": "area", "contract_package_area": "area",
    "subcontract_id": "subcontract", "partner_id": "partner", "organisation_id": "partner",
    "from": "first_month", "from_month": "first_month", "since": "first_month", "to": "last_month",
    "to_month": "last_month", "until": "last_month", "month": "month", "iso_week": "iso_week", "week": "iso_week",
    "quarter": "quarter", "return_id": "return", "week_from": "first_week", "from_week": "first_week",
    "week_to": "last_week", "to_week": "last_week",
}


def _as_date(kind: str, pick: Pick) -> str:
    if kind in ("iso_week", "first_week", "last_week"):
        year, week = getattr(pick, kind).split("-W")
        return date.fromisocalendar(int(year), int(week), 1).isoformat()
    return f"{getattr(pick, kind)}-01"


def pick(rng: random.Random, catalogue: Catalogue, *, prime_id: str | None = None) -> Pick:
    """A contract (of `prime_id`, when given) and what goes with it; a window of 1 to 12 of the year's months."""
    plans = [p for p in catalogue.plans if prime_id is None or p.prime_id == prime_id]
    plan = rng.choice(plans)
    returns = [r for r in catalogue.returns if r[1] == plan.contract_id]
    if returns:
        return_id, _, subcontract_id, week = rng.choice(returns)
        partner = next(a.partner_id for a in (*plan.end_to_end, *plan.specialists, *plan.sla)
                       if a.subcontract_id == subcontract_id)
    else:
        chosen = rng.choice(plan.end_to_end)
        return_id, subcontract_id, partner = None, chosen.subcontract_id, chosen.partner_id
        week = _iso_week(catalogue.end - timedelta(days=7 * rng.randint(1, 51)))
    last_week = catalogue.end - timedelta(days=catalogue.end.weekday() + 7 * rng.randint(1, 40))
    first_week = last_week - timedelta(weeks=rng.randint(0, 12))
    months = catalogue.months
    first = rng.randrange(len(months))
    last = rng.randrange(first, len(months))
    year, month = (int(x) for x in rng.choice(months[:-1]).split("-"))
    return Pick(
        plan=plan, subcontract_id=subcontract_id, partner_id=partner, first_month=months[first],
        last_month=months[last], month=rng.choice(months), iso_week=week, quarter=f"{year}-Q{(month - 1) // 3 + 1}",
        first_week=_iso_week(first_week), last_week=_iso_week(last_week),
        return_id=return_id,
    )


def _iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}"

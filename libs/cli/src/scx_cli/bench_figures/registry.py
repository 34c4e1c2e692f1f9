"""A national registry, as the Work Programme had it: 18 contract package areas, 40 prime contracts (two or three
primes an area, held by 18 prime organisations), each with a 24-month original profile and for about a third a
revision; about 700 supply-chain partners holding about 760 subcontracts under the four models (end to end with a
share of the prime's targets, specialist with priced services, SLA, a few signposting), some varied, a few ended.

The rows are written as the registry's use cases write them (terms as `SubcontractTerms` JSON, a variation row per
change); the journey generator reads the same plan to allocate referrals down each supply chain.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from scx_cli.bench_figures.ids import uuid7_on
from scx_contracts.subcontracts import ClientGroup, SpecialistService, SubcontractTerms

# (area, postcode areas): the Work Programme's 18 contract package areas, roughly
AREAS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("North East", ("NE", "DH", "SR", "TS", "DL")),
    ("Merseyside, Lancashire and Cumbria", ("L", "PR", "BB", "CA", "LA")),
    ("Greater Manchester, Cheshire and Warrington", ("M", "OL", "BL", "SK", "WN", "CW")),
    ("West Yorkshire", ("LS", "BD", "HX", "HD", "WF")),
    ("North East Yorkshire and the Humber", ("YO", "HU", "DN", "HG", "S")),
    ("East Midlands", ("NG", "DE", "LE", "LN", "NN")),
    ("Birmingham, Solihull and the Black Country", ("B", "WV", "WS", "DY")),
    ("Coventry, Warwickshire, Staffordshire and the Marches", ("CV", "ST", "TF", "WR", "HR")),
    ("East of England", ("CB", "NR", "IP", "CO", "PE", "LU")),
    ("London East", ("E", "IG", "RM", "EN", "N")),
    ("London West", ("W", "NW", "HA", "UB", "TW", "SW")),
    ("Thames Valley", ("RG", "OX", "SL", "MK", "HP")),
    ("Surrey, Sussex and Kent", ("ME", "CT", "TN", "BN", "GU", "RH")),
    ("Hampshire and the Isle of Wight", ("SO", "PO", "BH")),
    ("Devon, Cornwall, Somerset and Dorset", ("EX", "PL", "TQ", "TR", "TA")),
    ("Gloucestershire, Wiltshire and the West of England", ("GL", "BS", "BA", "SN")),
    ("Wales", ("CF", "SA", "NP", "LL", "SY")),
    ("Scotland", ("G", "EH", "AB", "DD", "KY", "PA")),
)
PRIMES = (
    "northstar", "keystone", "pathfinder", "meridian", "lighthouse", "harbour", "beacon", "compass", "summit",
    "riverside", "evergreen", "horizon", "cornerstone", "bridgeway", "greenfield", "ironbridge", "westgate", "oakleaf",
)
SERVICES = ("british_sign_language", "visual_impairment_support", "mental_health_counselling", "condition_management",
            "vocational_training", "self_employment_coaching", "debt_advice", "learning_support")
CONDITIONS = ("mental_health", "musculoskeletal", "cardiovascular", "respiratory", "neurological",
              "learning_disability", "hearing_impairment", "visual_impairment")
_WORDS = ("Bright", "Future", "Pathways", "Steps", "Works", "Life", "Skills", "Access", "Forward", "Open", "Community",
          "Trust", "Horizons", "Action", "Routes", "Ability", "Careers", "Start", "Link", "Unity")
PAYMENT_MODEL = "pathways-30-50-20"
# Minimum performance levels by payment group, basis points of a referral cohort with a job outcome in 12 months
LEVELS = (2800, 2500, 2300, 1600, 1400, 1100, 400, 700, 1500)
DWP = "dwp"


@dataclass(frozen=True)
class Area:
    name: str
    districts: tuple[str, ...]
    referrers: tuple[str, ...]


@dataclass(frozen=True)
class Allocation:
    """A subcontract the prime can allocate referrals (or deliver services) under, and how often it does."""

    subcontract_id: str
    partner_id: str
    model: str
    weight: float
    start: date
    ended_on: date | None = None
    service: str | None = None  # a specialist's first priced service

    def live_on(self, day: date) -> bool:
        return self.start <= day and (self.ended_on is None or day < self.ended_on)


@dataclass
class ContractPlan:
    contract_id: str
    prime_id: str
    area: Area
    start: date
    end: date
    share: float  # of the national referrals
    in_house: float  # the share of starts the prime keeps
    end_to_end: list[Allocation] = field(default_factory=list)
    sla: list[Allocation] = field(default_factory=list)
    signposting: list[Allocation] = field(default_factory=list)
    specialists: list[Allocation] = field(default_factory=list)


@dataclass
class Registry:
    """The registry's rows, each a dict of its table's columns, and the plan the journeys are drawn from."""

    organisations: list[dict[str, Any]] = field(default_factory=list)
    contracts: list[dict[str, Any]] = field(default_factory=list)
    profile_months: list[dict[str, Any]] = field(default_factory=list)
    subcontracts: list[dict[str, Any]] = field(default_factory=list)
    subcontract_variations: list[dict[str, Any]] = field(default_factory=list)
    level_sets: list[dict[str, Any]] = field(default_factory=list)
    levels: list[dict[str, Any]] = field(default_factory=list)
    plans: list[ContractPlan] = field(default_factory=list)

    def rows(self) -> dict[str, list[dict[str, Any]]]:
        """By table, in the order foreign keys need them."""
        return {
            "organisations": self.organisations, "contracts": self.contracts, "profile_months": self.profile_months,
            "subcontracts": self.subcontracts, "subcontract_variations": self.subcontract_variations,
            "minimum_performance_level_sets": self.level_sets, "minimum_performance_levels": self.levels,
        }


def months_from(first: date, count: int) -> list[date]:
    index = first.year * 12 + first.month - 1
    return [date((index + k) // 12, (index + k) % 12 + 1, 1) for k in range(count)]


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, tzinfo=UTC)


def _month(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def build_registry(rng: random.Random, *, first_month: date, referrals: int) -> Registry:
    """Contracts that began `first_month` (a year before the bench's last month) and run 24 months."""
    registry = Registry()
    start = first_month
    end = months_from(start, 25)[-1] - timedelta(days=1)
    awarded = start - timedelta(days=60)
    registry.organisations.append(_organisation(DWP, "Department for Work and Pensions", "dwp", awarded))
    for prime in PRIMES:
        registry.organisations.append(_organisation(f"prime-{prime}", f"{prime.title()} Employment Ltd", "prime",
                                                    awarded))
    areas = []
    for n, (name, prefixes) in enumerate(AREAS):
        districts = tuple(f"{p}{k}" for p in prefixes for k in range(1, 13))
        referrers = tuple(f"jcp-{n + 1:02d}-{k}" for k in range(1, rng.randint(4, 8) + 1))
        for referrer in referrers:
            registry.organisations.append(_organisation(referrer, f"Jobcentre Plus {name} {referrer[-1]}", "jcp",
                                                        awarded))
        areas.append(Area(name, districts, referrers))
    three_primes = set(rng.sample(range(len(areas)), 4))  # 4 areas of three primes, 14 of two: 40 contracts
    sizes = [rng.uniform(0.6, 1.5) for _ in areas]
    total = sum(sizes)
    primes = [f"prime-{p}" for p in PRIMES]
    partners = _Partners(registry, awarded)
    for n, area in enumerate(areas):
        count = 3 if n in three_primes else 2
        splits = [rng.uniform(0.7, 1.3) for _ in range(count)]
        holders = rng.sample(primes, count)
        for prime_id, split in zip(holders, splits, strict=True):
            share = sizes[n] / total * split / sum(splits)
            plan = ContractPlan(
                contract_id=uuid7_on(rng, awarded), prime_id=prime_id, area=area, start=start, end=end, share=share,
                in_house=rng.uniform(0.25, 0.6),
            )
            registry.plans.append(plan)
            yearly = referrals * share
            registry.contracts.append({
                "contract_id": plan.contract_id, "prime_id": prime_id, "contract_package_area": area.name,
                "start_date": start, "end_date": end, "value_pence": int(yearly * 2 * 2_400) * 100,
                "payment_model": PAYMENT_MODEL, "profile_revision": 1, "awarded_at": _at(awarded),
            })
            _profiles(rng, registry, plan, yearly / 12, awarded)
            _levels(rng, registry, plan, awarded)
            _supply_chain(rng, registry, plan, partners)
    return registry


def _organisation(organisation_id: str, name: str, kind: str, day: date) -> dict[str, Any]:
    return {"organisation_id": organisation_id, "name": name, "kind": kind,
            "registered_at": _at(day - timedelta(days=30))}


def _profiles(rng: random.Random, registry: Registry, plan: ContractPlan, monthly: float, awarded: date) -> None:
    """The original 24 months: job outcomes ramp up over the first eight, sustained outcomes follow six months
    later, WFIs grow with the caseload. About a third were revised down from the seventh month, as DWP did."""
    months = months_from(plan.start, 24)
    optimism = rng.uniform(1.0, 1.35)  # profiles were often unrealistic
    original = []
    for i in range(24):
        job = round(monthly * 0.3 * min(1.0, (i + 1) / 8) * optimism)
        sustained = round(monthly * 0.15 * min(1.0, max(0, i - 5) / 8) * optimism)
        wfis = round(monthly * 4.2 * min(1.0, (i + 1) / 4))
        original.append((job, sustained, wfis))
    revisions = [original]
    if rng.random() < 0.35:
        cut = rng.uniform(0.7, 0.9)
        revisions.append([(round(j * cut), round(s * cut), w) if i >= 6 else (j, s, w)
                          for i, (j, s, w) in enumerate(original)])
    for revision, figures in enumerate(revisions, start=1):
        set_at = _at(awarded if revision == 1 else months[6] - timedelta(days=10))
        for month, (job, sustained, wfis) in zip(months, figures, strict=True):
            registry.profile_months.append({
                "contract_id": plan.contract_id, "revision": revision, "month": _month(month), "job_outcomes": job,
                "sustained_job_outcomes": sustained, "work_focused_interviews": wfis, "set_at": set_at,
            })
    registry.contracts[-1]["profile_revision"] = len(revisions)


def _levels(rng: random.Random, registry: Registry, plan: ContractPlan, awarded: date) -> None:
    """DWP's levels for every payment group from the contract's first cohort; for about a quarter of contracts
    raised for the cohorts from the seventh month."""
    settings: list[tuple[str, datetime, tuple[int, ...]]] = [(_month(plan.start), _at(awarded), LEVELS)]
    if rng.random() < 0.25:
        seventh = months_from(plan.start, 7)[6]
        settings.append((_month(seventh), _at(seventh - timedelta(days=20)), tuple(round(v * 1.1) for v in LEVELS)))
    for revision, (applies_from, set_at, levels) in enumerate(settings, start=1):
        registry.level_sets.append({"contract_id": plan.contract_id, "revision": revision, "applies_from": applies_from,
                                    "set_at": set_at, "set_by": "dwp-user"})
        registry.levels.extend({"contract_id": plan.contract_id, "revision": revision, "payment_group": group,
                                "level_basis_points": points} for group, points in enumerate(levels, start=1))


class _Partners:
    """New partners as the supply chains need them; about one in ten is taken from the area's others instead."""

    def __init__(self, registry: Registry, day: date) -> None:
        self.registry, self.day = registry, day
        self.by_area: dict[str, list[str]] = {}

    def pick(self, rng: random.Random, area: str, taken: set[str]) -> str:
        known = [p for p in self.by_area.get(area, []) if p not in taken]
        if known and rng.random() < 0.1:
            partner = rng.choice(known)
        else:
            n = sum(1 for o in self.registry.organisations if o["kind"] == "partner") + 1
            a, b = rng.sample(_WORDS, 2)
            partner = f"partner-{n:04d}-{a.lower()}-{b.lower()}"
            self.registry.organisations.append(_organisation(partner, f"{a} {b} {n}", "partner", self.day))
            self.by_area.setdefault(area, []).append(partner)
        taken.add(partner)
        return partner


def _supply_chain(rng: random.Random, registry: Registry, plan: ContractPlan, partners: _Partners) -> None:
    taken: set[str] = set()
    e2e = rng.randint(4, 8)
    shares = [rng.randint(4, 14) for _ in range(e2e)]
    while sum(shares) > 90:
        shares = [max(1, s - 1) for s in shares]
    for share in shares:
        # Bid candy: some partners receive far fewer referrals than the share of targets they were promised.
        weight = share * (rng.uniform(0.2, 0.5) if rng.random() < 0.25 else rng.uniform(0.8, 1.3))
        districts = rng.sample(plan.area.districts, rng.randint(3, 12))
        conditions = rng.sample(CONDITIONS, rng.randint(0, 2))
        terms = SubcontractTerms(
            client_group=ClientGroup(postcode_districts=districts, health_conditions=conditions),
            share_of_targets_percent=share, outcome_payment_share_percent=rng.choice([None, 60, 70, 75, 80]),
            monthly_capacity=rng.choice([None, 80, 120, 200, 300]), start_date=plan.start, end_date=plan.end,
        )
        plan.end_to_end.append(_agree(rng, registry, plan, partners.pick(rng, plan.area.name, taken), "end_to_end",
                                      terms, weight))
    for _ in range(rng.randint(5, 9)):
        services = rng.sample(SERVICES, rng.randint(1, 3))
        terms = SubcontractTerms(
            client_group=ClientGroup(health_conditions=rng.sample(CONDITIONS, 1)),
            services=[SpecialistService(service=s, price_pence=rng.randrange(150, 900) * 100) for s in services],
            monthly_capacity=rng.choice([None, 20, 40, 60]), start_date=plan.start, end_date=plan.end,
        )
        plan.specialists.append(_agree(rng, registry, plan, partners.pick(rng, plan.area.name, taken), "specialist",
                                       terms, 1.0, service=services[0]))
    for _ in range(rng.randint(3, 6)):
        terms = SubcontractTerms(client_group=ClientGroup(postcode_districts=rng.sample(plan.area.districts, 2)),
                                 start_date=plan.start, end_date=plan.end)
        plan.sla.append(_agree(rng, registry, plan, partners.pick(rng, plan.area.name, taken), "sla", terms, 1.0))
    for _ in range(rng.randint(0, 3)):
        terms = SubcontractTerms(start_date=plan.start, end_date=plan.end)
        plan.signposting.append(_agree(rng, registry, plan, partners.pick(rng, plan.area.name, taken),
                                       "signposting", terms, 1.0))


def _agree(
    rng: random.Random, registry: Registry, plan: ContractPlan, partner_id: str, model: str, terms: SubcontractTerms,
    weight: float, *, service: str | None = None,
) -> Allocation:
    """The subcontract's row as agreed (a few late in the year), varied once or twice (about one in ten), or ended
    (about one in fifty: the prime took the work back in house)."""
    agreed_on = plan.start - timedelta(days=rng.randint(0, 30))
    start = plan.start
    if rng.random() < 0.08:
        start = plan.start + timedelta(days=rng.randint(30, 150))
        agreed_on = start - timedelta(days=rng.randint(0, 20))
        terms = terms.model_copy(update={"start_date": start})
    subcontract_id = uuid7_on(rng, agreed_on)
    variation = 0
    registry.subcontract_variations.append({  # the terms agreed, as the registry records them (variation 0)
        "subcontract_id": subcontract_id, "variation": 0, "reason": "the terms agreed",
        "terms": terms.model_dump(mode="json"), "varied_at": _at(agreed_on), "varied_by": f"{plan.prime_id}-user",
    })
    if rng.random() < 0.1:
        for _ in range(rng.randint(1, 2)):
            variation += 1
            varied_on = min(start + timedelta(days=rng.randint(20, 160) * variation), plan.start + timedelta(days=340))
            update: dict[str, Any] = {"monthly_capacity": rng.choice([None, 60, 150, 250])} \
                if model in ("end_to_end", "specialist") else {}
            if model == "end_to_end" and terms.share_of_targets_percent is not None:
                update["share_of_targets_percent"] = max(1, terms.share_of_targets_percent - rng.randint(1, 3))
            terms = terms.model_copy(update=update)
            registry.subcontract_variations.append({
                "subcontract_id": subcontract_id, "variation": variation,
                "reason": rng.choice(["capacity agreed at quarterly review", "client group widened",
                                      "share of targets rebalanced after the provider performance review"]),
                "terms": terms.model_dump(mode="json"), "varied_at": _at(varied_on),
                "varied_by": f"{plan.prime_id}-user",
            })
    ended_on = None
    if rng.random() < 0.02:
        ended_on = min(start + timedelta(days=rng.randint(120, 300)), plan.start + timedelta(days=330))
    registry.subcontracts.append({
        "subcontract_id": subcontract_id, "contract_id": plan.contract_id, "prime_id": plan.prime_id,
        "partner_id": partner_id, "model": model, "terms": terms.model_dump(mode="json"), "start_date": start,
        "end_date": terms.end_date, "status": "ended" if ended_on else "live", "variation": variation,
        "ended_on": ended_on, "end_reason": "prime_took_in_house" if ended_on else None,
        "end_note": "Targets taken back in house" if ended_on else None, "agreed_at": _at(agreed_on),
    })
    return Allocation(subcontract_id, partner_id, model, weight, start, ended_on, service)

"""A national year of claimants' journeys, one referral at a time, each as the events the referral service, case
tracking and claims would publish for it, in order. Deterministic from the seed and the last day of the year.

Proportions (of referrals; drawn per journey, then cut at the year's last day, so recent referrals show less):

| what | how often |
| --- | --- |
| rejected before a start (a coded reason; 2 working days to answer, some late) | 4% |
| withdrawn before a start | 2% |
| started (an attachment), then allocated in house or down the supply chain (end to end; a few SLA, signposting) | 94% |
| re-allocated to another partner or back in house | 4% of starts |
| Work Focused Interviews: 3 to 6 (2 to 5 for volunteers), the first within 15 working days for most | all starts |
| a fail-to-attend before a WFI | 12% of WFIs |
| CMP sessions (ESA and IB groups) | 30% of those |
| needs assessment, then an action plan | 92%, then 95% |
| activities (0 to 5), a specialist partner's service | all; 8% |
| a job start (by payment group, 13% to 50%) | about 35% |
| a job outcome claimed (4% rejected, half of those claimed again); a sustained outcome | 80% of job starts; 55% |
| withdrawn after the start; left early | 4%; 8% |
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from operator import itemgetter
from typing import NamedTuple

from scx_cli.bench_figures.ids import claimant_ref, uuid7_on
from scx_cli.bench_figures.registry import Allocation, ContractPlan, Registry, build_registry, months_from
from scx_contracts.clocks import add_working_days, is_working_day

# Payment groups 1-9: their share of referrals, their chance of a job start
GROUP_WEIGHTS = (0.14, 0.34, 0.04, 0.05, 0.04, 0.22, 0.09, 0.05, 0.03)
JOB_RATES = (0.52, 0.46, 0.42, 0.33, 0.33, 0.24, 0.14, 0.17, 0.28)
BENEFITS = ("JSA", "JSA", "JSA", "JSA", "ESA", "ESA", "ESA", "IB", "JSA")
ACTIVITIES = ("diagnostic", "cv", "interview_skills", "confidence", "job_club", "vocational_training",
              "work_placement", "debt_advice", "housing_advice", "job_search")
CONDITIONS = ("mental_health", "musculoskeletal", "cardiovascular", "respiratory", "neurological")
REJECTIONS = ("ineligible", "already_on_provision", "already_in_work", "referred_twice",
              "referred_to_more_than_one_provider", "wrong_programme")
# Working days from referral to start, and to the first WFI: most within the clock, some after it
START_DAYS, START_WEIGHTS = (0, 1, 2, 3, 4, 6), (30, 38, 17, 8, 4, 3)
WFI_DAYS = tuple(range(2, 26))
WFI_WEIGHTS = tuple(10 if d <= 12 else 6 if d <= 15 else 1.2 for d in WFI_DAYS)
# Same-day order: what must come first (a start before its allocation; a claim before its rejection)
RANK = {kind: n for n, kind in enumerate((
    "received", "rejected", "started", "allocated", "reallocated", "failed_to_attend", "attended", "action_plan",
    "activity", "job_started", "claim_submitted", "claim_rejected", "withdrawn", "exited"))}


# (day, same-day rank, kind, by, subcontract, detail, claim, number): a step before it has its id and deliverer
Draft = tuple[date, int, str, str | None, str | None, str | None, str | None, int]


class Step(NamedTuple):
    """One event of a journey. `by` is who did it (the delivering organisation; for an allocation the partner, None
    in house); `detail` the appointment kind, activity, reason, exit kind, claim kind or supply-chain model;
    `number` a WFI's number or a claim's sequence."""

    event_id: str
    kind: str
    on: date
    by: str | None = None
    subcontract_id: str | None = None
    detail: str | None = None
    claim_id: str | None = None
    number: int = 1


@dataclass(slots=True)
class JourneyPlan:
    referral_id: str
    claimant_ref: str
    contract_id: str
    prime_id: str
    referrer_id: str
    payment_group: int
    benefit_type: str
    mandatory: bool
    needs: tuple[str, ...]
    postcode_district: str
    referral_date: date
    steps: list[Step]


@dataclass(frozen=True)
class YearOptions:
    referrals: int = 700_000
    seed: int = 20261201
    end: date | None = None  # the year's last day (None: today)


@dataclass
class NationalYear:
    options: YearOptions
    end: date
    registry: Registry

    def journeys(self, months: Iterable[int] | None = None) -> Iterator[JourneyPlan]:
        """The journeys of the referrals of the year's months (0 its first; default all), in referral order; the
        same each time. Each month draws from its own random numbers, so months can be made apart, in parallel."""
        return _Journeys(self).generate(range(12) if months is None else months)


def first_month(end: date) -> date:
    """The first day of the twelve months that end with `end`'s."""
    index = end.year * 12 + end.month - 12
    return date(index // 12, index % 12 + 1, 1)


def national_year(options: YearOptions, today: date) -> NationalYear:
    """The registry, and a generator of the journeys, of the twelve months ending `options.end` (or today)."""
    end = options.end or today
    rng = random.Random(options.seed)
    return NationalYear(options, end, build_registry(rng, first_month=first_month(end), referrals=options.referrals))


@cache
def _working_days_after(day: date, days: int) -> date:
    return add_working_days(day, days)


class _Journeys:
    def __init__(self, year: NationalYear) -> None:
        self.year, self.end = year, year.end
        self.rng = random.Random()  # each month's own, from `generate`
        plans = year.registry.plans
        self.plans = plans
        self.cumulative = list(itertools.accumulate(p.share for p in plans))
        self.groups = list(itertools.accumulate(GROUP_WEIGHTS))

    def generate(self, months: Iterable[int]) -> Iterator[JourneyPlan]:
        seed, total = self.year.options.seed, self.year.options.referrals
        rng = random.Random(seed + 1)
        days_of = [[d for d in _days(m, self.end) if is_working_day(d)] for m in months_from(first_month(self.end), 12)]
        seasonal = [len(days) * (0.9 + 0.2 * rng.random()) for days in days_of]
        scale = total / sum(seasonal)
        counts = [int(s * scale) for s in seasonal]
        counts[counts.index(max(counts))] += total - sum(counts)
        for month in months:
            self.rng = rng = random.Random(seed * 100 + 2 + month)
            for referral_date in sorted(rng.choice(days_of[month]) for _ in range(counts[month])):
                yield self.journey(referral_date)

    def journey(self, referral_date: date) -> JourneyPlan:
        rng = self.rng
        plan = self.plans[min(bisect.bisect(self.cumulative, rng.random() * self.cumulative[-1]),
                              len(self.plans) - 1)]
        group = bisect.bisect(self.groups, rng.random() * self.groups[-1]) + 1
        group = min(group, 9)
        referral_id = uuid7_on(rng, referral_date)
        esa = BENEFITS[group - 1] in ("ESA", "IB")
        needs = tuple(rng.sample(CONDITIONS, rng.randint(1, 2))) if esa or rng.random() < 0.15 else ()
        journey = JourneyPlan(
            referral_id=referral_id, claimant_ref=claimant_ref(referral_id), contract_id=plan.contract_id,
            prime_id=plan.prime_id, referrer_id=rng.choice(plan.area.referrers), payment_group=group,
            benefit_type=BENEFITS[group - 1], mandatory=group != 5, needs=needs,
            postcode_district=rng.choice(plan.area.districts), referral_date=referral_date, steps=[],
        )
        drafts: list[Draft] = [(referral_date, 0, "received", None, None, None, None, 1)]
        self._draft(journey, plan, drafts)
        drafts = [d for d in drafts if d[0] <= self.end]
        drafts.sort(key=itemgetter(0, 1))
        self._walk(journey, plan, drafts)
        return journey

    def _draft(self, journey: JourneyPlan, plan: ContractPlan, drafts: list[Draft]) -> None:
        rng, r = self.rng, journey.referral_date
        u = rng.random()
        if u < 0.04:
            on = _working_days_after(r, rng.choices(START_DAYS, START_WEIGHTS)[0])
            drafts.append((on, 1, "rejected", None, None, rng.choice(REJECTIONS), None, 1))
            return
        if u < 0.06:
            withdrawn = r + timedelta(days=rng.randint(1, 12))
            drafts.append((withdrawn, 12, "withdrawn", None, None, "left_benefit", None, 1))
            return
        started = _working_days_after(r, rng.choices(START_DAYS, START_WEIGHTS)[0])
        drafts.append((started, 2, "started", None, None, None, None, 1))
        allocated_on = started if rng.random() < 0.7 else started + timedelta(days=rng.randint(1, 3))
        current = self._allocation(plan, allocated_on, None)
        drafts.append((allocated_on, 3, "allocated", *_allocated(current), None, 1))
        v = rng.random()
        if v < 0.04:
            stop = started + timedelta(days=rng.randint(7, 120))
            drafts.append((stop, 12, "withdrawn", None, None, "moved_out_of_area", None, 1))
        elif v < 0.12:
            stop = started + timedelta(days=rng.randint(20, 250))
            drafts.append((stop, 13, "exited", None, None, "early_exit", None, 1))
        else:
            stop = started + timedelta(days=365)
            drafts.append((stop, 13, "exited", None, None, "completion", None, 1))
        if rng.random() < 0.04:
            on = allocated_on + timedelta(days=rng.randint(14, 100))
            moved = self._allocation(plan, on, current)
            if moved != current and on < stop:
                drafts.append((on, 4, "reallocated", *_allocated(moved), None, 1))
        journey_drafts: list[Draft] = []
        self._appointments(journey, started, journey_drafts)
        self._activities(plan, started, journey_drafts)
        self._work(journey, started, stop, journey_drafts, drafts)
        drafts.extend(d for d in journey_drafts if d[0] <= stop)

    def _allocation(self, plan: ContractPlan, on: date, current: Allocation | None) -> Allocation | None:
        """In house (None), or a live subcontract: end to end mostly, a few SLA and signposting."""
        rng = self.rng
        x = rng.random()
        if current is not None and x < 0.5:
            return None
        if current is None and x < plan.in_house:
            return None
        pool = plan.end_to_end
        if x > 0.97 and plan.sla:
            pool = plan.sla
        elif x > 0.96 and plan.signposting:
            pool = plan.signposting
        live = [a for a in pool if a.live_on(on) and a is not current]
        if not live:
            return None
        return rng.choices(live, [a.weight for a in live])[0]

    def _appointments(self, journey: JourneyPlan, started: date, drafts: list[Draft]) -> None:
        rng = self.rng
        on = max(_working_days_after(journey.referral_date, rng.choices(WFI_DAYS, WFI_WEIGHTS)[0]), started)
        for number in range(1, (rng.randint(3, 6) if journey.mandatory else rng.randint(2, 5)) + 1):
            if rng.random() < 0.12 and on - timedelta(days=7) >= started:
                drafts.append((on - timedelta(days=7), 5, "failed_to_attend", None, None, "wfi", None, number))
            drafts.append((on, 6, "attended", None, None, "wfi", None, number))
            on += timedelta(days=rng.randint(21, 42))
        if journey.benefit_type in ("ESA", "IB") and rng.random() < 0.3:
            for _ in range(rng.randint(1, 4)):
                drafts.append((started + timedelta(days=rng.randint(10, 150)), 6, "attended", None, None,
                               "cmp_session", None, 1))
        if rng.random() < 0.92:
            assessed = started + timedelta(days=rng.randint(2, 40))
            drafts.append((assessed, 6, "attended", None, None, "needs_assessment", None, 1))
            if rng.random() < 0.95:
                drafts.append((assessed + timedelta(days=rng.randint(0, 10)), 7, "action_plan", None, None, None,
                               None, 1))

    def _activities(self, plan: ContractPlan, started: date, drafts: list[Draft]) -> None:
        rng = self.rng
        for _ in range(rng.randint(0, 5)):
            drafts.append((started + timedelta(days=rng.randint(7, 300)), 8, "activity", None, None,
                           rng.choice(ACTIVITIES), None, 1))
        if plan.specialists and rng.random() < 0.08:
            specialist = rng.choice(plan.specialists)
            for _ in range(rng.randint(1, 3)):
                on = started + timedelta(days=rng.randint(14, 200))
                if specialist.live_on(on):
                    drafts.append((on, 8, "activity", specialist.partner_id, specialist.subcontract_id,
                                   "specialist_service", None, 1))

    def _work(
        self, journey: JourneyPlan, started: date, stop: date, drafts: list[Draft], claims: list[Draft],
    ) -> date | None:
        """A job start (or two), its job outcome claim and sustained outcome; claims may follow the exit."""
        rng = self.rng
        if rng.random() >= JOB_RATES[journey.payment_group - 1]:
            return None
        job = started + timedelta(days=int(rng.triangular(14, 330, 60)))
        if job >= stop:
            return None
        drafts.append((job, 9, "job_started", None, None, None, None, 1))
        if rng.random() < 0.08:
            drafts.append((job + timedelta(days=rng.randint(60, 200)), 9, "job_started", None, None, None, None, 1))
        if rng.random() >= 0.8:
            return job
        payable = job + timedelta(days=rng.randint(7, 42))
        claim = uuid7_on(rng, payable)
        claims.append((payable, 10, "claim_submitted", None, None, "job_outcome", claim, 1))
        if rng.random() < 0.04:
            rejected = payable + timedelta(days=rng.randint(10, 40))
            claims.append((rejected, 11, "claim_rejected", None, None, "evidence_insufficient", claim, 1))
            if rng.random() < 0.5:
                again = rejected + timedelta(days=rng.randint(5, 30))
                claims.append((again, 10, "claim_submitted", None, None, "job_outcome", uuid7_on(rng, again), 1))
        if rng.random() < 0.55:
            sustained = job + timedelta(days=rng.randint(182, 200))
            claim = uuid7_on(rng, sustained)
            claims.append((sustained, 10, "claim_submitted", None, None, "sustained_job_outcome", claim, 1))
            if rng.random() < 0.02:
                claims.append((sustained + timedelta(days=rng.randint(10, 40)), 11, "claim_rejected", None, None,
                               "hours_not_met", claim, 1))
        return job

    def _walk(self, journey: JourneyPlan, plan: ContractPlan, drafts: list[Draft]) -> None:
        """Number the events, and name who did each: the end-to-end partner holding the journey delivers it, else
        the prime; an SLA or signposting partner holding it delivers its activities. Now and then the prime
        delivers a WFI itself while a partner holds the journey."""
        rng, steps = self.rng, journey.steps
        deliverer = holder = plan.prime_id
        for on, _, kind, by, subcontract_id, detail, claim_id, number in drafts:
            if kind in ("allocated", "reallocated"):
                holder = by or plan.prime_id
                deliverer = holder if detail == "end_to_end" else plan.prime_id
            elif kind in ("attended", "failed_to_attend", "action_plan", "job_started", "exited"):
                by = plan.prime_id if deliverer != plan.prime_id and rng.random() < 0.01 else deliverer
            elif kind == "activity" and by is None:
                by = holder
            steps.append(Step(uuid7_on(rng, on), kind, on, by, subcontract_id, detail, claim_id, number))


def _allocated(allocation: Allocation | None) -> tuple[str | None, str | None, str | None]:
    if allocation is None:
        return None, None, None
    return allocation.partner_id, allocation.subcontract_id, allocation.model


def _days(month: date, end: date) -> list[date]:
    following = months_from(month, 2)[1]
    return [month + timedelta(days=n) for n in range((min(following - timedelta(days=1), end) - month).days + 1)]

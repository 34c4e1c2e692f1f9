"""The year's flow-down, as the claims service would publish it (`payment.partner_owed`, `payment.partner_paid`),
and the supply-chain health rows the subcontracts service keeps of it.

What a prime owes: an end-to-end partner holding a journey when its job outcome (or sustained outcome) was claimed
and not rejected, its terms' share of the outcome payment (nothing when its terms name no share); a specialist
partner its first service's price for each service delivered. The claims service's monthly run owes them on the
7th of the month after, due 30 days later. The prime pays each partner each run's lines together: most within
the 30 days, about one payment in six late, and what would be paid after the year's last day is still unpaid.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from scx_cli.bench_figures.ids import uuid7_on
from scx_cli.bench_figures.journeys import JourneyPlan
from scx_cli.bench_figures.registry import Registry, months_from

TABLES = ("health_owed_lines", "health_payment_tallies", "health_payment_delays")
OUTCOME_PENCE = {"job_outcome": 120_000, "sustained_job_outcome": 48_000}
DUE_DAYS = 30
MAX_LINES_PAID = 1000  # a payment names at most this many lines (payment.partner_paid)

# (on, contract, prime, partner, subcontract, case, basis, amount): a line the next run will owe
Candidate = tuple[date, str, str, str, str, str, str, int]


@dataclass(frozen=True)
class Owed:
    owed_id: str
    run_id: str
    contract_id: str
    prime_id: str
    partner_id: str
    subcontract_id: str
    case_id: str
    basis: str
    amount_pence: int
    owed_on: date
    due_on: date


@dataclass(frozen=True)
class Paid:
    payment_id: str
    prime_id: str
    partner_id: str
    amount_pence: int
    paid_on: date
    owed_ids: tuple[str, ...]


@dataclass
class FlowDown:
    owed: list[Owed] = field(default_factory=list)
    paid: list[Paid] = field(default_factory=list)


def terms_of(registry: Registry) -> dict[str, tuple[str, str, int | None]]:
    """By subcontract: its partner, model, and what one line owes it (an outcome share's percent, a service's
    price), from its terms as they stand."""
    out = {}
    for row in registry.subcontracts:
        terms = row["terms"]
        if row["model"] == "end_to_end":
            out[row["subcontract_id"]] = (row["partner_id"], "end_to_end", terms.get("outcome_payment_share_percent"))
        elif row["model"] == "specialist":
            out[row["subcontract_id"]] = (row["partner_id"], "specialist", terms["services"][0]["price_pence"])
    return out


def candidates(plan: JourneyPlan, terms: Mapping[str, tuple[str, str, int | None]]) -> list[Candidate]:
    """What the journey's claims and specialist services leave a prime owing its partners."""
    holder: str | None = None
    claims: dict[str, Candidate] = {}
    services: list[Candidate] = []
    for step in plan.steps:
        if step.kind in ("allocated", "reallocated"):
            holder = step.subcontract_id
        elif step.kind == "claim_submitted" and step.claim_id and holder is not None and holder in terms:
            partner, model, percent = terms[holder]
            if model == "end_to_end" and percent and step.detail in OUTCOME_PENCE:
                claims[step.claim_id] = (step.on, plan.contract_id, plan.prime_id, partner, holder, plan.referral_id,
                                         "outcome_share", OUTCOME_PENCE[step.detail] * percent // 100)
        elif step.kind == "claim_rejected" and step.claim_id:
            claims.pop(step.claim_id, None)
        elif step.kind == "activity" and step.subcontract_id is not None and step.subcontract_id in terms:
            partner, model, price = terms[step.subcontract_id]
            if model == "specialist" and price:
                services.append((step.on, plan.contract_id, plan.prime_id, partner, step.subcontract_id,
                                 plan.referral_id, "service_price", price))
    return [*claims.values(), *services]


def flow_down(seed: int, found: Iterable[Candidate], end: date) -> FlowDown:
    """The runs' lines owed by the year's last day, and the payments made by then."""
    rng = random.Random(seed + 3)
    out = FlowDown()
    runs: dict[tuple[str, date], str] = {}
    batches: dict[tuple[str, str, date], list[Owed]] = {}
    for on, contract, prime, partner, subcontract, case, basis, amount in sorted(found):
        owed_on = months_from(date(on.year, on.month, 1), 2)[1] + timedelta(days=6)
        if owed_on > end:
            continue
        run_id = runs.setdefault((prime, owed_on), uuid7_on(rng, owed_on))
        owed = Owed(uuid7_on(rng, owed_on), run_id, contract, prime, partner, subcontract, case, basis, amount,
                    owed_on, owed_on + timedelta(days=DUE_DAYS))
        out.owed.append(owed)
        batches.setdefault((prime, partner, owed_on), []).append(owed)
    for (prime, partner, owed_on), lines in batches.items():
        late = rng.random() < 0.17
        paid_on = owed_on + timedelta(days=rng.randint(DUE_DAYS + 1, 75) if late else rng.randint(8, DUE_DAYS))
        for start in range(0, len(lines) if paid_on <= end else 0, MAX_LINES_PAID):
            some = lines[start:start + MAX_LINES_PAID]
            out.paid.append(Paid(uuid7_on(rng, paid_on), prime, partner, sum(o.amount_pence for o in some), paid_on,
                                 tuple(o.owed_id for o in some)))
    return out


def health_rows(flow: FlowDown) -> dict[str, list[dict[str, Any]]]:
    """As the subcontracts service's supply-chain health keeps them: each line (settled by the payment naming it),
    its owed, paid and paid-late tallies by month, and the days from owed to paid."""
    paid_by = {owed_id: p for p in flow.paid for owed_id in p.owed_ids}
    lines: list[dict[str, Any]] = []
    tallies: dict[tuple[str, str, str, str], tuple[int, int]] = {}
    delays: dict[tuple[str, str, str, int], int] = {}
    for o in flow.owed:
        payment = paid_by.get(o.owed_id)
        lines.append({
            "owed_id": o.owed_id, "contract_id": o.contract_id, "prime_id": o.prime_id, "partner_id": o.partner_id,
            "subcontract_id": o.subcontract_id, "amount_pence": o.amount_pence, "owed_on": o.owed_on,
            "due_on": o.due_on, "payment_id": payment.payment_id if payment else None,
            "paid_on": payment.paid_on if payment else None,
        })
        _tally(tallies, (o.contract_id, o.partner_id, _month(o.owed_on), "owed"), o.amount_pence)
        if payment is not None:
            month = _month(payment.paid_on)
            _tally(tallies, (o.contract_id, o.partner_id, month, "paid"), o.amount_pence)
            if payment.paid_on > o.due_on:
                _tally(tallies, (o.contract_id, o.partner_id, month, "paid_late"), o.amount_pence)
            key = (o.contract_id, o.partner_id, month, (payment.paid_on - o.owed_on).days)
            delays[key] = delays.get(key, 0) + 1
    return {
        "health_owed_lines": lines,
        "health_payment_tallies": [
            {"contract_id": c, "partner_id": p, "month": m, "measure": measure, "count": n, "pence": pence}
            for (c, p, m, measure), (n, pence) in tallies.items()
        ],
        "health_payment_delays": [
            {"contract_id": c, "partner_id": p, "month": m, "days": days, "count": n}
            for (c, p, m, days), n in delays.items()
        ],
    }


def _tally(tallies: dict[tuple[str, str, str, str], tuple[int, int]], key: tuple[str, str, str, str],
           pence: int) -> None:
    n, total = tallies.get(key, (0, 0))
    tallies[key] = (n + 1, total + pence)


def _month(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"

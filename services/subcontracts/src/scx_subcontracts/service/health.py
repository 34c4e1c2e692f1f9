"""Supply-chain health (issue 11, item 5), per contract: each end-to-end partner's actual share of the prime's
referrals and job outcomes against the share of targets it was promised, month by month, with starvation flagged;
and how promptly the prime pays each partner, from the claims service's flow-down events. `rules.health` says how
each figure is reckoned; every one is read from tallies, a few rows per partner and month (ADR 0024).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from datetime import date

from scx_contracts import Envelope
from scx_contracts.claims import PartnerOwed, PartnerPaid
from scx_persistence import UnitOfWork
from scx_persistence.inbox import MissingPredecessor
from scx_servicekit import Principal
from scx_servicekit.problems import not_found
from scx_subcontracts.access import health as access
from scx_subcontracts.models.health import OwedLine, PaymentDelay, PaymentTally
from scx_subcontracts.models.registry import Contract, Subcontract
from scx_subcontracts.repository import health as repository
from scx_subcontracts.repository import history, registry
from scx_subcontracts.rules import health as rules
from scx_subcontracts.rules.flows import MonthRange
from scx_subcontracts.rules.history import month_of
from scx_subcontracts.service.flows import today

PAID_MODELS = ("end_to_end", "specialist")  # the models under which a prime owes a partner money

# The flow-down's events


async def partner_owed(uow: UnitOfWork, envelope: Envelope, data: PartnerOwed) -> None:
    """Keep the line, owed on the day the flow-down recorded it, under the contract of the journey it is owed for."""
    journey = await history.get_journey(uow, data.case_id)
    if journey is None:
        raise MissingPredecessor(f"a line owed for referral {data.case_id} before the referral")
    owed_on = envelope.occurred_at.date()
    line = OwedLine(
        owed_id=data.owed_id, contract_id=journey.contract_id, prime_id=data.prime_id,
        partner_id=data.partner_id, subcontract_id=data.subcontract_id, amount_pence=data.amount_pence,
        owed_on=owed_on, due_on=data.due_on,
    )
    if await repository.add_owed_line(uow, line):
        await repository.add_payment_tallies(uow, [_tally(line, month_of(owed_on), "owed")])


async def partner_paid(uow: UnitOfWork, _: Envelope, data: PartnerPaid) -> None:
    """Settle the lines the payment names, each once: a payment naming a line not yet owed here waits for it."""
    lines = await repository.owed_lines_named(uow, data.owed_ids, for_update=True)
    missing = set(data.owed_ids) - {line.owed_id for line in lines}
    if missing:
        raise MissingPredecessor(f"payment {data.payment_id} of {len(missing)} line(s) not yet owed here")
    month = month_of(data.paid_on)
    tallies, delays = [], []
    for line in lines:
        if line.payment_id is not None:
            continue  # settled already: by this payment, applied before, or by the first payment to name it
        paid = replace(line, payment_id=data.payment_id, paid_on=data.paid_on)
        await repository.settle_owed_line(uow, paid)
        tallies.append(_tally(paid, month, "paid"))
        if rules.paid_late(data.paid_on, line.due_on):
            tallies.append(_tally(paid, month, "paid_late"))
        delays.append(PaymentDelay(
            contract_id=line.contract_id, partner_id=line.partner_id, month=month,
            days=(data.paid_on - line.owed_on).days, count=1,
        ))
    await repository.add_payment_tallies(uow, tallies)
    await repository.add_payment_delays(uow, delays)


def _tally(line: OwedLine, month: str, measure: str) -> PaymentTally:
    return PaymentTally(
        contract_id=line.contract_id, partner_id=line.partner_id, month=month, measure=measure, count=1,
        pence=line.amount_pence,
    )


# Reading a contract's health


@dataclass(frozen=True, slots=True)
class ShareLine:
    subcontract_id: str
    partner_id: str
    starved: bool
    months: list[rules.ShareMonth]


@dataclass(slots=True)
class PaymentLine:
    partner_id: str
    sums: Counter[str] = field(default_factory=Counter)  # "<measure>_lines" and "<measure>_pence"
    days_to_pay: Counter[int] = field(default_factory=Counter)


@dataclass(frozen=True, slots=True)
class Health:
    contract: Contract
    shares: list[ShareLine]
    payments: list[PaymentLine]


async def contract_health(uow: UnitOfWork, principal: Principal, *, contract_id: str, months: MonthRange) -> Health:
    access.require_reader(principal)
    contract = await registry.get_contract(uow, contract_id=contract_id)
    held = await repository.subcontracts_of(uow, contract_id=contract_id) if contract else []
    if contract is None or not access.can_see(principal, contract, partner_ids={s.partner_id for s in held}):
        raise not_found("Contract", contract_id)
    only = access.partner_in_view(principal)
    mine = [s for s in held if only is None or s.partner_id == only]
    return Health(
        contract=contract,
        shares=await _shares(uow, contract_id, [s for s in mine if s.model == "end_to_end"], months),
        payments=await _payments(uow, contract_id, mine, months, only),
    )


async def _shares(
    uow: UnitOfWork, contract_id: str, end_to_end: list[Subcontract], months: MonthRange,
) -> list[ShareLine]:
    if not end_to_end:
        return []
    read = months.from_earlier(rules.STARVATION_MONTHS - 1)
    counts: defaultdict[tuple[str, str, str], int] = defaultdict(int)  # (subcontract or "*", month, figure)
    for subcontract_id, month, figure, n in await repository.shared_figures(
        uow, contract_id=contract_id, first=read.first, last=read.last,
    ):
        counts[subcontract_id, month, figure] += n
        counts["*", month, figure] += n
    variations: defaultdict[str, list[tuple[int, date, int | None]]] = defaultdict(list)
    for subcontract_id, variation, agreed_on, terms in await repository.variations_of(
        uow, subcontract_ids=[s.subcontract_id for s in end_to_end],
    ):
        variations[subcontract_id].append((variation, agreed_on, terms.get("share_of_targets_percent")))
    now, lines = today(), []
    for subcontract in end_to_end:
        recorded = variations.get(subcontract.subcontract_id) or [
            (subcontract.variation, subcontract.start_date, subcontract.terms.get("share_of_targets_percent")),
        ]
        terms = rules.history_of_terms(recorded, start_date=subcontract.start_date)
        in_force = rules.InForce(subcontract.start_date, subcontract.end_date, subcontract.ended_on)
        judged = [
            rules.share_month(
                month, promised=rules.promised_share(terms, in_force, rules.judged_on(month, now)),
                referrals=counts[subcontract.subcontract_id, month, "referrals_received"],
                contract_referrals=counts["*", month, "referrals_received"],
                job_outcomes=counts[subcontract.subcontract_id, month, "job_outcomes"],
                contract_job_outcomes=counts["*", month, "job_outcomes"],
            )
            for month in read.months
        ]
        starved = rules.starved_months({m.month: m.short for m in judged}, read)
        shown = [replace(m, starved=starved[m.month]) for m in judged if m.month >= months.first]
        lines.append(ShareLine(
            subcontract_id=subcontract.subcontract_id, partner_id=subcontract.partner_id,
            starved=any(m.starved for m in shown), months=shown,
        ))
    return lines


async def _payments(
    uow: UnitOfWork, contract_id: str, held: list[Subcontract], months: MonthRange, only: str | None,
) -> list[PaymentLine]:
    lines = {s.partner_id: PaymentLine(s.partner_id) for s in held if s.model in PAID_MODELS}

    def line(partner_id: str) -> PaymentLine:
        return lines.setdefault(partner_id, PaymentLine(partner_id))

    for summed in await repository.payment_sums(
        uow, contract_id=contract_id, first=months.first, last=months.last, partner_id=only,
    ):
        line(summed.partner_id).sums.update({f"{summed.measure}_lines": summed.count,
                                             f"{summed.measure}_pence": summed.pence})
    for partner_id, days, n in await repository.days_to_pay(
        uow, contract_id=contract_id, first=months.first, last=months.last, partner_id=only,
    ):
        line(partner_id).days_to_pay[days] += n
    for unpaid in await repository.unpaid(uow, contract_id=contract_id, today=today(), partner_id=only):
        line(unpaid.partner_id).sums.update({
            "outstanding_lines": unpaid.lines, "outstanding_pence": unpaid.pence,
            "overdue_lines": unpaid.overdue_lines, "overdue_pence": unpaid.overdue_pence,
        })
    return [lines[p] for p in sorted(lines)]

"""The flow-down of payments to partners (issue 9, item 6): once DWP has paid a prime (a payment run authorised),
what the prime owes each partner for the journeys it passed down its chain, under the subcontract's terms as they
stood on the day (`rules.flowdown` states each rule); what the prime paid and when; a partner's statement; how
promptly each prime pays each partner.

Who sees what: a partner its own statement (from every prime it works for); a prime the statements of the partners
in its supply chain, narrowed to what it owes; DWP every statement; JCP and anyone else nothing (404). Only a
prime's managers record what it paid; the auditor, like the rest of DWP, reads and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from scx_claims import access
from scx_claims.models.entitlements import Entitlement
from scx_claims.models.flowdown import PartnerOwedLine, PartnerPayment
from scx_claims.models.journeys import SpecialistDelivery
from scx_claims.problems import date_in_future
from scx_claims.problems import flowdown as problems
from scx_claims.repository import flowdown as repository
from scx_claims.repository import journeys
from scx_claims.repository.flowdown import StatementTotals
from scx_claims.rules import flowdown as rules
from scx_claims.schemas.flowdown import RecordPartnerPayment
from scx_claims.service.events import new_id, now, record, today
from scx_contracts import Actor, Envelope
from scx_contracts.claims import PartnerOwed, PartnerPaid, PaymentRunAuthorised
from scx_persistence import UnitOfWork
from scx_registry import KnownSubcontract, SubcontractPaymentTerms
from scx_registry import repository as registry
from scx_servicekit import Principal
from scx_servicekit.auth import forbidden
from scx_servicekit.paging import PageRequest
from scx_servicekit.problems import not_found


class _Terms:
    """The registry's subcontracts and their terms on a day, each read once per run."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self.subcontracts: dict[str, KnownSubcontract | None] = {}
        self.terms: dict[tuple[str, date], SubcontractPaymentTerms | None] = {}

    async def subcontract(self, subcontract_id: str) -> KnownSubcontract | None:
        if subcontract_id not in self.subcontracts:
            self.subcontracts[subcontract_id] = await registry.get_subcontract(self.uow, subcontract_id)
        return self.subcontracts[subcontract_id]

    async def on(self, subcontract_id: str, day: date) -> SubcontractPaymentTerms | None:
        if (subcontract_id, day) not in self.terms:
            self.terms[subcontract_id, day] = await registry.payment_terms_on(self.uow, subcontract_id, day)
        return self.terms[subcontract_id, day]


async def flow_down_run(uow: UnitOfWork, actor: Actor, *, run_id: str, paid_on: date) -> list[PartnerOwedLine]:
    """DWP paid the run on `paid_on`: owe each end-to-end partner its share of each outcome payment for a journey
    it was delivering when the outcome became payable, and each specialist partner its price for each service it
    delivered by then; a `payment.partner_owed` per line, due thirty days after DWP's payment. Lines already owed
    are not owed again, so a run flowed down twice owes nothing more."""
    terms = _Terms(uow)
    owed = []
    for entitlement in await repository.paid_outcomes_to_flow_down(uow, paid_by=paid_on):
        line = await _outcome_share(uow, terms, entitlement, run_id=run_id, paid_on=paid_on)
        if line is not None:
            owed.append(line)
    for delivery in await repository.services_to_flow_down(uow, delivered_by=paid_on):
        line = await _service_price(uow, terms, delivery, run_id=run_id, paid_on=paid_on)
        if line is not None:
            owed.append(line)
    for line in owed:
        if await repository.add_owed(uow, line):
            journey = await journeys.get_journey(uow, line.case_id)
            record(uow, actor, PartnerOwed(
                owed_id=line.owed_id, run_id=run_id, prime_id=line.prime_id, partner_id=line.partner_id,
                subcontract_id=line.subcontract_id, case_id=line.case_id, basis=line.basis,
                amount_pence=line.amount_pence, due_on=line.due_on,
            ), journey=journey)
    return owed


async def payment_run_authorised(uow: UnitOfWork, envelope: Envelope, data: PaymentRunAuthorised) -> None:
    """A run authorised is DWP's payment to the primes in it, on the day it was authorised: flow it down, as the
    officer who authorised it."""
    await flow_down_run(uow, envelope.actor, run_id=data.run_id, paid_on=data.authorised_on)


async def _outcome_share(
    uow: UnitOfWork, terms: _Terms, entitlement: Entitlement, *, run_id: str, paid_on: date
) -> PartnerOwedLine | None:
    spell = rules.delivering_on(await journeys.deliveries_of(uow, entitlement.case_id), entitlement.payable_from)
    if spell is None or spell.supply_chain_model != "end_to_end" or spell.subcontract_id is None:
        return None  # the prime delivered it, or a partner paid otherwise (SLA, signposting): nothing passes down
    subcontract = await terms.subcontract(spell.subcontract_id)
    if subcontract is None or subcontract.model != "end_to_end" or subcontract.prime_id != entitlement.prime_id:
        return None
    on_the_day = await terms.on(spell.subcontract_id, entitlement.payable_from)
    if on_the_day is None or on_the_day.outcome_payment_share_percent is None:
        return None  # no share agreed: the subcontract's terms pass none of the outcome payments down
    split = rules.outcome_share(entitlement.amount_pence, on_the_day.outcome_payment_share_percent)
    if split.partner_pence == 0:
        return None
    return _line(
        run_id=run_id, subcontract=subcontract, case_id=entitlement.case_id, basis="outcome_share",
        source_id=entitlement.entitlement_id, gross_pence=entitlement.amount_pence,
        share_percent=on_the_day.outcome_payment_share_percent, amount_pence=split.partner_pence,
        terms_variation=on_the_day.variation, paid_on=paid_on,
    )


async def _service_price(
    uow: UnitOfWork, terms: _Terms, delivery: SpecialistDelivery, *, run_id: str, paid_on: date
) -> PartnerOwedLine | None:
    subcontract = await terms.subcontract(delivery.subcontract_id)
    if subcontract is None or subcontract.model != "specialist" or subcontract.partner_id != delivery.delivered_by:
        return None  # only a specialist partner is paid per service, and only for what it delivered itself
    on_the_day = await terms.on(delivery.subcontract_id, delivery.delivered_on)
    price = on_the_day.price_of(delivery.service) if on_the_day else None
    if on_the_day is None or not price:
        return None  # a service its terms do not price is owed nothing
    return _line(
        run_id=run_id, subcontract=subcontract, case_id=delivery.case_id, basis="service_price",
        source_id=delivery.activity_id, gross_pence=price, share_percent=None, amount_pence=price,
        terms_variation=on_the_day.variation, paid_on=paid_on,
    )


def _line(
    *, run_id: str, subcontract: KnownSubcontract, case_id: str, basis: str, source_id: str, gross_pence: int,
    share_percent: int | None, amount_pence: int, terms_variation: int, paid_on: date,
) -> PartnerOwedLine:
    return PartnerOwedLine(
        owed_id=new_id(), run_id=run_id, prime_id=subcontract.prime_id, contract_id=subcontract.contract_id,
        partner_id=subcontract.partner_id, subcontract_id=subcontract.subcontract_id, case_id=case_id, basis=basis,
        source_id=source_id, gross_pence=gross_pence, share_percent=share_percent, amount_pence=amount_pence,
        terms_variation=terms_variation, dwp_paid_on=paid_on, due_on=rules.due_on(paid_on), settled_by=None,
        recorded_at=now(),
    )


async def record_payment(
    uow: UnitOfWork, principal: Principal, *, command: RecordPartnerPayment
) -> tuple[PartnerPayment, list[str]]:
    """The prime paid a partner, settling whole owed lines: the amount is exactly their sum, paid no earlier than
    DWP paid the prime for any of them and not after today."""
    if principal.kind != "prime" or not principal.has_role("manager"):
        raise forbidden("Only a prime provider's managers record what it paid its partners.")
    if command.paid_on > today():
        raise date_in_future("paid_on", command.paid_on)
    found = {line.owed_id: line for line in await repository.owed_lines(uow, command.owed_ids)}
    ours = [found.get(i) for i in command.owed_ids]
    unknown = [
        n for n, line in enumerate(ours)
        if line is None or line.prime_id != principal.organisation_id or line.partner_id != command.partner_id
    ]
    if unknown:
        raise problems.owed_line_unknown(unknown, command.partner_id)
    lines = [line for line in ours if line is not None]
    settled = [n for n, line in enumerate(lines) if line.settled_by is not None]
    if settled:
        raise problems.owed_line_settled(settled)
    owed = sum(line.amount_pence for line in lines)
    if owed != command.amount_pence:
        raise problems.payment_does_not_match(command.amount_pence, owed)
    latest = max(line.dwp_paid_on for line in lines)
    if command.paid_on < latest:
        raise problems.paid_before_dwp_paid(command.paid_on, latest)
    payment = PartnerPayment(
        payment_id=new_id(), prime_id=principal.organisation_id, partner_id=command.partner_id,
        amount_pence=command.amount_pence, paid_on=command.paid_on, recorded_at=now(), recorded_by=principal.user,
    )
    await repository.add_payment(uow, payment)
    if await repository.settle(uow, command.owed_ids, payment_id=payment.payment_id) != len(command.owed_ids):
        raise problems.owed_line_settled(list(range(len(command.owed_ids))))  # another payment won the race
    record(uow, principal, PartnerPaid(
        payment_id=payment.payment_id, prime_id=payment.prime_id, partner_id=payment.partner_id,
        amount_pence=payment.amount_pence, paid_on=payment.paid_on, owed_ids=list(command.owed_ids),
    ))
    return payment, list(command.owed_ids)


@dataclass(frozen=True, slots=True, kw_only=True)
class StatementLine:
    line: PartnerOwedLine
    status: rules.LineStatus
    paid_on: date | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Statement:
    partner_id: str
    prime_id: str | None
    as_of: date
    totals: StatementTotals
    lines: list[StatementLine]


async def _statement_prime(
    uow: UnitOfWork, principal: Principal, partner_id: str, prime_id: str | None
) -> str | None:
    """The prime the caller's view of the partner's statement is narrowed to; 404 when it may not see it."""
    if access.is_dwp(principal):
        partner = await registry.get_organisation(uow, partner_id)
        if partner is not None and partner.kind == "partner":
            return prime_id
    elif principal.kind == "partner" and principal.organisation_id == partner_id:
        return prime_id
    elif (
        principal.kind == "prime" and prime_id in (None, principal.organisation_id)
        and await registry.in_supply_chain_of(uow, prime_id=principal.organisation_id, partner_id=partner_id)
    ):
        return principal.organisation_id
    raise not_found("Partner statement", partner_id)


async def statement(
    uow: UnitOfWork, principal: Principal, *, partner_id: str, prime_id: str | None, page: PageRequest
) -> Statement:
    """The partner's statement: a page of its lines, each owed, overdue or paid (and when), and the totals over
    all of them."""
    prime = await _statement_prime(uow, principal, partner_id, prime_id)
    as_of = today()
    lines = await repository.statement_lines(
        uow, partner_id=partner_id, prime_id=prime, after=page.after, limit=page.limit + 1
    )
    settled = sorted({line.settled_by for line in lines if line.settled_by})
    paid_on = {p.payment_id: p.paid_on for p in await repository.payments(uow, settled)} if settled else {}
    return Statement(
        partner_id=partner_id, prime_id=prime, as_of=as_of,
        totals=await repository.statement_totals(uow, partner_id=partner_id, prime_id=prime, today=as_of),
        lines=[
            StatementLine(
                line=line, paid_on=paid_on.get(line.settled_by or ""),
                status=rules.line_status(due=line.due_on, paid_on=paid_on.get(line.settled_by or ""), today=as_of),
            )
            for line in lines
        ],
    )


async def timeliness(
    uow: UnitOfWork, principal: Principal, *, prime_id: str | None, partner_id: str | None
) -> list[rules.Timeliness]:
    """How promptly each prime pays each partner. DWP sees every pair; a prime its own partners; a partner its own
    primes; filters narrow, never widen."""
    if access.is_dwp(principal):
        scope_prime, scope_partner = prime_id, partner_id
    elif principal.kind == "prime":
        scope_prime, scope_partner = principal.organisation_id, partner_id
        if prime_id not in (None, principal.organisation_id):
            return []
    elif principal.kind == "partner":
        scope_prime, scope_partner = prime_id, principal.organisation_id
        if partner_id not in (None, principal.organisation_id):
            return []
    else:
        raise forbidden("JCP has no part in payments to partners.")
    lines = await repository.lines_for_timeliness(uow, prime_id=scope_prime, partner_id=scope_partner)
    return rules.timeliness(lines, today=today())

"""Use cases of the referral service, one per thing a user does: refer, start, reject, allocate, re-allocate,
withdraw, and the reads. They never commit (the route does, in one place: `scx_servicekit.routing`)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

import uuid_utils

from scx_contracts.referral import (
    ReferralAllocated,
    ReferralReallocated,
    ReferralReceived,
    ReferralRejected,
    ReferralStarted,
    ReferralWithdrawn,
)
from scx_contracts.registry import EventData
from scx_persistence import UnitOfWork
from scx_referral import access, problems, repository, rules
from scx_referral.claimant import NinoVault, mask
from scx_referral.models import Allocation, Referral
from scx_referral.repository import ReferralFilter
from scx_referral.schemas import (
    AllocateReferral,
    AllocationOut,
    ReallocateReferral,
    ReferClaimant,
    ReferralOut,
    RejectReferral,
    StartReferral,
    WithdrawReferral,
)
from scx_registry import KnownSubcontract
from scx_registry import repository as registry
from scx_servicekit import Principal
from scx_servicekit.events import make_event
from scx_servicekit.problems import not_found

PRODUCER = "referral"


def _now() -> datetime:
    return datetime.now(UTC)


def _today() -> date:
    return _now().date()


def _new_id() -> str:
    return str(uuid_utils.uuid7())


def _record(uow: UnitOfWork, principal: Principal, referral: Referral, data: EventData) -> None:
    uow.record(make_event(
        data, producer=PRODUCER, actor=principal.actor(), journey_id=referral.referral_id,
        claimant_ref=referral.claimant_ref,
    ))


def _not_in_future(value: date, field: str) -> None:
    if value > _today():
        raise problems.date_in_future(field, value)


def _not_before(value: date, field: str, earliest: date | None, what: str) -> None:
    if earliest is not None and value < earliest:
        raise problems.date_too_early(field, value, earliest, what)


async def _held_referral(uow: UnitOfWork, principal: Principal, referral_id: str) -> Referral:
    """The referral, locked for change, if the caller is staff of the prime holding it."""
    access.require_prime_staff(principal)
    referral = await repository.get_referral(uow, referral_id, for_update=True)
    if referral is None or not access.holds(principal, referral):
        raise not_found("Referral", referral_id)
    return referral


# Reading


@dataclass(frozen=True)
class ReferralView:
    referral: Referral
    allocation: Allocation | None = None


def referral_out(view: ReferralView, principal: Principal, vault: NinoVault) -> ReferralOut:
    r = view.referral
    nino = vault.open(r.nino_sealed)
    return ReferralOut(
        referral_id=r.referral_id,
        contract_id=r.contract_id,
        prime_id=r.prime_id,
        referrer_id=r.referrer_id,
        claimant_ref=r.claimant_ref,
        national_insurance_number=nino if access.sees_nino(principal, r) else mask(nino),
        benefit_type=r.benefit_type,
        payment_group=r.payment_group,
        mandatory=r.mandatory,
        needs=r.needs,
        postcode_district=r.postcode_district,
        referral_date=r.referral_date,
        status=r.status,
        started_on=r.started_on,
        rejection_reason=r.rejection_reason,
        withdrawal_reason=r.withdrawal_reason,
        allocation=AllocationOut.model_validate(view.allocation, from_attributes=True) if view.allocation else None,
        received_at=r.received_at,
    )


async def get_referral(uow: UnitOfWork, principal: Principal, *, referral_id: str) -> ReferralView:
    referral = await repository.get_referral(uow, referral_id)
    if referral is None or not access.can_see(principal, referral):
        raise not_found("Referral", referral_id)
    allocation = (
        await repository.get_allocation(uow, referral.current_allocation_id) if referral.current_allocation_id
        else None
    )
    return ReferralView(referral, allocation)


async def list_referrals(
    uow: UnitOfWork, principal: Principal, *, wanted: ReferralFilter, after: str | None, limit: int
) -> list[ReferralView]:
    # The caller's filters narrow what it may see; they never widen it.
    where = access.visible_to(principal).narrowed_by(wanted)
    if where is None:
        return []
    rows = await repository.list_referrals(uow, where, after=after, limit=limit)
    allocations = await repository.current_allocations(
        uow, [r.current_allocation_id for r in rows if r.current_allocation_id]
    )
    return [
        ReferralView(r, allocations.get(r.current_allocation_id) if r.current_allocation_id else None) for r in rows
    ]


async def allocation_history(uow: UnitOfWork, principal: Principal, *, referral_id: str) -> list[Allocation]:
    view = await get_referral(uow, principal, referral_id=referral_id)
    history = await repository.allocations_of(uow, view.referral.referral_id)
    if principal.kind == "partner":
        return [a for a in history if a.partner_id == principal.organisation_id]
    return history


# Intake


async def refer_claimant(
    uow: UnitOfWork, principal: Principal, *, command: ReferClaimant, vault: NinoVault
) -> Referral:
    access.require_referrer(principal)
    _not_in_future(command.referral_date, "referral_date")
    contract = await registry.get_contract(uow, command.contract_id)
    if contract is None:
        raise problems.unknown_contract(command.contract_id)
    if not contract.start_date <= command.referral_date <= contract.end_date:
        raise problems.contract_not_live(contract.contract_id, contract.start_date, contract.end_date)
    now = _now()
    referral = Referral(
        referral_id=_new_id(),
        contract_id=contract.contract_id,
        prime_id=contract.prime_id,
        referrer_id=principal.organisation_id,
        claimant_ref=vault.ref(command.national_insurance_number),
        nino_sealed=vault.seal(command.national_insurance_number),
        benefit_type=command.benefit_type,
        payment_group=command.payment_group,
        mandatory=command.mandatory,
        needs=list(command.needs),
        postcode_district=command.postcode_district,
        referral_date=command.referral_date,
        status="referred",
        received_at=now,
        updated_at=now,
    )
    await repository.add_referral(uow, referral)
    _record(uow, principal, referral, ReferralReceived(
        referral_id=referral.referral_id, contract_id=referral.contract_id, prime_id=referral.prime_id,
        referrer_id=referral.referrer_id, benefit_type=command.benefit_type, payment_group=referral.payment_group,
        mandatory=referral.mandatory, needs=command.needs, postcode_district=referral.postcode_district,
        referral_date=referral.referral_date,
    ))
    return referral


async def start_referral(
    uow: UnitOfWork, principal: Principal, *, referral_id: str, command: StartReferral
) -> Referral:
    referral = await _held_referral(uow, principal, referral_id)
    if referral.status != "referred":
        raise problems.not_awaiting_start(referral.status)
    _not_in_future(command.started_on, "started_on")
    if command.started_on < referral.referral_date:
        raise problems.start_before_referral(referral.referral_date)
    referral = replace(referral, status="started", started_on=command.started_on, updated_at=_now())
    await repository.update_referral(uow, referral)
    _record(uow, principal, referral, ReferralStarted(
        referral_id=referral.referral_id, contract_id=referral.contract_id, prime_id=referral.prime_id,
        started_on=command.started_on,
    ))
    return referral


async def reject_referral(
    uow: UnitOfWork, principal: Principal, *, referral_id: str, command: RejectReferral
) -> Referral:
    referral = await _held_referral(uow, principal, referral_id)
    if referral.status != "referred":
        raise problems.not_awaiting_start(referral.status, rejecting=True)
    referral = replace(
        referral, status="rejected", rejection_reason=command.reason, rejection_note=command.note, updated_at=_now()
    )
    await repository.update_referral(uow, referral)
    _record(uow, principal, referral, ReferralRejected(
        referral_id=referral.referral_id, contract_id=referral.contract_id, prime_id=referral.prime_id,
        reason=command.reason,
    ))
    return referral


# Allocation down the supply chain


@dataclass(frozen=True)
class Placement:
    delivery: str
    partner_id: str | None = None
    subcontract: KnownSubcontract | None = None
    service: str | None = None


def _view(s: KnownSubcontract) -> rules.SubcontractView:
    return rules.SubcontractView(
        subcontract_id=s.subcontract_id, partner_id=s.partner_id, model=s.model, start_date=s.start_date,
        end_date=s.end_date, ended_on=s.ended_on, postcode_districts=s.postcode_districts,
        health_conditions=s.health_conditions, services=s.services, monthly_capacity=s.monthly_capacity,
    )


async def _placement(uow: UnitOfWork, referral: Referral, command: AllocateReferral, on: date) -> Placement:
    """Find the subcontract under which the partner may take this referral, or say exactly why none fits."""
    if command.delivery == "in_house":
        return Placement("in_house")
    if command.partner_id is None:  # the schema requires it for a partner; never guess in-house
        raise problems.refused(rules.Refusal("unknown-partner", "Name the partner", "partner_id is required."))
    partner = await registry.get_organisation(uow, command.partner_id)
    if partner is None or partner.kind != "partner":
        raise problems.refused(rules.Refusal(
            "unknown-partner", "No such partner", f"{command.partner_id} is not a registered supply-chain partner."
        ))
    candidates = await registry.subcontracts_between(
        uow, contract_id=referral.contract_id, prime_id=referral.prime_id, partner_id=command.partner_id
    )
    if command.subcontract_id:
        candidates = [s for s in candidates if s.subcontract_id == command.subcontract_id]
    if not candidates:
        raise problems.refused(rules.Refusal(
            "no-subcontract", "The partner has no subcontract with this prime",
            f"{referral.prime_id} has no subcontract with {command.partner_id} under contract {referral.contract_id}.",
        ))
    claimant = rules.ClaimantView(postcode_district=referral.postcode_district, needs=referral.needs)
    first_refusal: rules.Refusal | None = None
    for subcontract in candidates:
        taken = await repository.allocations_in_month(uow, subcontract.subcontract_id, on)
        why_not = rules.check_allocation(
            _view(subcontract), claimant, on=on, service=command.service, allocated_this_month=taken
        )
        if why_not is None:
            return Placement("partner", command.partner_id, subcontract, command.service)
        first_refusal = first_refusal or why_not
    raise problems.refused(first_refusal or rules.Refusal("no-subcontract", "No subcontract fits", ""))


def _allocation(referral: Referral, placement: Placement, on: date, principal: Principal) -> Allocation:
    s = placement.subcontract
    return Allocation(
        allocation_id=_new_id(), referral_id=referral.referral_id, delivery=placement.delivery,
        partner_id=placement.partner_id, subcontract_id=s.subcontract_id if s else None,
        supply_chain_model=s.model if s else None, service=placement.service, allocated_on=on,
        allocated_at=_now(), allocated_by=principal.user,
    )


async def _hand_to(uow: UnitOfWork, referral: Referral, allocation: Allocation) -> Referral:
    await repository.add_allocation(uow, allocation)
    referral = replace(
        referral, current_allocation_id=allocation.allocation_id, current_partner_id=allocation.partner_id,
        updated_at=_now(),
    )
    await repository.update_referral(uow, referral)
    return referral


async def allocate_referral(
    uow: UnitOfWork, principal: Principal, *, referral_id: str, command: AllocateReferral
) -> ReferralView:
    referral = await _held_referral(uow, principal, referral_id)
    if referral.status != "started":
        raise problems.not_started(referral.status)
    if referral.current_allocation_id:
        raise problems.already_allocated()
    on = command.allocated_on or _today()
    _not_in_future(on, "allocated_on")
    _not_before(on, "allocated_on", referral.started_on, "the start")
    allocation = _allocation(referral, await _placement(uow, referral, command, on), on, principal)
    referral = await _hand_to(uow, referral, allocation)
    _record(uow, principal, referral, ReferralAllocated(
        referral_id=referral.referral_id, allocation_id=allocation.allocation_id, contract_id=referral.contract_id,
        prime_id=referral.prime_id, delivery=command.delivery, partner_id=allocation.partner_id,
        subcontract_id=allocation.subcontract_id, supply_chain_model=allocation.supply_chain_model,
        service=allocation.service, allocated_on=on,
    ))
    return ReferralView(referral, allocation)


def _same_place(placement: Placement, previous: Allocation) -> bool:
    return (
        placement.delivery == previous.delivery
        and placement.partner_id == previous.partner_id
        and (placement.subcontract is None or placement.subcontract.subcontract_id == previous.subcontract_id)
        and placement.service == previous.service
    )


async def reallocate_referral(
    uow: UnitOfWork, principal: Principal, *, referral_id: str, command: ReallocateReferral
) -> ReferralView:
    referral = await _held_referral(uow, principal, referral_id)
    previous = (
        await repository.get_allocation(uow, referral.current_allocation_id)
        if referral.status == "started" and referral.current_allocation_id else None
    )
    if previous is None:
        raise problems.not_allocated(referral.status)
    on = command.allocated_on or _today()
    _not_in_future(on, "allocated_on")
    _not_before(on, "allocated_on", previous.allocated_on, "the allocation it replaces")
    placement = await _placement(uow, referral, command, on)
    if _same_place(placement, previous):
        raise problems.same_allocation()
    await repository.update_allocation(
        uow, replace(previous, ended_at=_now(), end_reason=command.reason, end_note=command.note)
    )
    allocation = _allocation(referral, placement, on, principal)
    referral = await _hand_to(uow, referral, allocation)
    _record(uow, principal, referral, ReferralReallocated(
        referral_id=referral.referral_id, allocation_id=allocation.allocation_id,
        previous_allocation_id=previous.allocation_id, contract_id=referral.contract_id, prime_id=referral.prime_id,
        delivery=command.delivery, partner_id=allocation.partner_id, subcontract_id=allocation.subcontract_id,
        supply_chain_model=allocation.supply_chain_model,
        service=allocation.service, previous_partner_id=previous.partner_id, reason=command.reason, allocated_on=on,
    ))
    return ReferralView(referral, allocation)


async def withdraw_referral(
    uow: UnitOfWork, principal: Principal, *, referral_id: str, command: WithdrawReferral
) -> ReferralView:
    """The prime holding the referral, or the JCP office that made it, withdraws it with a reason."""
    referral = await repository.get_referral(uow, referral_id, for_update=True)
    if referral is None or not access.may_withdraw(principal, referral):
        if referral is not None and access.can_see(principal, referral):
            raise access.withdrawal_forbidden()
        raise not_found("Referral", referral_id)
    if referral.status not in ("referred", "started"):
        raise problems.not_open(referral.status)
    on = command.withdrawn_on or _today()
    _not_in_future(on, "withdrawn_on")
    _not_before(on, "withdrawn_on", referral.referral_date, "the referral")
    if referral.current_allocation_id:
        current = await repository.get_allocation(uow, referral.current_allocation_id)
        if current is not None:
            await repository.update_allocation(uow, replace(current, ended_at=_now(), end_reason="withdrawn"))
    referral = replace(
        referral, status="withdrawn", withdrawal_reason=command.reason, withdrawal_note=command.note,
        withdrawn_on=on, current_partner_id=None, updated_at=_now(),
    )
    await repository.update_referral(uow, referral)
    _record(uow, principal, referral, ReferralWithdrawn(
        referral_id=referral.referral_id, contract_id=referral.contract_id, prime_id=referral.prime_id,
        reason=command.reason, withdrawn_on=on,
    ))
    return ReferralView(referral, None)

"""Use cases of the referral service: refer, start, reject, allocate, re-allocate, withdraw. They never commit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
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
from scx_referral import repository, rules
from scx_referral.claimant import NinoVault, mask
from scx_referral.models import Allocation, KnownSubcontract, Referral
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
from scx_servicekit import Principal, Problem
from scx_servicekit.auth import forbidden
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


def conflict(slug: str, title: str, detail: str) -> Problem:
    return Problem(409, slug, title, detail)


def refusal(r: rules.Refusal) -> Problem:
    return Problem(422, r.slug, r.title, r.detail, errors=[{"field": f"body.{r.field}", "message": r.detail}])


def _not_in_future(value: date, field: str) -> None:
    if value > _today():
        raise Problem(
            422, "date-in-future", "The date is in the future", f"{field} {value} is after today.",
            errors=[{"field": f"body.{field}", "message": "cannot be in the future"}],
        )


# Who may see and do what


def can_see(principal: Principal, referral: Referral) -> bool:
    if principal.kind == "dwp":
        return True
    if principal.kind == "jcp":
        return referral.referrer_id == principal.organisation_id
    if principal.kind == "prime":
        return referral.prime_id == principal.organisation_id
    return referral.current_partner_id == principal.organisation_id


def visibility_filter(principal: Principal) -> ReferralFilter:
    if principal.kind == "dwp":
        return ReferralFilter()
    if principal.kind == "jcp":
        return ReferralFilter(referrer_id=principal.organisation_id)
    if principal.kind == "prime":
        return ReferralFilter(prime_id=principal.organisation_id)
    return ReferralFilter(current_partner_id=principal.organisation_id)


def require_referrer(principal: Principal) -> None:
    if principal.kind != "jcp" or not principal.has_role("referrer"):
        raise forbidden("Only a Jobcentre Plus referrer may refer claimants.")


def require_prime_staff(principal: Principal) -> None:
    if principal.kind != "prime" or not principal.has_role("manager", "adviser"):
        raise forbidden("Only the prime provider holding the referral may do this.")


async def _prime_referral(uow: UnitOfWork, principal: Principal, referral_id: str) -> Referral:
    require_prime_staff(principal)
    referral = await repository.get_referral(uow.session, referral_id, for_update=True)
    if referral is None or referral.prime_id != principal.organisation_id:
        raise not_found("Referral", referral_id)
    return referral


# Reading


@dataclass(frozen=True)
class ReferralView:
    referral: Referral
    allocation: Allocation | None


def referral_out(view: ReferralView, principal: Principal, vault: NinoVault) -> ReferralOut:
    r = view.referral
    nino = vault.open(r.nino_sealed)
    sees_nino = principal.organisation_id in (r.referrer_id, r.prime_id)
    return ReferralOut(
        referral_id=r.referral_id,
        contract_id=r.contract_id,
        prime_id=r.prime_id,
        referrer_id=r.referrer_id,
        claimant_ref=r.claimant_ref,
        national_insurance_number=nino if sees_nino else mask(nino),
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
        allocation=AllocationOut.model_validate(view.allocation) if view.allocation else None,
        received_at=r.received_at,
    )


async def get_referral(uow: UnitOfWork, principal: Principal, referral_id: str) -> ReferralView:
    referral = await repository.get_referral(uow.session, referral_id)
    if referral is None or not can_see(principal, referral):
        raise not_found("Referral", referral_id)
    allocation = (
        await repository.get_allocation(uow.session, referral.current_allocation_id)
        if referral.current_allocation_id else None
    )
    return ReferralView(referral, allocation)


async def list_referrals(
    uow: UnitOfWork, principal: Principal, wanted: ReferralFilter, *, after: str | None, limit: int
) -> list[ReferralView]:
    scope = visibility_filter(principal)
    # The caller's filters narrow what it may see; they never widen it.
    for field in ("prime_id", "referrer_id", "current_partner_id"):
        mine, asked = getattr(scope, field), getattr(wanted, field)
        if mine is not None and asked is not None and asked != mine:
            return []
    merged = ReferralFilter(**{
        field: getattr(scope, field) if getattr(scope, field) is not None else getattr(wanted, field)
        for field in ReferralFilter.__dataclass_fields__
    })
    rows = await repository.list_referrals(uow.session, merged, after=after, limit=limit)
    allocations = await repository.current_allocations(
        uow.session, [r.current_allocation_id for r in rows if r.current_allocation_id]
    )
    return [
        ReferralView(r, allocations.get(r.current_allocation_id) if r.current_allocation_id else None) for r in rows
    ]


async def allocation_history(uow: UnitOfWork, principal: Principal, referral_id: str) -> Sequence[Allocation]:
    view = await get_referral(uow, principal, referral_id)
    if principal.kind == "partner":
        return [a for a in await repository.allocations_of(uow.session, referral_id)
                if a.partner_id == principal.organisation_id]
    return await repository.allocations_of(uow.session, view.referral.referral_id)


# Intake


async def refer_claimant(
    uow: UnitOfWork, principal: Principal, command: ReferClaimant, vault: NinoVault
) -> Referral:
    require_referrer(principal)
    _not_in_future(command.referral_date, "referral_date")
    contract = await repository.get_known_contract(uow.session, command.contract_id)
    if contract is None:
        raise Problem(
            422, "unknown-contract", "No such contract",
            f"Contract {command.contract_id} is not known to the referral service. If DWP awarded it moments ago, "
            "retry shortly: contracts reach this service as events.",
            errors=[{"field": "body.contract_id", "message": "not a known contract"}],
        )
    if not contract.start_date <= command.referral_date <= contract.end_date:
        raise Problem(
            422, "contract-not-live", "The contract is not live on the referral date",
            f"Contract {contract.contract_id} runs {contract.start_date} to {contract.end_date}.",
            errors=[{"field": "body.referral_date", "message": "outside the contract's dates"}],
        )
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
    await repository.add_referral(uow.session, referral)
    _record(uow, principal, referral, ReferralReceived(
        referral_id=referral.referral_id, contract_id=referral.contract_id, prime_id=referral.prime_id,
        referrer_id=referral.referrer_id, benefit_type=command.benefit_type, payment_group=referral.payment_group,
        mandatory=referral.mandatory, needs=command.needs, postcode_district=referral.postcode_district,
        referral_date=referral.referral_date,
    ))
    return referral


async def start_referral(uow: UnitOfWork, principal: Principal, referral_id: str, command: StartReferral) -> Referral:
    referral = await _prime_referral(uow, principal, referral_id)
    if referral.status != "referred":
        raise conflict("not-awaiting-start", "The referral cannot be started", f"It is {referral.status}.")
    _not_in_future(command.started_on, "started_on")
    if command.started_on < referral.referral_date:
        raise Problem(
            422, "start-before-referral", "A start cannot come before the referral",
            errors=[{"field": "body.started_on", "message": f"before the referral date {referral.referral_date}"}],
        )
    await repository.save_referral(
        uow.session, referral, status="started", started_on=command.started_on, updated_at=_now()
    )
    _record(uow, principal, referral, ReferralStarted(
        referral_id=referral.referral_id, contract_id=referral.contract_id, prime_id=referral.prime_id,
        started_on=command.started_on,
    ))
    return referral


async def reject_referral(
    uow: UnitOfWork, principal: Principal, referral_id: str, command: RejectReferral
) -> Referral:
    referral = await _prime_referral(uow, principal, referral_id)
    if referral.status != "referred":
        raise conflict("not-awaiting-start", "Only a referral awaiting its start can be rejected",
                       f"It is {referral.status}.")
    await repository.save_referral(
        uow.session, referral, status="rejected", rejection_reason=command.reason, rejection_note=command.note,
        updated_at=_now(),
    )
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
    assert command.partner_id is not None
    partner = await repository.get_known_organisation(uow.session, command.partner_id)
    if partner is None or partner.kind != "partner":
        raise refusal(rules.Refusal("unknown-partner", "No such partner", f"{command.partner_id} is not a registered "
                                    "supply-chain partner."))
    candidates = await repository.subcontracts_between(
        uow.session, contract_id=referral.contract_id, prime_id=referral.prime_id, partner_id=command.partner_id
    )
    if command.subcontract_id:
        candidates = [s for s in candidates if s.subcontract_id == command.subcontract_id]
    if not candidates:
        raise refusal(rules.Refusal(
            "no-subcontract", "The partner has no subcontract with this prime",
            f"{referral.prime_id} has no subcontract with {command.partner_id} under contract {referral.contract_id}.",
        ))
    claimant = rules.ClaimantView(postcode_district=referral.postcode_district, needs=referral.needs)
    first_refusal: rules.Refusal | None = None
    for subcontract in candidates:
        taken = await repository.allocations_in_month(uow.session, subcontract.subcontract_id, on)
        why_not = rules.check_allocation(
            _view(subcontract), claimant, on=on, service=command.service, allocated_this_month=taken
        )
        if why_not is None:
            return Placement("partner", command.partner_id, subcontract, command.service)
        first_refusal = first_refusal or why_not
    assert first_refusal is not None
    raise refusal(first_refusal)


def _allocation(referral: Referral, placement: Placement, on: date, principal: Principal) -> Allocation:
    s = placement.subcontract
    return Allocation(
        allocation_id=_new_id(), referral_id=referral.referral_id, delivery=placement.delivery,
        partner_id=placement.partner_id, subcontract_id=s.subcontract_id if s else None,
        supply_chain_model=s.model if s else None, service=placement.service, allocated_on=on,
        allocated_at=_now(), allocated_by=principal.user,
    )


async def allocate_referral(
    uow: UnitOfWork, principal: Principal, referral_id: str, command: AllocateReferral
) -> ReferralView:
    referral = await _prime_referral(uow, principal, referral_id)
    if referral.status != "started":
        raise conflict("not-started", "Only a started referral can be allocated", f"It is {referral.status}.")
    if referral.current_allocation_id:
        raise conflict("already-allocated", "The referral is already allocated",
                       "Re-allocate it, with a reason, to change who delivers.")
    on = command.allocated_on or _today()
    _not_in_future(on, "allocated_on")
    placement = await _placement(uow, referral, command, on)
    allocation = _allocation(referral, placement, on, principal)
    await repository.add_allocation(uow.session, allocation)
    await repository.save_referral(
        uow.session, referral, current_allocation_id=allocation.allocation_id,
        current_partner_id=allocation.partner_id, updated_at=_now(),
    )
    _record(uow, principal, referral, ReferralAllocated(
        referral_id=referral.referral_id, allocation_id=allocation.allocation_id, contract_id=referral.contract_id,
        prime_id=referral.prime_id, delivery=command.delivery, partner_id=allocation.partner_id,
        subcontract_id=allocation.subcontract_id, supply_chain_model=allocation.supply_chain_model,
        service=allocation.service, allocated_on=on,
    ))
    return ReferralView(referral, allocation)


async def reallocate_referral(
    uow: UnitOfWork, principal: Principal, referral_id: str, command: ReallocateReferral
) -> ReferralView:
    referral = await _prime_referral(uow, principal, referral_id)
    if referral.status != "started" or not referral.current_allocation_id:
        raise conflict("not-allocated", "Only an allocated referral can be re-allocated",
                       "Allocate it first." if referral.status == "started" else f"It is {referral.status}.")
    previous = await repository.get_allocation(uow.session, referral.current_allocation_id)
    assert previous is not None
    on = command.allocated_on or _today()
    _not_in_future(on, "allocated_on")
    placement = await _placement(uow, referral, command, on)
    if placement.delivery == previous.delivery and placement.partner_id == previous.partner_id and (
        placement.subcontract is None or placement.subcontract.subcontract_id == previous.subcontract_id
    ) and placement.service == previous.service:
        raise conflict("same-allocation", "The referral is already allocated there", "Nothing would change.")
    await repository.save_allocation(
        uow.session, previous, ended_at=_now(), end_reason=command.reason, end_note=command.note
    )
    allocation = _allocation(referral, placement, on, principal)
    await repository.add_allocation(uow.session, allocation)
    await repository.save_referral(
        uow.session, referral, current_allocation_id=allocation.allocation_id,
        current_partner_id=allocation.partner_id, updated_at=_now(),
    )
    _record(uow, principal, referral, ReferralReallocated(
        referral_id=referral.referral_id, allocation_id=allocation.allocation_id,
        previous_allocation_id=previous.allocation_id, contract_id=referral.contract_id, prime_id=referral.prime_id,
        delivery=command.delivery, partner_id=allocation.partner_id, subcontract_id=allocation.subcontract_id,
        supply_chain_model=allocation.supply_chain_model,
        service=allocation.service, previous_partner_id=previous.partner_id, reason=command.reason, allocated_on=on,
    ))
    return ReferralView(referral, allocation)


async def withdraw_referral(
    uow: UnitOfWork, principal: Principal, referral_id: str, command: WithdrawReferral
) -> ReferralView:
    """The prime holding the referral, or the JCP office that made it, withdraws it with a reason."""
    referral = await repository.get_referral(uow.session, referral_id, for_update=True)
    allowed = referral is not None and (
        (principal.kind == "prime" and referral.prime_id == principal.organisation_id
         and principal.has_role("manager", "adviser"))
        or (principal.kind == "jcp" and referral.referrer_id == principal.organisation_id
            and principal.has_role("referrer"))
    )
    if referral is None or not allowed:
        if referral is not None and can_see(principal, referral):
            raise forbidden("Only the prime holding the referral or the referring JCP office may withdraw it.")
        raise not_found("Referral", referral_id)
    if referral.status not in ("referred", "started"):
        raise conflict("not-open", "The referral is no longer open", f"It is {referral.status}.")
    on = command.withdrawn_on or _today()
    _not_in_future(on, "withdrawn_on")
    if referral.current_allocation_id:
        current = await repository.get_allocation(uow.session, referral.current_allocation_id)
        assert current is not None
        await repository.save_allocation(uow.session, current, ended_at=_now(), end_reason="withdrawn")
    await repository.save_referral(
        uow.session, referral, status="withdrawn", withdrawal_reason=command.reason,
        withdrawal_note=command.note, withdrawn_on=on, current_partner_id=None, updated_at=_now(),
    )
    _record(uow, principal, referral, ReferralWithdrawn(
        referral_id=referral.referral_id, contract_id=referral.contract_id, prime_id=referral.prime_id,
        reason=command.reason, withdrawn_on=on,
    ))
    return ReferralView(referral, None)

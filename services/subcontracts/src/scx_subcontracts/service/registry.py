"""Use cases of the registry: one function per thing a user does. They never commit; the route does."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import uuid_utils

from scx_contracts.registry import EventData
from scx_contracts.subcontracts import (
    ContractAwarded,
    ContractProfileSet,
    MonthlyProfile,
    OrganisationRegistered,
    SubcontractAgreed,
    SubcontractEnded,
    SubcontractTerms,
    SubcontractVaried,
)
from scx_persistence import UnitOfWork
from scx_servicekit import Principal
from scx_servicekit.events import make_event
from scx_servicekit.problems import not_found
from scx_subcontracts.access import registry as access
from scx_subcontracts.models.registry import Contract, Organisation, ProfileMonth, Subcontract, SubcontractVariation
from scx_subcontracts.problems import registry as problems
from scx_subcontracts.repository import registry as repository
from scx_subcontracts.rules import registry as rules
from scx_subcontracts.schemas.registry import (
    AgreeSubcontract,
    AwardContract,
    EndSubcontract,
    RegisterOrganisation,
    SubcontractOut,
    SubcontractTermsIn,
    VarySubcontract,
)

PRODUCER = "subcontracts"
AGREED = "the terms agreed"  # the reason recorded for variation 0


def _now() -> datetime:
    return datetime.now(UTC)


def _record(uow: UnitOfWork, principal: Principal, data: EventData) -> None:
    uow.record(make_event(data, producer=PRODUCER, actor=principal.actor()))


# Organisations


async def register_organisation(
    uow: UnitOfWork, principal: Principal, *, command: RegisterOrganisation
) -> Organisation:
    access.require_contract_manager(principal)
    if await repository.get_organisation(uow, organisation_id=command.organisation_id):
        raise problems.organisation_exists(command.organisation_id)
    organisation = Organisation(
        organisation_id=command.organisation_id, name=command.name, kind=command.kind, registered_at=_now()
    )
    try:
        await repository.add_organisation(uow, organisation)
    except repository.AlreadyExists:
        raise problems.organisation_exists(command.organisation_id) from None
    _record(uow, principal, OrganisationRegistered(
        organisation_id=organisation.organisation_id, name=organisation.name, kind=command.kind
    ))
    return organisation


async def list_organisations(uow: UnitOfWork, *, kind: str | None, after: str | None, limit: int) -> list[Organisation]:
    """Who is registered is no secret: any authenticated organisation may list them."""
    return await repository.list_organisations(uow, kind=kind, after=after, limit=limit)


async def get_organisation(uow: UnitOfWork, *, organisation_id: str) -> Organisation:
    organisation = await repository.get_organisation(uow, organisation_id=organisation_id)
    if organisation is None:
        raise not_found("Organisation", organisation_id)
    return organisation


async def _organisation_of_kind(uow: UnitOfWork, organisation_id: str, *, kind: str, field: str) -> Organisation:
    organisation = await repository.get_organisation(uow, organisation_id=organisation_id)
    if organisation is None or organisation.kind != kind:
        raise problems.unknown_organisation(organisation_id, kind=kind, field=field)
    return organisation


# Contracts


async def award_contract(uow: UnitOfWork, principal: Principal, *, command: AwardContract) -> Contract:
    access.require_contract_manager(principal)
    await _organisation_of_kind(uow, command.prime_id, kind="prime", field="prime_id")
    contract = Contract(
        contract_id=str(uuid_utils.uuid7()),
        prime_id=command.prime_id,
        contract_package_area=command.contract_package_area,
        start_date=command.start_date,
        end_date=command.end_date,
        value_pence=command.value_pence,
        payment_model=command.payment_model,
        profile_revision=0,
        awarded_at=_now(),
    )
    await repository.add_contract(uow, contract)
    _record(uow, principal, ContractAwarded(
        contract_id=contract.contract_id,
        prime_id=contract.prime_id,
        contract_package_area=contract.contract_package_area,
        start_date=contract.start_date,
        end_date=contract.end_date,
        value_pence=contract.value_pence,
        payment_model=contract.payment_model,
    ))
    if command.profile:
        contract = await _set_profile(uow, principal, contract, command.profile, field="profile")
    return contract


async def get_contract(uow: UnitOfWork, principal: Principal, *, contract_id: str) -> Contract:
    contract = await repository.get_contract(uow, contract_id=contract_id)
    if contract is None:
        raise not_found("Contract", contract_id)
    holds_subcontract = await _holds_subcontract(uow, principal, contract_id)
    if not access.can_see_contract(principal, contract, holds_subcontract=holds_subcontract):
        raise not_found("Contract", contract_id)
    return contract


async def _holds_subcontract(uow: UnitOfWork, principal: Principal, contract_id: str) -> bool:
    if principal.kind != "partner":
        return False  # spares the query: only a partner's sight of a contract depends on it
    held = await repository.list_subcontracts(
        uow, party=principal.organisation_id, contract_id=contract_id, partner_id=None, model=None, status=None,
        after=None, limit=1,
    )
    return bool(held)


async def list_contracts(
    uow: UnitOfWork, principal: Principal, *, area: str | None, prime_id: str | None, after: str | None, limit: int
) -> list[Contract]:
    view = access.contracts_in_view(principal, prime_id=prime_id)
    if view is None:
        return []
    return await repository.list_contracts(
        uow, prime_id=view.prime_id, partner_id=view.partner_id, area=area, after=after, limit=limit
    )


async def set_profile(
    uow: UnitOfWork, principal: Principal, *, contract_id: str, months: list[MonthlyProfile]
) -> Contract:
    access.require_contract_manager(principal)
    contract = await repository.get_contract(uow, contract_id=contract_id, for_update=True)
    if contract is None:
        raise not_found("Contract", contract_id)
    return await _set_profile(uow, principal, contract, months, field="months")


async def _set_profile(
    uow: UnitOfWork, principal: Principal, contract: Contract, months: list[MonthlyProfile], *, field: str
) -> Contract:
    # Not strftime: it writes year 1 as "1", not "0001", and months compare as text.
    first, last = (f"{d.year:04d}-{d.month:02d}" for d in (contract.start_date, contract.end_date))
    outside = [m.month for m in months if not first <= m.month <= last]
    if outside:
        raise problems.profile_outside_contract(outside, first=first, last=last, field=field)
    contract = replace(contract, profile_revision=contract.profile_revision + 1)
    await repository.update_contract(uow, contract)
    now = _now()
    await repository.replace_profile(uow, [
        ProfileMonth(
            contract_id=contract.contract_id, revision=contract.profile_revision, month=m.month,
            job_outcomes=m.job_outcomes, sustained_job_outcomes=m.sustained_job_outcomes,
            work_focused_interviews=m.work_focused_interviews, set_at=now,
        )
        for m in months
    ])
    _record(uow, principal, ContractProfileSet(
        contract_id=contract.contract_id, prime_id=contract.prime_id, revision=contract.profile_revision,
        months=months,
    ))
    return contract


async def get_profile(
    uow: UnitOfWork, principal: Principal, *, contract_id: str, revision: int | None
) -> tuple[int, list[int], list[ProfileMonth]]:
    """The revision asked for (default: the latest), every revision there is, and the months of the one."""
    contract = await get_contract(uow, principal, contract_id=contract_id)
    revisions = await repository.profile_revisions(uow, contract_id=contract_id)
    wanted = revision or contract.profile_revision
    if wanted not in revisions:
        raise not_found("Profile revision", str(wanted))
    return wanted, revisions, await repository.profile_months_of(uow, contract_id=contract_id, revision=wanted)


# Subcontracts


def terms_of(command: SubcontractTermsIn) -> SubcontractTerms:
    return SubcontractTerms(
        client_group=command.client_group,
        share_of_targets_percent=command.share_of_targets_percent,
        outcome_payment_share_percent=command.outcome_payment_share_percent,
        services=command.services,
        monthly_capacity=command.monthly_capacity,
        start_date=command.start_date,
        end_date=command.end_date,
    )


def subcontract_out(subcontract: Subcontract) -> SubcontractOut:
    terms = SubcontractTerms.model_validate(subcontract.terms)
    return SubcontractOut(
        subcontract_id=subcontract.subcontract_id,
        contract_id=subcontract.contract_id,
        prime_id=subcontract.prime_id,
        partner_id=subcontract.partner_id,
        model=subcontract.model,
        status=subcontract.status,
        variation=subcontract.variation,
        client_group=terms.client_group,
        share_of_targets_percent=terms.share_of_targets_percent,
        outcome_payment_share_percent=terms.outcome_payment_share_percent,
        services=terms.services,
        monthly_capacity=terms.monthly_capacity,
        start_date=terms.start_date,
        end_date=terms.end_date,
        ended_on=subcontract.ended_on,
        end_reason=subcontract.end_reason,
        agreed_at=subcontract.agreed_at,
    )


async def _check_terms(
    uow: UnitOfWork, contract: Contract, model: str, terms: SubcontractTerms, *, excluding: str | None = None
) -> None:
    errors = rules.check_terms(model, terms)
    errors += rules.check_within_contract(terms, contract.start_date, contract.end_date)
    if model == "end_to_end":
        others = await repository.live_end_to_end_subcontracts(
            uow, contract_id=contract.contract_id, excluding=excluding
        )
        shares = [int(s.terms.get("share_of_targets_percent") or 0) for s in others]
        errors += rules.check_share_of_targets(shares, terms.share_of_targets_percent)
    if errors:
        raise problems.invalid_subcontract_terms(errors)


async def agree_subcontract(
    uow: UnitOfWork, principal: Principal, *, contract_id: str, command: AgreeSubcontract
) -> Subcontract:
    access.require_prime_manager(principal)
    contract = await repository.get_contract(uow, contract_id=contract_id, for_update=True)
    if contract is None or not access.is_prime_of(principal, contract):
        raise not_found("Contract", contract_id)
    await _organisation_of_kind(uow, command.partner_id, kind="partner", field="partner_id")
    terms = terms_of(command)
    await _check_terms(uow, contract, command.model, terms)
    subcontract = Subcontract(
        subcontract_id=str(uuid_utils.uuid7()),
        contract_id=contract.contract_id,
        prime_id=contract.prime_id,
        partner_id=command.partner_id,
        model=command.model,
        terms=terms.model_dump(mode="json"),
        start_date=terms.start_date,
        end_date=terms.end_date,
        status="live",
        variation=0,
        ended_on=None,
        end_reason=None,
        end_note=None,
        agreed_at=_now(),
    )
    await repository.add_subcontract(uow, subcontract)
    # The history of terms starts with the terms agreed: a variation replaces the row's terms, so without this the
    # terms in force before the first variation (the share of targets the partner was promised) would be lost.
    await repository.add_subcontract_variation(uow, SubcontractVariation(
        subcontract_id=subcontract.subcontract_id, variation=0, reason=AGREED, terms=subcontract.terms,
        varied_at=subcontract.agreed_at, varied_by=principal.user,
    ))
    _record(uow, principal, SubcontractAgreed(
        subcontract_id=subcontract.subcontract_id, contract_id=contract.contract_id, prime_id=contract.prime_id,
        partner_id=command.partner_id, model=command.model, terms=terms,
    ))
    return subcontract


async def get_subcontract(uow: UnitOfWork, principal: Principal, *, subcontract_id: str) -> Subcontract:
    subcontract = await repository.get_subcontract(uow, subcontract_id=subcontract_id)
    if subcontract is None or not access.can_see_subcontract(principal, subcontract):
        raise not_found("Subcontract", subcontract_id)
    return subcontract


async def list_subcontracts(
    uow: UnitOfWork,
    principal: Principal,
    *,
    contract_id: str | None,
    partner_id: str | None,
    model: str | None,
    status: str | None,
    after: str | None,
    limit: int,
) -> list[Subcontract]:
    return await repository.list_subcontracts(
        uow, party=access.subcontract_party(principal), contract_id=contract_id, partner_id=partner_id,
        model=model, status=status, after=after, limit=limit,
    )


async def _own_live_subcontract(uow: UnitOfWork, principal: Principal, subcontract_id: str) -> Subcontract:
    access.require_prime_manager(principal)
    subcontract = await repository.get_subcontract(uow, subcontract_id=subcontract_id, for_update=True)
    if subcontract is None or not access.is_prime_of(principal, subcontract):
        raise not_found("Subcontract", subcontract_id)
    if subcontract.status != "live":
        raise problems.subcontract_ended(subcontract.ended_on)
    return subcontract


async def vary_subcontract(
    uow: UnitOfWork, principal: Principal, *, subcontract_id: str, command: VarySubcontract
) -> Subcontract:
    subcontract = await _own_live_subcontract(uow, principal, subcontract_id)
    contract = await repository.get_contract(uow, contract_id=subcontract.contract_id)
    assert contract is not None  # a foreign key: a subcontract's contract is never missing
    terms = terms_of(command)
    await _check_terms(uow, contract, subcontract.model, terms, excluding=subcontract.subcontract_id)
    subcontract = replace(
        subcontract, variation=subcontract.variation + 1, terms=terms.model_dump(mode="json"),
        start_date=terms.start_date, end_date=terms.end_date,
    )
    await repository.update_subcontract(uow, subcontract)
    await repository.add_subcontract_variation(uow, SubcontractVariation(
        subcontract_id=subcontract.subcontract_id, variation=subcontract.variation, reason=command.reason,
        terms=subcontract.terms, varied_at=_now(), varied_by=principal.user,
    ))
    _record(uow, principal, SubcontractVaried(
        subcontract_id=subcontract.subcontract_id, contract_id=subcontract.contract_id,
        prime_id=subcontract.prime_id, partner_id=subcontract.partner_id, variation=subcontract.variation,
        reason=command.reason, terms=terms,
    ))
    return subcontract


async def end_subcontract(
    uow: UnitOfWork, principal: Principal, *, subcontract_id: str, command: EndSubcontract
) -> Subcontract:
    subcontract = await _own_live_subcontract(uow, principal, subcontract_id)
    if command.ended_on < subcontract.start_date:
        raise problems.end_before_start(subcontract.start_date)
    if command.ended_on > subcontract.end_date:
        raise problems.end_after_expiry(subcontract.end_date)
    subcontract = replace(
        subcontract, status="ended", ended_on=command.ended_on, end_reason=command.reason, end_note=command.note
    )
    await repository.update_subcontract(uow, subcontract)
    _record(uow, principal, SubcontractEnded(
        subcontract_id=subcontract.subcontract_id, contract_id=subcontract.contract_id,
        prime_id=subcontract.prime_id, partner_id=subcontract.partner_id, ended_on=command.ended_on,
        reason=command.reason,
    ))
    return subcontract

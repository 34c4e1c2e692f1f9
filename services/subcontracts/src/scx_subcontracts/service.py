"""Use cases of the registry: one function per thing a user does. They never commit; the route does."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import uuid_utils
from sqlalchemy.exc import IntegrityError

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
from scx_servicekit import Principal, Problem
from scx_servicekit.auth import forbidden
from scx_servicekit.events import make_event
from scx_servicekit.problems import not_found
from scx_subcontracts import repository, rules
from scx_subcontracts.models import Contract, Organisation, ProfileMonth, Subcontract, SubcontractVariation
from scx_subcontracts.schemas import (
    AgreeSubcontract,
    AwardContract,
    EndSubcontract,
    RegisterOrganisation,
    SubcontractOut,
    SubcontractTermsIn,
    VarySubcontract,
)

PRODUCER = "subcontracts"


def _now() -> datetime:
    return datetime.now(UTC)


def _record(uow: UnitOfWork, principal: Principal, data: EventData) -> None:
    uow.record(make_event(data, producer=PRODUCER, actor=principal.actor()))


def require_contract_manager(principal: Principal) -> None:
    if principal.kind != "dwp" or not principal.has_role("contract_manager"):
        raise forbidden("Only a DWP contract manager may do this; auditors read and change nothing.")


def require_prime_manager(principal: Principal) -> None:
    if principal.kind != "prime" or not principal.has_role("manager"):
        raise forbidden("Only a prime provider's manager may manage its supply chain.")


def invalid_terms(errors: Sequence[rules.TermsError]) -> Problem:
    return Problem(
        422,
        "invalid-subcontract-terms",
        "The subcontract's terms do not fit",
        "; ".join(f"{e.field}: {e.message}" for e in errors),
        errors=[{"field": f"body.{e.field}", "message": e.message} for e in errors],
    )


# Organisations


async def register_organisation(uow: UnitOfWork, principal: Principal, command: RegisterOrganisation) -> Organisation:
    require_contract_manager(principal)
    if await repository.get_organisation(uow.session, command.organisation_id):
        raise Problem(
            409, "organisation-exists", "The organisation is already registered",
            f"{command.organisation_id} is already registered.",
        )
    organisation = Organisation(
        organisation_id=command.organisation_id, name=command.name, kind=command.kind, registered_at=_now()
    )
    uow.session.add(organisation)
    try:
        await uow.session.flush()
    except IntegrityError:
        raise Problem(409, "organisation-exists", "The organisation is already registered") from None
    _record(uow, principal, OrganisationRegistered(
        organisation_id=organisation.organisation_id, name=organisation.name, kind=command.kind
    ))
    return organisation


async def list_organisations(
    uow: UnitOfWork, *, kind: str | None, after: str | None, limit: int
) -> Sequence[Organisation]:
    """Who is registered is no secret: any authenticated organisation may list them."""
    return await repository.list_organisations(uow.session, kind=kind, after=after, limit=limit)


async def get_organisation(uow: UnitOfWork, organisation_id: str) -> Organisation:
    organisation = await repository.get_organisation(uow.session, organisation_id)
    if organisation is None:
        raise not_found("Organisation", organisation_id)
    return organisation


async def organisation_of_kind(uow: UnitOfWork, organisation_id: str, kind: str, field: str) -> Organisation:
    organisation = await repository.get_organisation(uow.session, organisation_id)
    if organisation is None or organisation.kind != kind:
        raise Problem(
            422, "unknown-organisation", f"No {kind} organisation {organisation_id}",
            f"{field} must name a registered {kind} organisation.",
            errors=[{"field": f"body.{field}", "message": f"not a registered {kind}"}],
        )
    return organisation


# Contracts


def can_see_contract(principal: Principal, contract: Contract, partner_contracts: set[str] | None = None) -> bool:
    if principal.kind in ("dwp", "jcp"):
        return True  # JCP refers to contracts, so it knows which exist
    if principal.kind == "prime":
        return contract.prime_id == principal.organisation_id
    return partner_contracts is not None and contract.contract_id in partner_contracts


async def award_contract(uow: UnitOfWork, principal: Principal, command: AwardContract) -> Contract:
    require_contract_manager(principal)
    await organisation_of_kind(uow, command.prime_id, "prime", "prime_id")
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
    uow.session.add(contract)
    await uow.session.flush()
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
        await _set_profile(uow, principal, contract, command.profile)
    return contract


async def get_contract(uow: UnitOfWork, principal: Principal, contract_id: str) -> Contract:
    contract = await repository.get_contract(uow.session, contract_id)
    partner_contracts = None
    if contract is not None and principal.kind == "partner":
        mine = await repository.list_subcontracts(
            uow.session, party=principal.organisation_id, contract_id=contract_id, partner_id=None, model=None,
            status=None, after=None, limit=1,
        )
        partner_contracts = {s.contract_id for s in mine}
    if contract is None or not can_see_contract(principal, contract, partner_contracts):
        raise not_found("Contract", contract_id)
    return contract


async def list_contracts(
    uow: UnitOfWork, principal: Principal, *, area: str | None, prime_id: str | None, after: str | None, limit: int
) -> Sequence[Contract]:
    partner_id = None
    if principal.kind == "prime":
        if prime_id and prime_id != principal.organisation_id:
            return []
        prime_id = principal.organisation_id
    elif principal.kind == "partner":
        partner_id = principal.organisation_id
    return await repository.list_contracts(
        uow.session, prime_id=prime_id, partner_id=partner_id, area=area, after=after, limit=limit
    )


async def set_profile(
    uow: UnitOfWork, principal: Principal, contract_id: str, months: list[MonthlyProfile]
) -> tuple[Contract, int]:
    require_contract_manager(principal)
    contract = await repository.get_contract(uow.session, contract_id, for_update=True)
    if contract is None:
        raise not_found("Contract", contract_id)
    revision = await _set_profile(uow, principal, contract, months)
    return contract, revision


async def _set_profile(uow: UnitOfWork, principal: Principal, contract: Contract, months: list[MonthlyProfile]) -> int:
    first, last = contract.start_date.strftime("%Y-%m"), contract.end_date.strftime("%Y-%m")
    outside = [m.month for m in months if not first <= m.month <= last]
    if outside:
        raise Problem(
            422, "profile-outside-contract", "Profile months fall outside the contract",
            f"{', '.join(outside)} outside {first}..{last}",
            errors=[{"field": "body.months", "message": f"{m} is outside the contract"} for m in outside],
        )
    contract.profile_revision += 1
    revision = contract.profile_revision
    now = _now()
    await repository.replace_profile(uow.session, [
        ProfileMonth(
            contract_id=contract.contract_id, revision=revision, month=m.month, job_outcomes=m.job_outcomes,
            sustained_job_outcomes=m.sustained_job_outcomes, work_focused_interviews=m.work_focused_interviews,
            set_at=now,
        )
        for m in months
    ])
    _record(uow, principal, ContractProfileSet(
        contract_id=contract.contract_id, prime_id=contract.prime_id, revision=revision, months=months
    ))
    return revision


async def get_profile(
    uow: UnitOfWork, principal: Principal, contract_id: str, revision: int | None
) -> tuple[int, list[int], Sequence[ProfileMonth]]:
    contract = await get_contract(uow, principal, contract_id)
    revisions = await repository.profile_revisions(uow.session, contract_id)
    wanted = revision or contract.profile_revision
    if wanted not in revisions:
        raise not_found("Profile revision", str(wanted))
    return wanted, revisions, await repository.profile_months(uow.session, contract_id, wanted)


# Subcontracts


def terms_of(command: SubcontractTermsIn) -> SubcontractTerms:
    return SubcontractTerms(
        client_group=command.client_group,
        share_of_targets_percent=command.share_of_targets_percent,
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
        services=terms.services,
        monthly_capacity=terms.monthly_capacity,
        start_date=terms.start_date,
        end_date=terms.end_date,
        ended_on=subcontract.ended_on,
        end_reason=subcontract.end_reason,
        agreed_at=subcontract.agreed_at,
    )


async def _check_terms(
    uow: UnitOfWork, contract: Contract, model: str, terms: SubcontractTerms, excluding: str | None = None
) -> None:
    errors = rules.check_terms(model, terms)
    errors += rules.check_within_contract(terms, contract.start_date, contract.end_date)
    if model == "end_to_end":
        others = await repository.live_end_to_end_shares(uow.session, contract.contract_id, excluding=excluding)
        errors += rules.check_share_of_targets(others, terms.share_of_targets_percent)
    if errors:
        raise invalid_terms(errors)


async def agree_subcontract(
    uow: UnitOfWork, principal: Principal, contract_id: str, command: AgreeSubcontract
) -> Subcontract:
    require_prime_manager(principal)
    contract = await repository.get_contract(uow.session, contract_id, for_update=True)
    if contract is None or contract.prime_id != principal.organisation_id:
        raise not_found("Contract", contract_id)
    await organisation_of_kind(uow, command.partner_id, "partner", "partner_id")
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
        agreed_at=_now(),
    )
    uow.session.add(subcontract)
    await uow.session.flush()
    _record(uow, principal, SubcontractAgreed(
        subcontract_id=subcontract.subcontract_id, contract_id=contract.contract_id, prime_id=contract.prime_id,
        partner_id=command.partner_id, model=command.model, terms=terms,
    ))
    return subcontract


def can_see_subcontract(principal: Principal, subcontract: Subcontract) -> bool:
    if principal.kind == "dwp":
        return True
    return principal.organisation_id in (subcontract.prime_id, subcontract.partner_id)


async def get_subcontract(uow: UnitOfWork, principal: Principal, subcontract_id: str) -> Subcontract:
    subcontract = await repository.get_subcontract(uow.session, subcontract_id)
    if subcontract is None or not can_see_subcontract(principal, subcontract):
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
) -> Sequence[Subcontract]:
    if principal.kind == "jcp":
        raise forbidden("Jobcentre Plus does not see the terms of providers' supply chains.")
    party = None if principal.kind == "dwp" else principal.organisation_id
    return await repository.list_subcontracts(
        uow.session, party=party, contract_id=contract_id, partner_id=partner_id, model=model, status=status,
        after=after, limit=limit,
    )


async def _own_live_subcontract(uow: UnitOfWork, principal: Principal, subcontract_id: str) -> Subcontract:
    require_prime_manager(principal)
    subcontract = await repository.get_subcontract(uow.session, subcontract_id, for_update=True)
    if subcontract is None or subcontract.prime_id != principal.organisation_id:
        raise not_found("Subcontract", subcontract_id)
    if subcontract.status != "live":
        raise Problem(
            409, "subcontract-ended", "The subcontract has ended",
            f"It ended on {subcontract.ended_on}; agree a new subcontract instead.",
        )
    return subcontract


async def vary_subcontract(
    uow: UnitOfWork, principal: Principal, subcontract_id: str, command: VarySubcontract
) -> Subcontract:
    subcontract = await _own_live_subcontract(uow, principal, subcontract_id)
    contract = await repository.get_contract(uow.session, subcontract.contract_id)
    assert contract is not None
    terms = terms_of(command)
    await _check_terms(uow, contract, subcontract.model, terms, excluding=subcontract.subcontract_id)
    subcontract.variation += 1
    subcontract.terms = terms.model_dump(mode="json")
    subcontract.start_date, subcontract.end_date = terms.start_date, terms.end_date
    uow.session.add(SubcontractVariation(
        subcontract_id=subcontract.subcontract_id, variation=subcontract.variation, reason=command.reason,
        terms=subcontract.terms, varied_at=_now(), varied_by=principal.user,
    ))
    await uow.session.flush()
    _record(uow, principal, SubcontractVaried(
        subcontract_id=subcontract.subcontract_id, contract_id=subcontract.contract_id,
        prime_id=subcontract.prime_id, partner_id=subcontract.partner_id, variation=subcontract.variation,
        reason=command.reason, terms=terms,
    ))
    return subcontract


async def end_subcontract(
    uow: UnitOfWork, principal: Principal, subcontract_id: str, command: EndSubcontract
) -> Subcontract:
    subcontract = await _own_live_subcontract(uow, principal, subcontract_id)
    if command.ended_on < subcontract.start_date:
        raise Problem(
            422, "invalid-end-date", "A subcontract cannot end before it starts",
            errors=[{"field": "body.ended_on", "message": f"before the start date {subcontract.start_date}"}],
        )
    if command.ended_on > subcontract.end_date:
        raise Problem(
            422, "invalid-end-date", "A subcontract cannot be ended after it expires",
            f"It expires on {subcontract.end_date} by its own terms; vary it to extend it instead.",
            errors=[{"field": "body.ended_on", "message": f"after the end date {subcontract.end_date}"}],
        )
    subcontract.status = "ended"
    subcontract.ended_on = command.ended_on
    subcontract.end_reason = command.reason
    subcontract.end_note = command.note
    await uow.session.flush()
    _record(uow, principal, SubcontractEnded(
        subcontract_id=subcontract.subcontract_id, contract_id=subcontract.contract_id,
        prime_id=subcontract.prime_id, partner_id=subcontract.partner_id, ended_on=command.ended_on,
        reason=command.reason,
    ))
    return subcontract

"""Subcontracts' events → the referral service's own read model of organisations, contracts and subcontracts."""

from __future__ import annotations

from scx_contracts import Envelope
from scx_contracts.subcontracts import (
    ContractAwarded,
    OrganisationRegistered,
    SubcontractAgreed,
    SubcontractEnded,
    SubcontractTerms,
    SubcontractVaried,
)
from scx_persistence import UnitOfWork
from scx_persistence.inbox import MissingPredecessor
from scx_persistence.subscriptions import Subscriptions, on
from scx_referral import repository
from scx_referral.models import KnownContract, KnownOrganisation, KnownSubcontract


async def organisation_registered(uow: UnitOfWork, _: Envelope, data: OrganisationRegistered) -> None:
    known = await repository.get_known_organisation(uow.session, data.organisation_id)
    if known is None:
        uow.session.add(KnownOrganisation(organisation_id=data.organisation_id, name=data.name, kind=data.kind))


async def contract_awarded(uow: UnitOfWork, _: Envelope, data: ContractAwarded) -> None:
    if await repository.get_known_contract(uow.session, data.contract_id) is None:
        uow.session.add(KnownContract(
            contract_id=data.contract_id, prime_id=data.prime_id, contract_package_area=data.contract_package_area,
            start_date=data.start_date, end_date=data.end_date,
        ))


def _apply_terms(subcontract: KnownSubcontract, terms: SubcontractTerms) -> None:
    group = terms.client_group
    subcontract.postcode_districts = list(group.postcode_districts) if group else []
    subcontract.health_conditions = list(group.health_conditions) if group else []
    subcontract.services = [s.service for s in terms.services]
    subcontract.monthly_capacity = terms.monthly_capacity
    subcontract.start_date, subcontract.end_date = terms.start_date, terms.end_date


async def subcontract_agreed(uow: UnitOfWork, _: Envelope, data: SubcontractAgreed) -> None:
    if await repository.get_known_subcontract(uow.session, data.subcontract_id) is not None:
        return
    subcontract = KnownSubcontract(
        subcontract_id=data.subcontract_id, contract_id=data.contract_id, prime_id=data.prime_id,
        partner_id=data.partner_id, model=data.model, variation=0, ended_on=None,
    )
    _apply_terms(subcontract, data.terms)
    uow.session.add(subcontract)


async def subcontract_varied(uow: UnitOfWork, _: Envelope, data: SubcontractVaried) -> None:
    subcontract = await repository.get_known_subcontract(uow.session, data.subcontract_id)
    if subcontract is None:
        raise MissingPredecessor(f"subcontract {data.subcontract_id} varied before it was agreed")
    if data.variation <= subcontract.variation:
        return  # an older variation than the one we hold: keep the newer terms
    if data.variation > subcontract.variation + 1:
        raise MissingPredecessor(f"variation {data.variation} before {subcontract.variation + 1}")
    _apply_terms(subcontract, data.terms)
    subcontract.variation = data.variation


async def subcontract_ended(uow: UnitOfWork, _: Envelope, data: SubcontractEnded) -> None:
    subcontract = await repository.get_known_subcontract(uow.session, data.subcontract_id)
    if subcontract is None:
        raise MissingPredecessor(f"subcontract {data.subcontract_id} ended before it was agreed")
    subcontract.ended_on = data.ended_on


SUBSCRIPTIONS = Subscriptions(
    on(OrganisationRegistered, organisation_registered),
    on(ContractAwarded, contract_awarded),
    on(SubcontractAgreed, subcontract_agreed),
    on(SubcontractVaried, subcontract_varied),
    on(SubcontractEnded, subcontract_ended),
)

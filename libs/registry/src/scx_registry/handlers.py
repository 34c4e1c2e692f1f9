"""The subcontracts service's events → the registry read model. Each handler is idempotent on its own (the inbox
already is) and waits, rather than guesses, when an event's predecessor has not arrived."""

from __future__ import annotations

from datetime import date
from typing import Any

from scx_contracts import Envelope
from scx_contracts.subcontracts import (
    ContractAwarded,
    ContractProfileSet,
    OrganisationRegistered,
    SubcontractAgreed,
    SubcontractEnded,
    SubcontractTerms,
    SubcontractVaried,
)
from scx_persistence import UnitOfWork
from scx_persistence.inbox import MissingPredecessor
from scx_persistence.subscriptions import Subscriptions, on
from scx_registry import repository
from scx_registry.models import (
    KnownContract,
    KnownOrganisation,
    KnownSubcontract,
    ProfileMonth,
    SubcontractPaymentTerms,
)


async def organisation_registered(uow: UnitOfWork, _: Envelope, data: OrganisationRegistered) -> None:
    await repository.add_organisation(
        uow, KnownOrganisation(organisation_id=data.organisation_id, name=data.name, kind=data.kind)
    )


async def contract_awarded(uow: UnitOfWork, _: Envelope, data: ContractAwarded) -> None:
    await repository.add_contract(uow, KnownContract(
        contract_id=data.contract_id, prime_id=data.prime_id, contract_package_area=data.contract_package_area,
        start_date=data.start_date, end_date=data.end_date, value_pence=data.value_pence,
        payment_model=data.payment_model, profile_revision=0,
    ))


async def contract_profile_set(uow: UnitOfWork, _: Envelope, data: ContractProfileSet) -> None:
    contract = await repository.get_contract(uow, data.contract_id, for_update=True)
    if contract is None:
        raise MissingPredecessor(f"profile of contract {data.contract_id} before its award")
    # Each revision carries the whole profile, so one can be applied without those before it: a service that
    # subscribes late keeps the revisions it sees, and the latest is the latest whatever it missed.
    await repository.replace_profile(uow, data.contract_id, data.revision, [
        ProfileMonth(
            contract_id=data.contract_id, revision=data.revision, month=m.month, job_outcomes=m.job_outcomes,
            sustained_job_outcomes=m.sustained_job_outcomes, work_focused_interviews=m.work_focused_interviews,
        )
        for m in data.months
    ])
    await repository.raise_profile_revision(uow, data.contract_id, data.revision)


def _terms(terms: SubcontractTerms) -> dict[str, Any]:
    """A subcontract's terms as the read model's columns (`repository.TERMS`, less the variation)."""
    group = terms.client_group
    return {
        "postcode_districts": list(group.postcode_districts) if group else [],
        "health_conditions": list(group.health_conditions) if group else [],
        "services": [s.service for s in terms.services],
        "service_prices": [{"service": s.service, "price_pence": s.price_pence} for s in terms.services],
        "share_of_targets_percent": terms.share_of_targets_percent,
        "outcome_payment_share_percent": terms.outcome_payment_share_percent,
        "monthly_capacity": terms.monthly_capacity,
        "start_date": terms.start_date,
        "end_date": terms.end_date,
    }


def _payment_terms(
    subcontract_id: str, variation: int, terms: SubcontractTerms, applies_from: date
) -> SubcontractPaymentTerms:
    return SubcontractPaymentTerms(
        subcontract_id=subcontract_id, variation=variation, applies_from=applies_from,
        outcome_payment_share_percent=terms.outcome_payment_share_percent,
        service_prices=[{"service": s.service, "price_pence": s.price_pence} for s in terms.services],
    )


async def subcontract_agreed(uow: UnitOfWork, _: Envelope, data: SubcontractAgreed) -> None:
    await repository.add_subcontract(uow, KnownSubcontract(
        subcontract_id=data.subcontract_id, contract_id=data.contract_id, prime_id=data.prime_id,
        partner_id=data.partner_id, model=data.model, variation=0, ended_on=None, end_reason=None,
        **_terms(data.terms),
    ))
    await repository.add_payment_terms(
        uow, _payment_terms(data.subcontract_id, 0, data.terms, data.terms.start_date)
    )


async def subcontract_varied(uow: UnitOfWork, envelope: Envelope, data: SubcontractVaried) -> None:
    """The newest variation's terms replace the row's; every variation's money terms are kept, applying from the
    day it was agreed (the event's `occurred_at`, UTC): a variation changes what is owed from then on, never
    before."""
    history = _payment_terms(data.subcontract_id, data.variation, data.terms, envelope.occurred_at.date())
    if await repository.vary_subcontract(uow, data.subcontract_id, variation=data.variation, terms=_terms(data.terms)):
        await repository.add_payment_terms(uow, history)
        return  # the common case: the row held the variation just before this one
    subcontract = await repository.get_subcontract(uow, data.subcontract_id)
    if subcontract is None:
        raise MissingPredecessor(f"subcontract {data.subcontract_id} varied before it was agreed")
    if data.variation > subcontract.variation + 1:
        raise MissingPredecessor(f"variation {data.variation} before {subcontract.variation + 1}")
    # An older variation than the one we hold: keep the newer terms, but its place in the history.
    await repository.add_payment_terms(uow, history)


async def subcontract_ended(uow: UnitOfWork, _: Envelope, data: SubcontractEnded) -> None:
    if not await repository.end_subcontract(uow, data.subcontract_id, ended_on=data.ended_on, reason=data.reason):
        raise MissingPredecessor(f"subcontract {data.subcontract_id} ended before it was agreed")


SUBSCRIPTIONS = Subscriptions(
    on(OrganisationRegistered, organisation_registered),
    on(ContractAwarded, contract_awarded),
    on(ContractProfileSet, contract_profile_set),
    on(SubcontractAgreed, subcontract_agreed),
    on(SubcontractVaried, subcontract_varied),
    on(SubcontractEnded, subcontract_ended),
)

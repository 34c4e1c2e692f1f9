"""What each journey makes payable, kept current: the journey's entitlements are reassessed, in the transaction of
each event that can change them (its start, a week's hours reported or corrected), and a contract's service fee
instalments computed when its award arrives. The rules are `rules.entitlements` and `rules.tariffs`; a contract is
paid under the tariff its award names (`payment_model`).

A job's end and the case's exit change nothing here: only reported weeks earn outcomes, and weeks of a job started
before the exit still count after it."""

from __future__ import annotations

from scx_claims import access
from scx_claims.models.entitlements import Entitlement, Instalment
from scx_claims.repository import entitlements as repository
from scx_claims.repository import journeys as journey_repository
from scx_claims.rules import entitlements as rules
from scx_claims.rules.tariffs import contract_months, in_force, instalments, share_of
from scx_claims.service.events import new_id, now
from scx_claims.service.tariffs import versions_in_force
from scx_persistence import UnitOfWork
from scx_registry import repository as registry
from scx_servicekit import Principal
from scx_servicekit.paging import PageRequest
from scx_servicekit.problems import not_found

FIRST_PROFILE = 1  # outcome prices divide by the profile agreed at award, never by a revision


async def reassess(uow: UnitOfWork, case_id: str) -> None:
    """Bring the journey's entitlements in line with its recorded weeks (idempotent: a second run changes nothing)."""
    journey = await journey_repository.get_journey(uow, case_id)
    contract = await registry.get_contract(uow, journey.contract_id) if journey else None
    if journey is None or contract is None:
        return  # the contract's award reassesses its journeys when it arrives
    profile = await registry.profile(uow, contract.contract_id, FIRST_PROFILE)
    terms = rules.ContractTerms(
        start_date=contract.start_date, value_pence=contract.value_pence,
        profiled_job_outcomes=sum(m.job_outcomes for m in profile),
        profiled_sustained_job_outcomes=sum(m.sustained_job_outcomes for m in profile),
    )
    reports = await journey_repository.weeks_of(uow, case_id)
    wanted = rules.assess(
        started_on=journey.started_on, payment_group=journey.payment_group,
        weeks=rules.weeks_worked(((w.week_commencing, w.hundredths) for w in reports), journey.started_on),
        terms=terms, versions=await versions_in_force(uow, contract.payment_model),
    )
    recorded = await repository.entitlements_of(uow, case_id)
    changes = rules.reconcile(recorded, wanted, now=now())
    was = {e.entitlement_id: e.status for e in recorded}
    for entitlement in [*changes.updated, *changes.withdrawn]:
        await repository.update_entitlement_if(uow, entitlement, status_was=was[entitlement.entitlement_id])
    for payable in changes.added:
        await repository.add_entitlement(uow, Entitlement(
            entitlement_id=new_id(), case_id=case_id, contract_id=journey.contract_id, prime_id=journey.prime_id,
            kind=payable.kind, sequence=payable.sequence, amount_pence=payable.amount_pence,
            tariff_model=payable.tariff_model, tariff_version=payable.tariff_version,
            payable_from=payable.payable_from, evidence_weeks=rules.evidence_of(payable), status=rules.PAYABLE,
            computed_at=now(),
        ))


async def reassess_contract(uow: UnitOfWork, contract_id: str) -> None:
    """Every journey of the contract (when its award or first profile arrives after its journeys)."""
    for case_id in await repository.journeys_of_contract(uow, contract_id):
        await reassess(uow, case_id)


async def ensure_instalments(uow: UnitOfWork, contract_id: str) -> None:
    """The contract's service fee in monthly instalments, computed once, under the version of its tariff in force on
    the contract's start: its share of the value rounded down to the penny, divided equally over the contract's
    months with the remainder pennies one each to the earliest (`rules.tariffs.instalments`). None for a tariff
    without a service fee, an unknown tariff, or a contract whose value is not known."""
    contract = await registry.get_contract(uow, contract_id)
    if contract is None or contract.value_pence is None or await repository.has_instalments(uow, contract_id):
        return
    version = in_force(await versions_in_force(uow, contract.payment_model), contract.start_date)
    if version is None or version.body.service_fee is None:
        return
    total = share_of(contract.value_pence, version.body.service_fee.share_of_value_basis_points)
    for month, amount in instalments(total, contract_months(contract.start_date, contract.end_date)):
        await repository.add_instalment(uow, Instalment(
            contract_id=contract_id, month=month, prime_id=contract.prime_id, amount_pence=amount,
            tariff_model=version.model, tariff_version=version.version, status="due",
        ))


async def contract_awarded(uow: UnitOfWork, contract_id: str) -> None:
    await ensure_instalments(uow, contract_id)
    await reassess_contract(uow, contract_id)


# Reading


async def list_entitlements(
    uow: UnitOfWork, principal: Principal, *, case_id: str, page: PageRequest
) -> list[Entitlement]:
    """A journey's entitlements, for its prime and DWP; `page.limit + 1` rows. Anyone else finds no journey."""
    journey = await journey_repository.get_journey(uow, case_id)
    if journey is None or not access.reads_prime(principal, journey.prime_id):
        raise not_found("Journey", case_id)
    return await repository.entitlements_page(uow, case_id, after=page.after, limit=page.limit + 1)


async def list_instalments(
    uow: UnitOfWork, principal: Principal, *, contract_id: str, page: PageRequest
) -> list[Instalment]:
    """A contract's service fee instalments, for its prime and DWP; `page.limit + 1` rows."""
    contract = await registry.get_contract(uow, contract_id)
    if contract is None or not access.reads_prime(principal, contract.prime_id):
        raise not_found("Contract", contract_id)
    return await repository.instalments_page(uow, contract_id, after=page.after, limit=page.limit + 1)

"""Every query of the registry read model. Handlers write through it; services read through it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from sqlalchemy import bindparam, select, update

from scx_persistence import UnitOfWork
from scx_persistence.records import (
    delete_by,
    execute,
    fetch_all,
    fetch_one,
    insert_if_new,
    insert_records,
    scalar,
    select_by,
)
from scx_registry.models import (
    KnownContract,
    KnownOrganisation,
    KnownSubcontract,
    ProfileMonth,
    SubcontractPaymentTerms,
    known_contracts,
    known_organisations,
    known_profile_months,
    known_subcontract_terms,
    known_subcontracts,
)


async def get_organisation(uow: UnitOfWork, organisation_id: str) -> KnownOrganisation | None:
    return await fetch_one(
        uow, KnownOrganisation, select_by(known_organisations, "organisation_id"), {"organisation_id": organisation_id}
    )


async def add_organisation(uow: UnitOfWork, organisation: KnownOrganisation) -> bool:
    """Whether it was new: an organisation is registered once, so one already here is this same one."""
    return await insert_if_new(uow, known_organisations, organisation)


async def get_contract(uow: UnitOfWork, contract_id: str, *, for_update: bool = False) -> KnownContract | None:
    query = select_by(known_contracts, "contract_id", for_update=for_update)
    return await fetch_one(uow, KnownContract, query, {"contract_id": contract_id})


async def add_contract(uow: UnitOfWork, contract: KnownContract) -> bool:
    """Whether it was new: a contract is awarded once."""
    return await insert_if_new(uow, known_contracts, contract)


_RAISE_REVISION = (
    update(known_contracts)
    .where(known_contracts.c.contract_id == bindparam("k_contract_id"),
           known_contracts.c.profile_revision < bindparam("v_revision"))
    .values(profile_revision=bindparam("v_revision"))
)


async def raise_profile_revision(uow: UnitOfWork, contract_id: str, revision: int) -> None:
    """The contract's latest profile revision becomes `revision`, unless it holds a later one already."""
    await execute(uow, _RAISE_REVISION, {"k_contract_id": contract_id, "v_revision": revision})


_PROFILE = select(known_profile_months).order_by(known_profile_months.c.month)


async def profile(uow: UnitOfWork, contract_id: str, revision: int) -> list[ProfileMonth]:
    """One revision of a contract's monthly profile (1 is the original), month by month."""
    c = known_profile_months.c
    query = _PROFILE.where(c.contract_id == contract_id, c.revision == revision)
    return await fetch_all(uow, ProfileMonth, query)


async def replace_profile(uow: UnitOfWork, contract_id: str, revision: int, months: Sequence[ProfileMonth]) -> None:
    await execute(uow, delete_by(known_profile_months, "contract_id", "revision"),
                  {"contract_id": contract_id, "revision": revision})
    await insert_records(uow, known_profile_months, months)


async def get_subcontract(uow: UnitOfWork, subcontract_id: str) -> KnownSubcontract | None:
    query = select_by(known_subcontracts, "subcontract_id")
    return await fetch_one(uow, KnownSubcontract, query, {"subcontract_id": subcontract_id})


async def add_subcontract(uow: UnitOfWork, subcontract: KnownSubcontract) -> bool:
    """Whether it was new: a subcontract is agreed once."""
    return await insert_if_new(uow, known_subcontracts, subcontract)


TERMS = (
    "postcode_districts", "health_conditions", "services", "service_prices", "share_of_targets_percent",
    "outcome_payment_share_percent", "monthly_capacity", "start_date", "end_date", "variation",
)


_VARY = (
    update(known_subcontracts)
    .where(known_subcontracts.c.subcontract_id == bindparam("k_subcontract_id"),
           known_subcontracts.c.variation == bindparam("k_previous"))
    .values({c: bindparam(f"v_{c}") for c in TERMS})
)


async def vary_subcontract(
    uow: UnitOfWork, subcontract_id: str, *, variation: int, terms: Mapping[str, object]
) -> bool:
    """Write variation `variation`'s terms if the row holds the variation just before it; whether it did. One
    statement, and only the terms: an end applied side by side by another replica keeps what it wrote."""
    params = {
        "k_subcontract_id": subcontract_id, "k_previous": variation - 1, "v_variation": variation,
        **{f"v_{c}": terms[c] for c in TERMS if c != "variation"},
    }
    return bool((await execute(uow, _VARY, params)).rowcount == 1)


_END = (
    update(known_subcontracts)
    .where(known_subcontracts.c.subcontract_id == bindparam("k_subcontract_id"))
    .values(ended_on=bindparam("v_ended_on"), end_reason=bindparam("v_end_reason"))
)


async def end_subcontract(uow: UnitOfWork, subcontract_id: str, *, ended_on: date, reason: str) -> bool:
    """Record the subcontract's end; whether it was there to end."""
    params = {"k_subcontract_id": subcontract_id, "v_ended_on": ended_on, "v_end_reason": reason}
    return bool((await execute(uow, _END, params)).rowcount == 1)


_BETWEEN = select_by(known_subcontracts, "contract_id", "prime_id", "partner_id").order_by(
    known_subcontracts.c.subcontract_id
)


async def subcontracts_between(
    uow: UnitOfWork, *, contract_id: str, prime_id: str, partner_id: str
) -> list[KnownSubcontract]:
    """Every subcontract, live or ended, between this prime and partner under this contract."""
    params = {"contract_id": contract_id, "prime_id": prime_id, "partner_id": partner_id}
    return await fetch_all(uow, KnownSubcontract, _BETWEEN, params)


_OF_CONTRACT = select_by(known_subcontracts, "contract_id").order_by(known_subcontracts.c.subcontract_id)


async def subcontracts_of(uow: UnitOfWork, contract_id: str) -> list[KnownSubcontract]:
    """The contract's whole supply chain, live or ended."""
    return await fetch_all(uow, KnownSubcontract, _OF_CONTRACT, {"contract_id": contract_id})


async def add_payment_terms(uow: UnitOfWork, terms: SubcontractPaymentTerms) -> bool:
    """Whether it was new: each variation's terms are recorded once."""
    return await insert_if_new(uow, known_subcontract_terms, terms)


_TERMS_ON = (
    select(known_subcontract_terms)
    .where(known_subcontract_terms.c.subcontract_id == bindparam("subcontract_id"),
           known_subcontract_terms.c.applies_from <= bindparam("day"))
    .order_by(known_subcontract_terms.c.applies_from.desc(), known_subcontract_terms.c.variation.desc())
    .limit(1)
)


async def payment_terms_on(uow: UnitOfWork, subcontract_id: str, day: date) -> SubcontractPaymentTerms | None:
    """The subcontract's money terms as they stood on `day`: the latest variation applying by then (on one day,
    the later variation). Before any history (a day before the start, or rows from before registry v2), the
    subcontract's terms as they stand now; None for a subcontract the read model does not know."""
    found = await fetch_one(uow, SubcontractPaymentTerms, _TERMS_ON, {"subcontract_id": subcontract_id, "day": day})
    if found is not None:
        return found
    subcontract = await get_subcontract(uow, subcontract_id)
    if subcontract is None:
        return None
    return SubcontractPaymentTerms(
        subcontract_id=subcontract_id, variation=subcontract.variation, applies_from=subcontract.start_date,
        outcome_payment_share_percent=subcontract.outcome_payment_share_percent,
        service_prices=list(subcontract.service_prices),
    )


_CHAIN_LINK = (
    select(known_subcontracts.c.subcontract_id)
    .where(known_subcontracts.c.prime_id == bindparam("prime_id"),
           known_subcontracts.c.partner_id == bindparam("partner_id"))
    .limit(1)
)


async def in_supply_chain_of(uow: UnitOfWork, *, prime_id: str, partner_id: str) -> bool:
    """Whether the partner holds (or held) any subcontract from the prime, under any contract."""
    return await scalar(uow, _CHAIN_LINK, {"prime_id": prime_id, "partner_id": partner_id}) is not None

"""Reads and writes of the history's figures (ADR 0013, 0022): journeys, their occurrences and the tallies."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from typing import Any

from sqlalchemy import Table, bindparam, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import Insert

from scx_persistence import UnitOfWork
from scx_persistence.records import (
    execute,
    fetch_all,
    fetch_one,
    insert_if_new,
    scalar,
    select_by,
    update_record,
)
from scx_subcontracts.models.history import (
    Journey,
    Occurrence,
    cohort_tallies,
    delay_tallies,
    journeys,
    monthly_tallies,
    occurrences,
)

# Journeys


async def get_journey(uow: UnitOfWork, referral_id: str, *, for_update: bool = False) -> Journey | None:
    return await fetch_one(uow, Journey, select_by(journeys, "referral_id", for_update=for_update), {
        "referral_id": referral_id,
    })


async def add_journey(uow: UnitOfWork, journey: Journey) -> bool:
    return await insert_if_new(uow, journeys, journey)


async def update_journey(uow: UnitOfWork, journey: Journey, *, columns: Sequence[str]) -> None:
    await update_record(uow, journeys, journey, columns=columns)


# Occurrences


async def add_occurrence(uow: UnitOfWork, occurrence: Occurrence) -> bool:
    """Count the occurrence (once: its key is its event's id) and its month; whether it was new."""
    if not await insert_if_new(uow, occurrences, occurrence):
        return False
    await _add(uow, monthly_tallies, [{
        "contract_id": occurrence.contract_id, "organisation_id": occurrence.organisation_id,
        "subcontract_id": occurrence.subcontract_id, "month": occurrence.month, "figure": occurrence.figure,
        "count": 1,
    }])
    return True


async def remove_claimed(uow: UnitOfWork, claim_id: str) -> list[Occurrence]:
    """Take back what a claim counted (it was rejected); what was taken back."""
    gone = await fetch_all(uow, Occurrence, select_by(occurrences, "claim_id"), {"claim_id": claim_id})
    for occurrence in gone:
        await execute(uow, delete(occurrences).where(occurrences.c.event_id == occurrence.event_id))
        await _add(uow, monthly_tallies, [{
            "contract_id": occurrence.contract_id, "organisation_id": occurrence.organisation_id,
            "subcontract_id": occurrence.subcontract_id, "month": occurrence.month, "figure": occurrence.figure,
            "count": -1,
        }])
    return gone


async def first_occurrence_on(uow: UnitOfWork, referral_id: str, figure: str) -> Any:
    """The earliest date a journey counted towards `figure` (None: it never did)."""
    return await scalar(uow, select(func.min(occurrences.c.on_date)).where(
        occurrences.c.referral_id == bindparam("referral_id"), occurrences.c.figure == bindparam("figure"),
    ), {"referral_id": referral_id, "figure": figure})


async def occurrences_of_week(uow: UnitOfWork, *, subcontract_id: str, iso_week: str) -> list[Occurrence]:
    """Everything the history counts for a subcontract in one ISO week, by figure and then by date."""
    query = (
        select_by(occurrences, "subcontract_id", "iso_week")
        .order_by(occurrences.c.figure, occurrences.c.on_date, occurrences.c.referral_id)
    )
    return await fetch_all(uow, Occurrence, query, {"subcontract_id": subcontract_id, "iso_week": iso_week})


# Tallies


async def change_cohorts(uow: UnitOfWork, contract_id: str, change: Mapping[tuple[Any, ...], int]) -> None:
    await _add(uow, cohort_tallies, [
        {"contract_id": contract_id, "organisation_id": organisation_id, "payment_group": group, "cohort": cohort,
         "month": month, "measure": measure, "count": n}
        for (organisation_id, group, cohort, month, measure), n in change.items()
    ])


async def change_delays(uow: UnitOfWork, contract_id: str, change: Mapping[tuple[Any, ...], int]) -> None:
    await _add(uow, delay_tallies, [
        {"contract_id": contract_id, "organisation_id": organisation_id, "month": month, "measure": measure,
         "days": days, "count": n}
        for (organisation_id, month, measure, days), n in change.items()
    ])


@cache
def _adding(table: Table, dialect: str) -> Insert:
    """INSERT a tally row, or add its count to the row already there: one statement, safe between replicas."""
    keys = [c.name for c in table.primary_key.columns]
    insert = postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)
    return insert.on_conflict_do_update(index_elements=keys, set_={"count": table.c.count + insert.excluded.count})


async def _add(uow: UnitOfWork, table: Table, rows: Iterable[dict[str, Any]]) -> None:
    batch = sorted(rows, key=lambda row: tuple(str(v) for v in row.values()))  # one lock order between replicas
    if not batch:
        return
    connection = await uow.session.connection()
    await connection.execute(_adding(table, connection.dialect.name), batch)

"""Reads and writes of referral flows (ADR 0024): the flow tallies, delays and awaiting days kept beside the
history's; the journeys whose clock is not yet overdue, counted over partial indexes; and the registry's contracts
and partners a report lists. Statements are built once for each combination of filters, with bound parameters."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any, Literal

from sqlalchemy import (
    ColumnElement,
    Select,
    Table,
    bindparam,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import Insert

from scx_contracts.clocks import Clock
from scx_persistence import UnitOfWork
from scx_persistence.records import Narrowable, execute, fetch_all
from scx_subcontracts.models.flows import (
    AWAITING_ASSESSMENT,
    AWAITING_COLUMNS,
    AWAITING_FIRST_MEETING,
    AWAITING_START,
    FLOW_MEASURES,
    TALLIED,
    flow_awaiting_days,
    flow_delays,
    flow_tallies,
)
from scx_subcontracts.models.history import Journey, cohort_tallies, delay_tallies, journeys
from scx_subcontracts.models.registry import contracts, subcontracts
from scx_subcontracts.rules.flows import awaiting_change
from scx_subcontracts.rules.history import REFERRAL, REFERRAL_TO_FIRST_WFI

By = Literal["prime", "organisation"]


@dataclass(frozen=True, slots=True, kw_only=True)
class FlowScope(Narrowable):
    """What a report reads: None is anything."""

    prime_id: str | None = None
    contract_id: str | None = None
    organisation_id: str | None = None

    def given(self) -> dict[str, str]:
        return {name: value for name, value in (
            ("prime_id", self.prime_id), ("contract_id", self.contract_id), ("organisation_id", self.organisation_id),
        ) if value is not None}


# Writing: each journey's change, in the history's transaction


@cache
def _adding(table: Table, columns: tuple[str, ...], dialect: str) -> Insert:
    """INSERT a row, or add its `columns` to the row already there: one statement, safe between replicas."""
    keys = [c.name for c in table.primary_key.columns]
    statement = postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)
    return statement.on_conflict_do_update(
        index_elements=keys, set_={c: table.c[c] + statement.excluded[c] for c in columns},
    )


async def _add(uow: UnitOfWork, table: Table, columns: tuple[str, ...], rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    keys = [c.name for c in table.primary_key.columns]
    rows.sort(key=lambda row: tuple(str(row[k]) for k in keys))  # one lock order between replicas
    connection = await uow.session.connection()
    await connection.execute(_adding(table, columns, connection.dialect.name), rows)


async def change_flow_tallies(
    uow: UnitOfWork, *, contract_id: str, prime_id: str, change: Mapping[tuple[str, str], Mapping[str, int]],
) -> None:
    await _add(uow, flow_tallies, TALLIED, [
        {"contract_id": contract_id, "organisation_id": organisation_id, "month": month, "prime_id": prime_id,
         **{column: counts.get(column, 0) for column in TALLIED}}
        for (organisation_id, month), counts in change.items()
    ])


async def change_flow_delays(
    uow: UnitOfWork, *, contract_id: str, prime_id: str, change: Mapping[tuple[str, int], int],
) -> None:
    await _add(uow, flow_delays, ("count",), [
        {"contract_id": contract_id, "month": month, "days": days, "prime_id": prime_id, "count": n}
        for (month, days), n in change.items()
    ])


async def change_awaiting_days(
    uow: UnitOfWork, *, contract_id: str, prime_id: str, change: Mapping[tuple[str, date, str], int],
) -> None:
    await _add(uow, flow_awaiting_days, ("count",), [
        {"clock": clock, "since_on": since_on, "contract_id": contract_id, "month": month, "prime_id": prime_id,
         "count": n}
        for (clock, since_on, month), n in change.items()
    ])


# Reading a report


def _narrowed(query: Select[Any], table: Table, given: frozenset[str]) -> Select[Any]:
    for name in ("prime_id", "contract_id", "organisation_id"):
        if name in given and name in table.c:
            query = query.where(table.c[name] == bindparam(name))
    return query


@cache
def _flow_sums(by: By, given: frozenset[str]) -> Select[Any]:
    t = flow_tallies.c
    keys = [t.prime_id, t.organisation_id] if by == "organisation" else [t.prime_id]
    query = select(*keys, *(func.sum(t[m]).label(m) for m in TALLIED)).where(
        t.month >= bindparam("first"), t.month <= bindparam("last"),
    )
    return _narrowed(query, flow_tallies, given).group_by(*keys)


@dataclass(frozen=True, slots=True)
class Counted:
    prime_id: str
    organisation_id: str | None  # None: the prime's line, every organisation together
    counts: dict[str, int]


async def flow_sums(uow: UnitOfWork, *, first: str, last: str, scope: FlowScope, by: By) -> list[Counted]:
    given = scope.given()
    rows = (await execute(uow, _flow_sums(by, frozenset(given)), {**given, "first": first, "last": last})).mappings()
    return [
        Counted(row["prime_id"], row.get("organisation_id"), {m: int(row[m] or 0) for m in TALLIED})
        for row in rows
    ]


@cache
def _prime_delays(given: frozenset[str]) -> Select[Any]:
    d = flow_delays.c
    query = select(d.prime_id, d.days, func.sum(d.count).label("count")).where(
        d.month >= bindparam("first"), d.month <= bindparam("last"),
    )
    return _narrowed(query, flow_delays, given).group_by(d.prime_id, d.days)


async def prime_delays(uow: UnitOfWork, *, first: str, last: str, scope: FlowScope) -> list[tuple[str, int, int]]:
    """(prime, days, journeys) over the referral months."""
    given = {k: v for k, v in scope.given().items() if k != "organisation_id"}
    rows = await execute(uow, _prime_delays(frozenset(given)), {**given, "first": first, "last": last})
    return [(row.prime_id, int(row.days), int(row.count)) for row in rows]


@cache
def _organisation_delays(with_organisation: bool) -> Select[Any]:
    d = delay_tallies.c
    query = select(d.organisation_id, d.days, func.sum(d.count).label("count")).where(
        d.contract_id.in_(bindparam("contract_ids", expanding=True)), d.measure == REFERRAL_TO_FIRST_WFI,
        d.month >= bindparam("first"), d.month <= bindparam("last"),
    )
    if with_organisation:
        query = query.where(d.organisation_id == bindparam("organisation_id"))
    return query.group_by(d.organisation_id, d.days)


async def organisation_delays(
    uow: UnitOfWork, *, first: str, last: str, contract_ids: Sequence[str], organisation_id: str | None,
) -> list[tuple[str, int, int]]:
    """(organisation, days, journeys) over the referral months, under the contracts (the history's own histogram:
    one prime's contracts are a few thousand of its rows)."""
    if not contract_ids:
        return []
    params: dict[str, Any] = {"contract_ids": list(contract_ids), "first": first, "last": last}
    if organisation_id is not None:
        params["organisation_id"] = organisation_id
    rows = await execute(uow, _organisation_delays(organisation_id is not None), params)
    return [(row.organisation_id, int(row.days), int(row.count)) for row in rows]


@dataclass(frozen=True, slots=True)
class Waiting:
    clock: Clock
    prime_id: str
    organisation_id: str | None  # None: every organisation of the prime together
    count: int


def _cutoffs(cutoffs: Mapping[Clock, date]) -> dict[str, date]:
    return {f"{clock.value}_cutoff": cutoffs[clock] for clock in Clock}


@cache
def _days_not_yet_due(given: frozenset[str]) -> Any:
    d = flow_awaiting_days.c

    def of(clock: Clock) -> Select[Any]:
        query = select(d.clock, d.prime_id, func.sum(d.count).label("count")).where(
            d.clock == clock.value, d.since_on > bindparam(f"{clock.value}_cutoff"),
            d.month >= bindparam("first"), d.month <= bindparam("last"),
        )
        return _narrowed(query, flow_awaiting_days, given).group_by(d.clock, d.prime_id)

    return union_all(*(of(clock) for clock in Clock))


async def not_yet_overdue_by_prime(
    uow: UnitOfWork, *, first: str, last: str, cutoffs: Mapping[Clock, date], scope: FlowScope,
) -> list[Waiting]:
    """Journeys referred in the months that await a clock whose deadline is today or later (it started after its
    cutoff), by prime and clock: the awaiting tally less these is what is overdue. Read from the awaiting days
    after each cutoff, a few weeks of rows."""
    given = {k: v for k, v in scope.given().items() if k != "organisation_id"}
    params = {**given, "first": first, "last": last, **_cutoffs(cutoffs)}
    rows = (await execute(uow, _days_not_yet_due(frozenset(given)), params)).mappings()
    return [Waiting(Clock(row["clock"]), row["prime_id"], None, int(row["count"])) for row in rows]


def _journeys_not_yet_due(clock: Clock, given: frozenset[str]) -> Select[Any]:
    j = journeys.c
    waiting: ColumnElement[bool]
    if clock is Clock.ACKNOWLEDGEMENT:
        waiting = AWAITING_START
    elif clock is Clock.FIRST_MEETING:
        waiting = AWAITING_FIRST_MEETING
    else:
        waiting = AWAITING_ASSESSMENT
    started = j.started_on if clock is Clock.ASSESSMENT else j.referral_date
    query = select(
        literal(clock.value).label("clock"), j.prime_id, j.organisation_id, func.count().label("count"),
    ).where(
        waiting, j.prime_id == bindparam("prime_id"), started > bindparam(f"{clock.value}_cutoff"),
        j.referral_date >= bindparam("first_day"), j.referral_date <= bindparam("last_day"),
    )
    return _narrowed(query, journeys, given - {"prime_id"}).group_by(j.prime_id, j.organisation_id)


@cache
def _organisations_not_yet_due(given: frozenset[str]) -> Any:
    return union_all(*(_journeys_not_yet_due(clock, given) for clock in Clock))


async def not_yet_overdue_by_organisation(
    uow: UnitOfWork, *, first_day: date, last_day: date, cutoffs: Mapping[Clock, date], scope: FlowScope,
) -> list[Waiting]:
    """As `not_yet_overdue_by_prime`, for one prime (the scope must name it) by delivering organisation: counted
    from its journeys over the partial indexes, led by the prime and the day the clock started."""
    given = scope.given()
    if "prime_id" not in given:
        raise ValueError("a breakdown by organisation is of one prime")
    params = {**given, "first_day": first_day, "last_day": last_day, **_cutoffs(cutoffs)}
    rows = (await execute(uow, _organisations_not_yet_due(frozenset(given)), params)).mappings()
    return [
        Waiting(Clock(row["clock"]), row["prime_id"], row["organisation_id"], int(row["count"])) for row in rows
    ]


# The registry's contracts and partners a report lists


@cache
def _contracts(given: frozenset[str]) -> Select[Any]:
    c = contracts.c
    return _narrowed(select(c.contract_id, c.prime_id), contracts, given).order_by(c.contract_id)


async def contracts_in(uow: UnitOfWork, *, prime_id: str | None, contract_id: str | None) -> list[tuple[str, str]]:
    """(contract, prime) of the prime's contracts (any prime's, when None), or the one contract."""
    given = FlowScope(prime_id=prime_id, contract_id=contract_id).given()
    return [(row.contract_id, row.prime_id) for row in await execute(uow, _contracts(frozenset(given)), given)]


_PARTNERS = (
    select(subcontracts.c.partner_id)
    .where(subcontracts.c.contract_id.in_(bindparam("contract_ids", expanding=True)))
    .distinct()
)


async def partners_under(uow: UnitOfWork, *, contract_ids: Sequence[str]) -> list[str]:
    """Every partner holding (or having held) a subcontract under the contracts."""
    if not contract_ids:
        return []
    return sorted((await execute(uow, _PARTNERS, {"contract_ids": list(contract_ids)})).scalars())


_HOLDS = (
    select(subcontracts.c.subcontract_id)
    .where(subcontracts.c.prime_id == bindparam("prime_id"), subcontracts.c.partner_id == bindparam("partner_id"))
    .limit(1)
)


async def works_for(uow: UnitOfWork, *, partner_id: str, prime_id: str) -> bool:
    """Whether the partner holds (or held) a subcontract from the prime."""
    found = await execute(uow, _HOLDS, {"prime_id": prime_id, "partner_id": partner_id})
    return found.first() is not None


# Rebuilding from the history's tallies (a loader that writes the history's rows directly calls this after)


async def rebuild_from_history(uow: UnitOfWork) -> None:
    """Write the flow tallies and delays afresh as the history's referral-cohort and delay tallies summed, and the
    journeys awaiting each clock counted: what the projection keeps them at, event by event."""
    await execute(uow, delete(flow_tallies))
    await execute(uow, delete(flow_delays))
    ct, dt, c = cohort_tallies.c, delay_tallies.c, contracts.c
    sums = [func.sum(ct["count"]).filter(ct.measure == m) for m in FLOW_MEASURES]
    tallied = (
        select(ct.contract_id, ct.organisation_id, ct.month, c.prime_id, *(func.coalesce(s, 0) for s in sums))
        .join(contracts, c.contract_id == ct.contract_id)
        .where(ct.cohort == REFERRAL)
        .group_by(ct.contract_id, ct.organisation_id, ct.month, c.prime_id)
    )
    await execute(uow, insert(flow_tallies).from_select(
        ["contract_id", "organisation_id", "month", "prime_id", *FLOW_MEASURES], tallied,
    ))
    delayed = (
        select(dt.contract_id, dt.month, dt.days, c.prime_id, func.sum(dt["count"]))
        .join(contracts, c.contract_id == dt.contract_id)
        .where(dt.measure == REFERRAL_TO_FIRST_WFI)
        .group_by(dt.contract_id, dt.month, dt.days, c.prime_id)
    )
    await execute(uow, insert(flow_delays).from_select(["contract_id", "month", "days", "prime_id", "count"], delayed))
    await execute(uow, delete(flow_awaiting_days))
    prime_of = {row.contract_id: row.prime_id for row in await execute(uow, select(c.contract_id, c.prime_id))}
    columns: dict[tuple[str, str, str], dict[str, int]] = {}  # (contract, organisation, month) → column → n
    days: dict[str, Counter[tuple[str, date, str]]] = {}
    waiting = select(journeys).where(or_(AWAITING_START, AWAITING_FIRST_MEETING, AWAITING_ASSESSMENT))
    for journey in await fetch_all(uow, Journey, waiting):
        change = awaiting_change(None, journey)
        for (organisation_id, month), counts in change.columns.items():
            row = columns.setdefault((journey.contract_id, organisation_id, month), dict.fromkeys(AWAITING_COLUMNS, 0))
            for column, n in counts.items():
                row[column] += n
        days.setdefault(journey.contract_id, Counter()).update(change.days)
    await _add(uow, flow_tallies, TALLIED, [
        {"contract_id": contract_id, "organisation_id": organisation_id, "month": month,
         "prime_id": prime_of.get(contract_id, ""), **dict.fromkeys(FLOW_MEASURES, 0), **counts}
        for (contract_id, organisation_id, month), counts in columns.items() if contract_id in prime_of
    ])
    for contract_id, change in days.items():
        if contract_id in prime_of:
            await change_awaiting_days(uow, contract_id=contract_id, prime_id=prime_of[contract_id], change=change)

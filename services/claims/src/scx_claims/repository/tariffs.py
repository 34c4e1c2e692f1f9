"""Statements about tariff versions: read by the eligibility rules and the tariff routes, added by DWP."""

from __future__ import annotations

from sqlalchemy import func, select, tuple_

from scx_claims.models.tariffs import TariffVersionRow, tariff_versions
from scx_persistence import UnitOfWork
from scx_persistence.records import fetch_all, fetch_one, insert_if_new, scalar, select_by

_OF_MODEL = select_by(tariff_versions, "model").order_by(tariff_versions.c.version)


async def versions_of(uow: UnitOfWork, model: str) -> list[TariffVersionRow]:
    """Every version of a payment model, in version order."""
    return await fetch_all(uow, TariffVersionRow, _OF_MODEL, {"model": model})


async def get_version(uow: UnitOfWork, model: str, version: int) -> TariffVersionRow | None:
    query = select_by(tariff_versions, "model", "version")
    return await fetch_one(uow, TariffVersionRow, query, {"model": model, "version": version})


async def latest_version(uow: UnitOfWork, model: str) -> int | None:
    t = tariff_versions.c
    found = await scalar(uow, select(func.max(t.version)).where(t.model == model))
    return int(found) if found is not None else None


async def add_version(uow: UnitOfWork, row: TariffVersionRow) -> bool:
    """False when the model already has this version (two DWP officers adding one at once: one wins)."""
    return await insert_if_new(uow, tariff_versions, row)


async def list_versions(uow: UnitOfWork, *, after: tuple[str, int] | None, limit: int) -> list[TariffVersionRow]:
    """Every version of every model, by model and version, after the keyset `after`."""
    t = tariff_versions.c
    query = select(tariff_versions).order_by(t.model, t.version).limit(limit)
    if after is not None:
        query = query.where(tuple_(t.model, t.version) > tuple_(*after))
    return await fetch_all(uow, TariffVersionRow, query)

"""Tariffs: DWP and the primes read every payment model's versions; a DWP contract manager adds a version,
effective from a future date, that decides what becomes payable from then on and never reprices what was payable
before (`rules.entitlements`). Shipped versions are loaded by the migrations (`scx_claims.tariffs`)."""

from __future__ import annotations

from datetime import date

from scx_claims import access
from scx_claims.models.tariffs import TariffVersionRow
from scx_claims.problems import tariffs as problems
from scx_claims.repository import tariffs as repository
from scx_claims.rules.tariffs import TariffBody, TariffVersion, digest, faults
from scx_claims.schemas.tariffs import AddTariffVersion
from scx_claims.service.events import now, record, today
from scx_contracts.claims import TariffVersionAdded
from scx_persistence import UnitOfWork
from scx_servicekit import Principal
from scx_servicekit.auth import forbidden
from scx_servicekit.paging import PageRequest
from scx_servicekit.problems import not_found


def as_version(row: TariffVersionRow) -> TariffVersion:
    return TariffVersion(
        model=row.model, version=row.version, effective_from=row.effective_from,
        body=TariffBody.model_validate(row.body),
    )


async def versions_in_force(uow: UnitOfWork, model: str | None) -> list[TariffVersion]:
    """Every version of a contract's payment model (none for a model the service does not know)."""
    return [as_version(r) for r in await repository.versions_of(uow, model)] if model else []


def _require_reader(principal: Principal) -> None:
    if not (access.is_dwp(principal) or principal.kind == "prime"):
        raise forbidden("Tariffs are read by DWP and by the prime providers paid under them.")


def _require_contract_manager(principal: Principal) -> None:
    if not access.is_dwp(principal) or not principal.has_role("contract_manager"):
        raise forbidden("Only a DWP contract manager (role contract_manager) may add a tariff version.")


def _after(cursor: str | None) -> tuple[str, int] | None:
    if cursor is None:
        return None
    model, _, version = cursor.partition("/")
    if not version.isascii() or not version.isdigit() or len(version) > 9:
        raise problems.invalid_cursor()
    return model, int(version)


def cursor_of(row: TariffVersionRow) -> str:
    return f"{row.model}/{row.version}"


async def list_tariffs(uow: UnitOfWork, principal: Principal, *, page: PageRequest) -> list[TariffVersionRow]:
    """Every version of every payment model, by model and version; `page.limit + 1` rows."""
    _require_reader(principal)
    return await repository.list_versions(uow, after=_after(page.after), limit=page.limit + 1)


async def get_tariff(uow: UnitOfWork, principal: Principal, *, model: str, version: int) -> TariffVersionRow:
    _require_reader(principal)
    row = await repository.get_version(uow, model, version)
    if row is None:
        raise not_found("Tariff version", f"{model} version {version}")
    return row


async def add_version(
    uow: UnitOfWork, principal: Principal, *, model: str, command: AddTariffVersion
) -> TariffVersionRow:
    """The next version of a payment model, effective from a future date after the latest version's, with a body the
    rules can use. Recorded as `tariff.version_added`."""
    _require_contract_manager(principal)
    existing = await repository.versions_of(uow, model)
    if not existing:
        raise not_found("Tariff model", model)
    _check_effective_from(command.effective_from, existing[-1])
    if found := faults(command.body):
        raise problems.tariff_unusable(found)
    row = TariffVersionRow(
        model=model, version=existing[-1].version + 1, effective_from=command.effective_from,
        body=command.body.model_dump(mode="json"), body_digest=digest(command.body), source="dwp",
        added_by=principal.organisation_id, added_user=principal.user, added_at=now(),
    )
    if not await repository.add_version(uow, row):
        raise problems.tariff_version_taken(model, row.version)
    record(uow, principal, TariffVersionAdded(
        model=model, version=row.version, effective_from=row.effective_from, body_digest=row.body_digest,
        assumptions=len(command.body.assumptions),
    ))
    return row


def _check_effective_from(effective_from: date, latest: TariffVersionRow) -> None:
    if effective_from <= today():
        raise problems.effective_date_not_future(effective_from, today())
    if effective_from <= latest.effective_from:
        raise problems.effective_date_not_after_latest(effective_from, latest.effective_from, latest.version)

"""The registry keeps the terms money follows as each variation set them: the outcome payment share and the
specialist prices as they stood on a day, not as they stand now."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time

import pytest_asyncio

from scx_contracts import Actor
from scx_contracts.registry import EventData
from scx_contracts.subcontracts import SubcontractAgreed, SubcontractTerms, SubcontractVaried
from scx_persistence import UnitOfWorkFactory, create_engine
from scx_registry import handlers, registry_metadata, repository
from scx_servicekit.events import make_event

PRIME = Actor(organisation_id="prime-north", organisation_kind="prime", role="manager", user="u")
START, END = date(2026, 1, 1), date(2027, 12, 31)


@pytest_asyncio.fixture
async def uows(empty_database_url: str) -> AsyncIterator[UnitOfWorkFactory]:
    engine = create_engine(empty_database_url)
    async with engine.begin() as conn:
        await conn.run_sync(registry_metadata.create_all)
    try:
        yield UnitOfWorkFactory(engine)
    finally:
        await engine.dispose()


def _terms(share: int | None = None, prices: dict[str, int] | None = None) -> SubcontractTerms:
    return SubcontractTerms.model_validate({
        "outcome_payment_share_percent": share, "start_date": START, "end_date": END,
        "services": [{"service": s, "price_pence": p} for s, p in (prices or {}).items()],
        "client_group": {"postcode_districts": ["LS1"]} if share is not None else None,
    })


async def _apply(uows: UnitOfWorkFactory, data: EventData, on: date | None = None) -> None:
    at = datetime.combine(on, time(9), UTC) if on else None
    envelope = make_event(data, producer="subcontracts", actor=PRIME, occurred_at=at)
    handler = {SubcontractAgreed: handlers.subcontract_agreed, SubcontractVaried: handlers.subcontract_varied}
    async with uows() as uow:
        await handler[type(data)](uow, envelope, data)  # type: ignore[operator]
        await uow.commit()


def _varied(variation: int, terms: SubcontractTerms) -> SubcontractVaried:
    return SubcontractVaried(
        subcontract_id="sub-1", contract_id="con-1", prime_id="prime-north", partner_id="partner-whole",
        variation=variation, reason="renegotiated", terms=terms,
    )


async def test_the_share_as_it_stood_on_each_day(uows: UnitOfWorkFactory) -> None:
    await _apply(uows, SubcontractAgreed(
        subcontract_id="sub-1", contract_id="con-1", prime_id="prime-north", partner_id="partner-whole",
        model="end_to_end", terms=_terms(60),
    ))
    await _apply(uows, _varied(1, _terms(70)), on=date(2026, 6, 15))
    await _apply(uows, _varied(2, _terms(75)), on=date(2026, 9, 1))
    async with uows() as uow:
        subcontract = await repository.get_subcontract(uow, "sub-1")
        assert subcontract is not None and subcontract.outcome_payment_share_percent == 75
        shares = {
            day: (await repository.payment_terms_on(uow, "sub-1", day))
            for day in (START, date(2026, 6, 14), date(2026, 6, 15), date(2026, 8, 31), date(2026, 9, 1))
        }
    assert {day: t.outcome_payment_share_percent for day, t in shares.items() if t} == {
        START: 60, date(2026, 6, 14): 60, date(2026, 6, 15): 70, date(2026, 8, 31): 70, date(2026, 9, 1): 75,
    }


async def test_specialist_prices_before_and_after_a_variation_applied_twice(uows: UnitOfWorkFactory) -> None:
    await _apply(uows, SubcontractAgreed(
        subcontract_id="sub-1", contract_id="con-1", prime_id="prime-north", partner_id="partner-skills",
        model="specialist", terms=_terms(prices={"bsl": 40_000}),
    ))
    await _apply(uows, _varied(1, _terms(prices={"bsl": 45_000})), on=date(2026, 3, 1))
    await _apply(uows, _varied(1, _terms(prices={"bsl": 45_000})), on=date(2026, 3, 1))  # again: no harm
    async with uows() as uow:
        before = await repository.payment_terms_on(uow, "sub-1", date(2026, 2, 28))
        after = await repository.payment_terms_on(uow, "sub-1", date(2026, 3, 1))
        unknown = await repository.payment_terms_on(uow, "sub-404", date(2026, 3, 1))
    assert before is not None and before.price_of("bsl") == 40_000
    assert after is not None and after.price_of("bsl") == 45_000 and after.price_of("cv") is None
    assert unknown is None

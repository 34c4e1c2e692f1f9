"""Events the claims service consumes: the registry's (contracts, profiles, subcontracts: `scx_registry`) and case
tracking's journey events, which build the journeys claims pays on; and its own `payment.run_authorised`, after
which the flow-down owes the partners their part of what the run paid (in a transaction of its own). This is the
one place its subscriptions are listed; services.toml's `consumes` names the same event types (a test checks).

Each event that can change what a journey makes payable (its start, a week's hours) reassesses the journey's
entitlements in the same transaction as the event's inbox row; a contract's award computes its service fee
instalments, and its award or first profile reassesses its journeys (those that arrived before it)."""

from __future__ import annotations

from scx_claims.service import entitlements, flowdown, journeys
from scx_contracts import Envelope
from scx_contracts.case_tracking import (
    CaseActivityDelivered,
    CaseClosed,
    CaseDeliveryChanged,
    CaseExited,
    CaseOpened,
    HoursReported,
    JobEnded,
    JobStarted,
)
from scx_contracts.claims import PaymentRunAuthorised
from scx_contracts.subcontracts import ContractAwarded, ContractProfileSet
from scx_persistence import UnitOfWork
from scx_persistence.subscriptions import Subscriptions, on
from scx_registry import SUBSCRIPTIONS as REGISTRY_SUBSCRIPTIONS
from scx_registry import handlers as registry

FIRST_PROFILE = 1


async def contract_awarded(uow: UnitOfWork, envelope: Envelope, data: ContractAwarded) -> None:
    await registry.contract_awarded(uow, envelope, data)
    await entitlements.contract_awarded(uow, data.contract_id)


async def contract_profile_set(uow: UnitOfWork, envelope: Envelope, data: ContractProfileSet) -> None:
    await registry.contract_profile_set(uow, envelope, data)
    if data.revision == FIRST_PROFILE:  # outcome prices divide by the first profile only
        await entitlements.reassess_contract(uow, data.contract_id)


async def case_opened(uow: UnitOfWork, envelope: Envelope, data: CaseOpened) -> None:
    await journeys.case_opened(uow, envelope, data)
    await entitlements.reassess(uow, data.case_id)


async def hours_reported(uow: UnitOfWork, envelope: Envelope, data: HoursReported) -> None:
    await journeys.hours_reported(uow, envelope, data)
    await entitlements.reassess(uow, data.case_id)


_OURS = (ContractAwarded.EVENT_TYPE, ContractProfileSet.EVENT_TYPE)

SUBSCRIPTIONS = Subscriptions(
    *(s for event_type, s in REGISTRY_SUBSCRIPTIONS.items() if event_type not in _OURS),
    on(ContractAwarded, contract_awarded),
    on(ContractProfileSet, contract_profile_set),
) + Subscriptions(
    on(CaseOpened, case_opened),
    on(CaseDeliveryChanged, journeys.case_delivery_changed),
    on(CaseExited, journeys.case_exited),
    on(CaseClosed, journeys.case_closed),
    on(JobStarted, journeys.job_started),
    on(HoursReported, hours_reported),
    on(JobEnded, journeys.job_ended),
    on(CaseActivityDelivered, journeys.activity_delivered),
    on(PaymentRunAuthorised, flowdown.payment_run_authorised),
)

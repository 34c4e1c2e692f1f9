"""Events the claims service consumes: the registry's (contracts, profiles, subcontracts: `scx_registry`) and case
tracking's journey events, which build the journeys claims pays on; and its own `payment.run_authorised`, after
which the flow-down owes the partners their part of what DWP paid (in a transaction of its own). This is the one
place its subscriptions are listed; services.toml's `consumes` names the same event types (a test checks)."""

from __future__ import annotations

from scx_claims.service import flowdown, journeys
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
from scx_persistence.subscriptions import Subscriptions, on
from scx_registry import SUBSCRIPTIONS as REGISTRY_SUBSCRIPTIONS

SUBSCRIPTIONS = REGISTRY_SUBSCRIPTIONS + Subscriptions(
    on(CaseOpened, journeys.case_opened),
    on(CaseDeliveryChanged, journeys.case_delivery_changed),
    on(CaseExited, journeys.case_exited),
    on(CaseClosed, journeys.case_closed),
    on(JobStarted, journeys.job_started),
    on(HoursReported, journeys.hours_reported),
    on(JobEnded, journeys.job_ended),
    on(CaseActivityDelivered, journeys.activity_delivered),
    on(PaymentRunAuthorised, flowdown.payment_run_authorised),
)

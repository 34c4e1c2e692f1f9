"""Events the claims service consumes: the registry's (contracts, profiles, subcontracts: `scx_registry`) and case
tracking's journey events, which build the journeys claims pays on. This is the one place its subscriptions are
listed; services.toml's `consumes` names the same event types (a test checks)."""

from __future__ import annotations

from scx_claims.service import journeys
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
)

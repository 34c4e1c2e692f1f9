"""Events the case tracking service consumes: the registry's (contracts and subcontracts, through the shared read
model `scx_registry`) and the referral's, which open, pass on and close cases. This is the one place its
subscriptions are listed; services.toml's `consumes` names the same event types (a test checks)."""

from __future__ import annotations

from scx_case_tracking.service import cases
from scx_contracts.referral import (
    ReferralAllocated,
    ReferralReallocated,
    ReferralReceived,
    ReferralStarted,
    ReferralWithdrawn,
)
from scx_persistence.subscriptions import Subscriptions, on
from scx_registry import SUBSCRIPTIONS as REGISTRY_SUBSCRIPTIONS

SUBSCRIPTIONS = REGISTRY_SUBSCRIPTIONS + Subscriptions(
    on(ReferralReceived, cases.referral_received),
    on(ReferralStarted, cases.referral_started),
    on(ReferralAllocated, cases.referral_allocated),
    on(ReferralReallocated, cases.referral_allocated),
    on(ReferralWithdrawn, cases.referral_withdrawn),
)

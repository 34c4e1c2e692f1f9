"""Events the subcontracts service consumes: the referral service's, case tracking's and claims' events, which keep
the history's figures current (ADR 0022) for reconciliation, performance, referral flows and supply-chain health.
This is the one place its subscriptions are listed; services.toml's `consumes` names the same event types (a test
checks)."""

from __future__ import annotations

from scx_contracts.case_tracking import (
    AppointmentAttended,
    CaseActionPlanAgreed,
    CaseActivityDelivered,
    CaseExited,
    CaseFailedToAttend,
    JobStarted,
)
from scx_contracts.claims import ClaimRejected, ClaimSubmitted, PartnerOwed, PartnerPaid
from scx_contracts.referral import (
    ReferralAllocated,
    ReferralReallocated,
    ReferralReceived,
    ReferralRejected,
    ReferralStarted,
    ReferralWithdrawn,
)
from scx_persistence.subscriptions import Subscriptions, on
from scx_subcontracts.service import health, history

SUBSCRIPTIONS = Subscriptions(
    on(ReferralReceived, history.referral_received),
    on(ReferralRejected, history.referral_rejected),
    on(ReferralStarted, history.referral_started),
    on(ReferralAllocated, history.referral_allocated),
    on(ReferralReallocated, history.referral_reallocated),
    on(ReferralWithdrawn, history.referral_withdrawn),
    on(AppointmentAttended, history.appointment_attended),
    on(CaseFailedToAttend, history.case_failed_to_attend),
    on(CaseActionPlanAgreed, history.action_plan_agreed),
    on(CaseActivityDelivered, history.activity_delivered),
    on(JobStarted, history.job_started),
    on(CaseExited, history.case_exited),
    on(ClaimSubmitted, history.claim_submitted),
    on(ClaimRejected, history.claim_rejected),
    # Supply-chain health: how promptly each prime pays its partners, from claims' flow-down.
    on(PartnerOwed, health.partner_owed),
    on(PartnerPaid, health.partner_paid),
)

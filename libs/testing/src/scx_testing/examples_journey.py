"""Examples of the case tracking service's events (case.*, employment.*, complaint.*, feedback.*): one each, merged
into `scx_testing.examples.EXAMPLES`."""

from __future__ import annotations

from typing import Any

_CASE = {"case_id": "referral-1"}
_AT = {"delivering_organisation_id": "partner-1"}

JOURNEY_EXAMPLES: dict[tuple[str, int], dict[str, Any]] = {
    ("case.opened", 1): {
        **_CASE, "contract_id": "contract-1", "prime_id": "prime-1", "referrer_id": "jcp-1", "payment_group": 6,
        "mandatory": True, "referral_date": "2025-05-06", "started_on": "2025-05-08",
    },
    ("case.delivery_changed", 1): {
        **_CASE, "allocation_id": "allocation-1", "delivery": "partner", **_AT,
        "previous_organisation_id": "prime-1", "subcontract_id": "subcontract-1", "supply_chain_model": "end_to_end",
        "changed_on": "2025-05-13",
    },
    ("case.adviser_assigned", 1): {**_CASE, "adviser": "partner-1-adviser-7", **_AT, "assigned_on": "2025-05-13"},
    ("case.closed", 1): {**_CASE, "reason": "referral_withdrawn", "closed_on": "2025-07-01"},
    ("case.appointment_booked", 1): {
        **_CASE, "appointment_id": "appointment-1", "kind": "wfi", "wfi_number": 1, "mandatory": True,
        "scheduled_at": "2025-05-20T10:00:00Z", "rebooks": None, **_AT,
    },
    ("case.appointment_attended", 1): {
        **_CASE, "appointment_id": "appointment-1", "kind": "wfi", "wfi_number": 1, "attended_on": "2025-05-20",
        "minutes": 45, **_AT,
    },
    ("case.appointment_cancelled", 1): {
        **_CASE, "appointment_id": "appointment-2", "cancelled_by": "claimant", "reason": "claimant_ill",
        "cancelled_on": "2025-06-02",
    },
    ("case.failed_to_attend", 1): {
        **_CASE, "appointment_id": "appointment-3", "notice_id": "notice-1", "kind": "wfi", "referrer_id": "jcp-1",
        "missed_on": "2025-06-10", "notified_on": "2025-06-11", **_AT,
    },
    ("case.fta_decided", 1): {
        **_CASE, "notice_id": "notice-1", "decision": "good_cause_accepted", "decided_on": "2025-06-16",
        "days_missed_to_notified": 1, "days_notified_to_decided": 5,
    },
    ("case.classified", 1): {
        **_CASE, "traffic_light": "amber", "score": 55, "reason": "health_barrier", "classified_on": "2025-05-20",
        **_AT,
    },
    ("case.action_plan_agreed", 1): {
        **_CASE, "action_plan_id": "plan-1", "agreed_on": "2025-05-27", "goals": ["find_work", "manage_condition"],
        **_AT,
    },
    ("case.activity_delivered", 1): {
        **_CASE, "activity_id": "activity-1", "activity": "specialist_service", "delivered_on": "2025-06-03",
        "minutes": 90, "delivered_by": "partner-2", "subcontract_id": "subcontract-2",
        "service": "british_sign_language",
    },
    ("employment.job_started", 1): {
        **_CASE, "job_id": "job-1", "started_on": "2025-08-04", "employment_type": "employed",
        "expected_hours_per_week": "20.00", "employer_ref": "employer-0042", **_AT,
    },
    ("employment.hours_reported", 1): {
        **_CASE, "job_id": "job-1", "week_commencing": "2025-08-04", "hours": "18.50", "earnings_pence": 21_830,
        "evidence_kind": "payslip", "evidence_obtained_on": "2025-08-15", "revision": 1,
    },
    ("employment.job_ended", 1): {**_CASE, "job_id": "job-1", "ended_on": "2026-01-30", "reason": "contract_ended"},
    ("case.in_work_support_given", 1): {
        **_CASE, "support_id": "support-1", "job_id": "job-1", "kind": "phone", "given_on": "2025-08-18",
        "minutes": 20, **_AT,
    },
    ("case.exited", 1): {
        **_CASE, "kind": "early_exit", "reason": "found_fit_for_work_at_wca", "exited_on": "2025-09-01", **_AT,
    },
    ("complaint.raised", 1): {
        "complaint_id": "complaint-1", **_CASE, "raised_with": "jcp", "category": "appointment_arrangements",
        "raised_on": "2025-06-12", "provider_id": "partner-1",
    },
    ("complaint.escalated", 1): {
        "complaint_id": "complaint-1", **_CASE, "level": "tppm", "escalated_on": "2025-06-13",
    },
    ("complaint.answered", 1): {
        "complaint_id": "complaint-1", **_CASE, "answered_on": "2025-06-20", "days_to_answer": 8,
    },
    ("complaint.resolved", 1): {
        "complaint_id": "complaint-1", **_CASE, "outcome": "partly_upheld", "resolved_on": "2025-06-25",
        "days_open": 13,
    },
    ("feedback.given", 1): {
        "feedback_id": "feedback-1", **_CASE, "score": 4, "topics": ["adviser", "job_search"],
        "given_on": "2025-09-01", "provider_id": "partner-1",
    },
}

"""One realistic example of every registered event, for contract tests and as a starting point for builders.

A test in libs/contracts fails when an event is registered without an example here, and when an example does
not validate against its exported JSON Schema.
"""

from __future__ import annotations

from typing import Any

from scx_contracts import REGISTRY, Actor, Envelope
from scx_testing.examples_claims import CLAIMS_EXAMPLES
from scx_testing.examples_journey import JOURNEY_EXAMPLES

EXAMPLE_ACTOR = Actor(organisation_id="prime-1", organisation_kind="prime", role="manager", user="prime-1-user")

_TERMS: dict[str, Any] = {
    "client_group": {"postcode_districts": ["LS1", "LS2"], "health_conditions": ["musculoskeletal"]},
    "share_of_targets_percent": 25,
    "services": [],
    "monthly_capacity": 40,
    "start_date": "2025-04-01",
    "end_date": "2027-03-31",
}

EXAMPLES: dict[tuple[str, int], dict[str, Any]] = {
    ("audit.checkpoint_signed", 1): {
        "origin": "scx.example/audit",
        "tree_size": 3,
        "root_hash": "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "checkpoint": "scx.example/audit\n3\nrra8/idLcKFPsGel5VeCZNsPqbUa9eC6FZFY8ynganc=\n\n"
                      "\u2014 scx.example/audit oR5UPAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
                      "AAAAAAAAAAAAAAAAAAAAAAA=\n",
    },
    ("organisation.registered", 1): {"organisation_id": "prime-1", "name": "Northern Works Ltd", "kind": "prime"},
    ("contract.awarded", 1): {
        "contract_id": "contract-1",
        "prime_id": "prime-1",
        "contract_package_area": "West Yorkshire",
        "start_date": "2025-04-01",
        "end_date": "2030-03-31",
        "value_pence": 12_500_000_00,
        "payment_model": "attachment_and_outcome",
    },
    ("contract.profile_set", 1): {
        "contract_id": "contract-1",
        "prime_id": "prime-1",
        "revision": 1,
        "months": [
            {"month": "2025-04", "job_outcomes": 10, "sustained_job_outcomes": 4, "work_focused_interviews": 120},
            {"month": "2025-05", "job_outcomes": 12, "sustained_job_outcomes": 5, "work_focused_interviews": 130},
        ],
    },
    ("contract.minimum_performance_levels_set", 1): {
        "contract_id": "contract-1",
        "prime_id": "prime-1",
        "revision": 1,
        "applies_from": "2025-04",
        "levels": [
            {"payment_group": 1, "level_basis_points": 3600},
            {"payment_group": 6, "level_basis_points": 1550},
        ],
    },
    ("subcontract.agreed", 1): {
        "subcontract_id": "subcontract-1",
        "contract_id": "contract-1",
        "prime_id": "prime-1",
        "partner_id": "partner-1",
        "model": "end_to_end",
        "terms": _TERMS,
    },
    ("subcontract.varied", 1): {
        "subcontract_id": "subcontract-1",
        "contract_id": "contract-1",
        "prime_id": "prime-1",
        "partner_id": "partner-1",
        "variation": 1,
        "reason": "capacity raised after the first quarter",
        "terms": {**_TERMS, "monthly_capacity": 60},
    },
    ("subcontract.ended", 1): {
        "subcontract_id": "subcontract-1",
        "contract_id": "contract-1",
        "prime_id": "prime-1",
        "partner_id": "partner-1",
        "ended_on": "2026-03-31",
        "reason": "expired",
    },
    ("weekly_stats.deadline_set", 1): {
        "contract_id": "contract-1",
        "prime_id": "prime-1",
        "revision": 1,
        "days_after_week_end": 2,
        "at_local_time": "17:00",
        "time_zone": "Europe/London",
    },
    ("weekly_stats.posted", 1): {
        "return_id": "return-1",
        "subcontract_id": "subcontract-1",
        "contract_id": "contract-1",
        "prime_id": "prime-1",
        "partner_id": "partner-1",
        "iso_week": "2025-W19",
        "version": 2,
        "corrects_version": 1,
        "figures": {
            "referrals_received": 12, "starts": 9, "wfis_delivered": 31, "fail_to_attends": 3,
            "activities_delivered": 58, "job_starts": 2, "job_outcomes": 1, "exits": 1,
        },
        "late": True,
        "deadline": "2025-05-14T16:00:00Z",
        "deadline_revision": 1,
    },
    ("referral.received", 1): {
        "referral_id": "referral-1",
        "contract_id": "contract-1",
        "prime_id": "prime-1",
        "referrer_id": "jcp-leeds",
        "benefit_type": "ESA",
        "payment_group": 3,
        "mandatory": True,
        "needs": ["musculoskeletal"],
        "postcode_district": "LS1",
        "referral_date": "2025-05-06",
    },
    ("referral.started", 1): {
        "referral_id": "referral-1",
        "contract_id": "contract-1",
        "prime_id": "prime-1",
        "started_on": "2025-05-13",
    },
    ("referral.rejected", 1): {
        "referral_id": "referral-1",
        "contract_id": "contract-1",
        "prime_id": "prime-1",
        "reason": "already_in_work",
    },
    ("referral.allocated", 1): {
        "referral_id": "referral-1",
        "allocation_id": "allocation-1",
        "contract_id": "contract-1",
        "prime_id": "prime-1",
        "delivery": "partner",
        "partner_id": "partner-1",
        "subcontract_id": "subcontract-1",
        "supply_chain_model": "end_to_end",
        "service": None,
        "allocated_on": "2025-05-13",
    },
    ("referral.reallocated", 1): {
        "referral_id": "referral-1",
        "allocation_id": "allocation-2",
        "previous_allocation_id": "allocation-1",
        "contract_id": "contract-1",
        "prime_id": "prime-1",
        "delivery": "in_house",
        "previous_partner_id": "partner-1",
        "reason": "partner_capacity",
        "allocated_on": "2025-06-02",
    },
    ("referral.withdrawn", 1): {
        "referral_id": "referral-1",
        "contract_id": "contract-1",
        "prime_id": "prime-1",
        "reason": "moved_out_of_area",
        "withdrawn_on": "2025-07-01",
    },
    **JOURNEY_EXAMPLES,
    **CLAIMS_EXAMPLES,
}


def example_envelope(event_type: str, version: int = 1, **overrides: Any) -> Envelope:
    """The example of `event_type` in a fresh envelope (new event id, now); any envelope field may be overridden,
    and `data` is merged into the example's data."""
    data = {**EXAMPLES[(event_type, version)], **overrides.pop("data", {})}
    fields: dict[str, Any] = {
        "type": event_type,
        "version": version,
        # the module that registered the event's schema is named after the service that produces it
        "producer": REGISTRY.model_for(event_type, version).__module__.rsplit(".", 1)[-1],
        "actor": EXAMPLE_ACTOR,
        "journey_id": data.get("referral_id", data.get("case_id")),
        "claimant_ref": "c-3f9a1d" if "referral_id" in data or "case_id" in data else None,
        "data": data,
    }
    fields.update(overrides)
    return Envelope(**fields)

"""Examples of the claims service's events (claim.*, payment.*): one each, merged into
`scx_testing.examples.EXAMPLES`."""

from __future__ import annotations

from typing import Any

_DIGEST = "5f2b" * 16
_CLAIM = {"claim_id": "claim-1", "case_id": "referral-1", "contract_id": "contract-1", "prime_id": "prime-1"}

CLAIMS_EXAMPLES: dict[tuple[str, int], dict[str, Any]] = {
    ("claim.submitted", 1): {
        **_CLAIM, "kind": "job_outcome", "sequence": 1, "amount_pence": 125_000, "tariff_model": "pathways-30-50-20",
        "tariff_version": 1, "payable_from": "2025-08-04", "evidence_ids": ["evidence-1", "evidence-2"],
        "submitted_on": "2025-08-20",
    },
    ("claim.approved", 1): {**_CLAIM, "stage": "pre_payment", "approved_on": "2025-08-25"},
    ("claim.rejected", 1): {**_CLAIM, "stage": "pre_payment", "reason": "evidence_insufficient",
                            "rejected_on": "2025-08-25"},
    ("claim.sample_drawn", 1): {
        "sample_id": "sample-1", "stage": "post_payment", "prime_id": "prime-1", "contract_id": "contract-1",
        "period": "2025-08", "kind": "job_outcome", "rate_basis_points": 500, "seed": "9c1e2f7a4b3d5e6f",
        "population": 240, "drawn": 12,
    },
    ("claim.sample_concluded", 1): {
        "sample_id": "sample-1", "prime_id": "prime-1", "contract_id": "contract-1", "checked": 12, "failed": 1,
        "population_paid_pence": 30_000_000, "extrapolated_recovery_pence": 2_500_000,
    },
    ("payment.run_prepared", 1): {
        "run_id": "run-2025-08", "period": "2025-08", "inputs_digest": _DIGEST, "statements": 2,
        "total_pence": 4_215_000,
    },
    ("payment.run_authorised", 1): {
        "run_id": "run-2025-08", "period": "2025-08", "inputs_digest": _DIGEST, "authorised_on": "2025-09-02",
    },
    ("payment.run_abandoned", 1): {
        "run_id": "run-2025-08", "period": "2025-08", "inputs_digest": _DIGEST, "abandoned_on": "2025-09-01",
    },
    ("payment.statement_issued", 1): {
        "run_id": "run-2025-08", "statement_id": "statement-1", "prime_id": "prime-1", "contract_id": "contract-1",
        "period": "2025-08", "lines": 41, "gross_pence": 3_000_000, "recoveries_pence": 125_000,
        "net_pence": 2_875_000, "statement_digest": _DIGEST,
    },
    ("payment.recovery_raised", 1): {
        "recovery_id": "recovery-1", "prime_id": "prime-1", "contract_id": "contract-1", "amount_pence": 125_000,
        "reason": "failed_validation", "claim_id": "claim-1", "sample_id": "sample-1", "raised_on": "2025-08-28",
    },
    ("payment.recovery_netted", 1): {
        "recovery_id": "recovery-1", "run_id": "run-2025-09", "prime_id": "prime-1", "amount_pence": 125_000,
    },
    ("payment.partner_owed", 1): {
        "owed_id": "owed-1", "run_id": "run-2025-08", "prime_id": "prime-1", "partner_id": "partner-1",
        "subcontract_id": "subcontract-1", "case_id": "referral-1", "basis": "outcome_share", "amount_pence": 50_000,
        "due_on": "2025-10-02",
    },
    ("payment.partner_paid", 1): {
        "payment_id": "payment-1", "prime_id": "prime-1", "partner_id": "partner-1", "amount_pence": 50_000,
        "paid_on": "2025-09-20", "owed_ids": ["owed-1"],
    },
    ("tariff.version_added", 1): {
        "model": "work-programme-2011", "version": 2, "effective_from": "2027-04-01", "body_digest": _DIGEST,
        "assumptions": 23,
    },
}

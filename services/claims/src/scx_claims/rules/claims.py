"""What may be claimed, and what a rejection does to the entitlement behind the claim.

- Only outcomes are claimed: a job outcome, a sustained job outcome, a sustainment payment. The service fee and
  the attachment fee are paid from the recorded journey and the contract without a claim.
- An outcome is claimed once it is `payable` and its `payable_from` day has come (that day included).
- A rejected claim's entitlement goes back to `payable` when the reason is about the evidence (missing,
  insufficient, or `other`): the prime may claim again with better evidence. When DWP found the outcome itself not
  due (hours or weeks not met, not eligible, a duplicate) the entitlement is `refused`: no new claim can cure that,
  and reassessment leaves it alone like the other states a claim decided (claimed, approved, paid); what follows
  is for validation and recovery (ADR 0021).
"""

from __future__ import annotations

from datetime import date
from typing import get_args

from scx_contracts.claims import ClaimRejectionReason, OutcomeKind

CLAIMABLE_KINDS: frozenset[str] = frozenset(get_args(OutcomeKind))
CLAIMABLE_STATUS = "payable"
CLAIMED = "claimed"
APPROVED = "approved"
REFUSED = "refused"
# Reasons that leave the outcome claimable with other evidence.
CORRECTABLE: frozenset[str] = frozenset({"evidence_missing", "evidence_insufficient", "other"})
assert set(get_args(ClaimRejectionReason)) >= CORRECTABLE


def needs_claim(kind: str) -> bool:
    """Fees (service, attachment) need no claim; outcomes do."""
    return kind in CLAIMABLE_KINDS


def claimable_on(payable_from: date, day: date) -> bool:
    """An outcome is claimed from its `payable_from` day, inclusive."""
    return payable_from <= day


def entitlement_after_rejection(reason: str) -> str:
    """The entitlement's status once its claim is rejected for `reason` (see the module's docstring)."""
    return CLAIMABLE_STATUS if reason in CORRECTABLE else REFUSED

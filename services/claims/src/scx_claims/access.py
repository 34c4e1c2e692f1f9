"""Who may see and do what with money (issue 9; docs/architecture.md): object-level, from the token's organisation.

- **A prime** sees its own entitlements, claims, statements and what it owes its partners; its managers and
  advisers claim and record evidence, its managers record what it paid a partner.
- **A partner** sees only its flow-down statement: what the prime owes it, paid and overdue.
- **DWP** validating officers (role `validator`) approve or reject claims and draw samples; payments officers (role
  `payments_officer`) prepare and authorise runs — never a run holding a claim they approved themselves
  (maker-checker); contract managers and operators read everything; an auditor reads everything and changes
  nothing.
- JCP has no part in payments: it sees nothing here.
- Anyone else: what is not theirs does not exist for them (404), so ids reveal nothing.
"""

from __future__ import annotations

from scx_servicekit import Principal
from scx_servicekit.auth import forbidden

PROVIDER_STAFF = ("manager", "adviser")


def is_dwp(principal: Principal) -> bool:
    return principal.kind == "dwp"


def is_prime_of(principal: Principal, prime_id: str) -> bool:
    return principal.kind == "prime" and principal.organisation_id == prime_id


def reads_prime(principal: Principal, prime_id: str) -> bool:
    """DWP reads every prime's money; a prime its own."""
    return is_dwp(principal) or is_prime_of(principal, prime_id)


def require_prime_staff(principal: Principal) -> None:
    if principal.kind != "prime" or not principal.has_role(*PROVIDER_STAFF):
        raise forbidden("Only a prime provider's managers and advisers may do this.")


def require_validator(principal: Principal) -> None:
    if principal.kind != "dwp" or not principal.has_role("validator"):
        raise forbidden("Only a DWP validating officer (role validator) may validate claims.")


def require_payments_officer(principal: Principal) -> None:
    if principal.kind != "dwp" or not principal.has_role("payments_officer"):
        raise forbidden("Only a DWP payments officer (role payments_officer) may prepare or authorise a run.")

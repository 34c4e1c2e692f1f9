"""Who may see and do what with a case (issue 8; docs/architecture.md): object-level, from the token's organisation.

- **Act** (record anything on a case): advisers and managers of the organisation delivering it now — the prime
  until it allocates the case, then the allocation's organisation.
- **Read everything**: DWP (contract managers, auditors, operators), the prime holding the contract (partner-
  delivered cases too, read-only unless it delivers), and the delivering organisation.
- **Read its own records**: a former deliverer, after a re-allocation, sees what it recorded and nothing after.
- **Referrer**: the JCP district that referred the claimant sees the case's status summary and its fail-to-attend
  notices (and the complaints and feedback it is party to).
- Anyone else: the case does not exist for them (404), so ids reveal nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from scx_case_tracking.models.cases import Case
from scx_case_tracking.repository.cases import CaseFilter
from scx_servicekit import Principal, Problem
from scx_servicekit.auth import forbidden

STAFF_ROLES = ("adviser", "manager")


class Standing(StrEnum):
    """How a reader stands to a case."""

    FULL = "full"  # DWP, the prime, the delivering organisation
    FORMER_DELIVERER = "former_deliverer"  # sees the rows it recorded
    REFERRER = "referrer"  # the referring JCP district


@dataclass(frozen=True)
class ReadScope:
    standing: Standing
    organisation_id: str

    @property
    def recorded_by(self) -> str | None:
        """None when the reader sees every row of the case; otherwise the organisation whose rows it sees."""
        return self.organisation_id if self.standing is not Standing.FULL else None


def is_provider_staff(principal: Principal) -> bool:
    return principal.kind in ("prime", "partner") and principal.has_role(*STAFF_ROLES)


def reads_all_of(principal: Principal, case: Case) -> bool:
    if principal.kind == "dwp":
        return True
    return principal.organisation_id in (case.prime_id, case.delivering_organisation_id)


def is_referrer(principal: Principal, case: Case) -> bool:
    return principal.kind == "jcp" and principal.organisation_id == case.referrer_id


def delivers(principal: Principal, case: Case) -> bool:
    return principal.organisation_id == case.delivering_organisation_id


def may_act(principal: Principal, case: Case) -> bool:
    return is_provider_staff(principal) and delivers(principal, case)


def not_delivering(case: Case) -> Problem:
    """Refusal for one who reads the case but may not record on it; it names nobody (a former deliverer must not
    learn who delivers the case now)."""
    return forbidden("Only advisers and managers of the organisation delivering this case may record on it.")


def reads_with_role(principal: Principal) -> bool:
    """Reading a case takes a role that works with cases: provider staff, a JCP referrer or TPPM, any DWP role."""
    if principal.kind in ("prime", "partner"):
        return principal.has_role(*STAFF_ROLES)
    if principal.kind == "jcp":
        return principal.has_role("referrer", "tppm")
    return principal.kind == "dwp"


def role_may_not_read() -> Problem:
    return forbidden("Your role does not work with cases: provider advisers and managers, JCP referrers and TPPMs, "
                     "and DWP read them.")


def caseload_of(principal: Principal) -> CaseFilter | None:
    """The cases a list may show the caller: DWP all, a prime its contracts', a partner those it delivers; JCP
    none (its views are the case summary and the fail-to-attend queue)."""
    if principal.kind == "dwp":
        return CaseFilter()
    if not reads_with_role(principal):
        return None
    if principal.kind == "prime":
        return CaseFilter(prime_id=principal.organisation_id)
    if principal.kind == "partner":
        return CaseFilter(delivering_organisation_id=principal.organisation_id)
    return None

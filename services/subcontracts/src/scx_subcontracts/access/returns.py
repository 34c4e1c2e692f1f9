"""Who posts weekly returns and sets their deadlines, and who sees them.

- A partner's managers post their own subcontracts' returns; a partner sees its own returns only.
- A prime's managers set the deadline of their own contracts; a prime sees every return of its partners.
- DWP's contract managers and auditors see every return, its reconciliation and every deadline, and post or set
  nothing; DWP's other roles see none of them (403).
- Jobcentre Plus has no part in a prime's supply-chain statistics: every route here is 403 to it.
- Anything else is not found (404), exactly as what does not exist.
"""

from __future__ import annotations

from scx_servicekit import Principal
from scx_servicekit.auth import forbidden
from scx_subcontracts.access import dwp
from scx_subcontracts.models.returns import WeeklyReturn
from scx_subcontracts.repository.returns import Scope


def require_reader(principal: Principal) -> None:
    """Refuses Jobcentre Plus, and DWP's roles other than its readers; the rest see what their organisation may."""
    if principal.kind == "jcp":
        raise forbidden("Jobcentre Plus does not see providers' weekly statistics.")
    dwp.refuse_other_roles(principal, "providers' weekly statistics and their reconciliation")


def require_partner_manager(principal: Principal) -> None:
    if principal.kind != "partner" or not principal.has_role("manager"):
        raise forbidden("Only a supply-chain partner's manager posts its weekly statistics.")


def require_prime_manager(principal: Principal) -> None:
    if principal.kind != "prime" or not principal.has_role("manager"):
        raise forbidden("Only a prime provider's manager sets when its partners' weekly statistics are due.")


def returns_in_view(principal: Principal) -> Scope:
    require_reader(principal)
    if principal.kind == "prime":
        return Scope(prime_id=principal.organisation_id)
    if principal.kind == "partner":
        return Scope(partner_id=principal.organisation_id)
    return Scope()


def can_see_return(principal: Principal, weekly_return: WeeklyReturn) -> bool:
    if principal.kind == "dwp":
        return dwp.is_reader(principal)
    if principal.kind == "prime":
        return weekly_return.prime_id == principal.organisation_id
    return principal.kind == "partner" and weekly_return.partner_id == principal.organisation_id

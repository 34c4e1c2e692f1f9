"""Who reads referral flows, and how much of them.

- **DWP**'s contract managers and auditors read every prime's flows and their breakdowns; its other roles may not
  (403).
- **A JCP TPPM** (role `tppm`) reads every prime's too: aggregates only, never a journey or a claimant's reference
  (no route here answers with either). JCP's other roles may not (403).
- **A prime** reads its own contracts' flows and its own breakdown.
- **A partner** reads only its own line, in the breakdown of a prime it holds (or held) a subcontract from; it does
  not see the primes side by side (403), nor a prime's totals.
- A breakdown the caller may not see answers as a prime that does not exist (404).
"""

from __future__ import annotations

from scx_servicekit import Principal
from scx_servicekit.auth import forbidden
from scx_subcontracts.access import dwp
from scx_subcontracts.repository.flows import FlowScope


def scope(principal: Principal) -> FlowScope:
    """What of the flows the principal may read; refuses JCP's staff other than its TPPMs, and DWP's other than its
    readers."""
    if principal.kind == "jcp" and not principal.has_role("tppm"):
        raise forbidden("Of Jobcentre Plus, only a Third Party Provision Manager (role tppm) reads referral flows.")
    dwp.refuse_other_roles(principal, "referral flows")
    if principal.kind == "prime":
        return FlowScope(prime_id=principal.organisation_id)
    if principal.kind == "partner":
        return FlowScope(organisation_id=principal.organisation_id)
    return FlowScope()


def require_primes_side_by_side(principal: Principal) -> FlowScope:
    if principal.kind == "partner":
        raise forbidden("A partner reads its own line in the breakdown of each prime it works for "
                        "(/referral-flows/{prime_id}), not the primes side by side.")
    return scope(principal)


def sees_prime_totals(principal: Principal) -> bool:
    return principal.kind != "partner"

"""Who reads a contract's supply-chain health.

- **DWP**'s contract managers and auditors read every contract's; its other roles may not (403).
- **The prime** reads its own contracts'; another prime's answers as a contract that does not exist (404).
- **A partner** reads only its own lines (its subcontracts' shares, what the prime owed and paid it) under a contract
  it holds (or held) a subcontract under; any other contract answers 404.
- **JCP** has no part in supply-chain terms or payments (403).
"""

from __future__ import annotations

from scx_servicekit import Principal
from scx_servicekit.auth import forbidden
from scx_subcontracts.access import dwp
from scx_subcontracts.models.registry import Contract


def require_reader(principal: Principal) -> None:
    if principal.kind == "jcp":
        raise forbidden("Jobcentre Plus does not see providers' supply-chain terms or payments.")
    dwp.refuse_other_roles(principal, "the supply chain's health")


def partner_in_view(principal: Principal) -> str | None:
    """The one partner whose lines the principal sees; None for all of them."""
    return principal.organisation_id if principal.kind == "partner" else None


def can_see(principal: Principal, contract: Contract, *, partner_ids: set[str]) -> bool:
    """`partner_ids`: every partner holding (or having held) a subcontract under the contract."""
    if principal.kind == "dwp":
        return dwp.is_reader(principal)
    if principal.kind == "prime":
        return contract.prime_id == principal.organisation_id
    return principal.kind == "partner" and principal.organisation_id in partner_ids

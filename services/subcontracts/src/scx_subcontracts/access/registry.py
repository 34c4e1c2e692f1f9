"""Who may do what in the registry, and who sees which of its records.

The visibility checks answer yes or no: the use case then answers not-found, because another organisation's
record must answer exactly like a missing one.
"""

from __future__ import annotations

from dataclasses import dataclass

from scx_servicekit import Principal
from scx_servicekit.auth import forbidden
from scx_subcontracts.models.registry import Contract, Subcontract


def require_contract_manager(principal: Principal) -> None:
    if principal.kind != "dwp" or not principal.has_role("contract_manager"):
        raise forbidden("Only a DWP contract manager may do this. A DWP auditor reads everything and changes nothing.")


def require_prime_manager(principal: Principal) -> None:
    if principal.kind != "prime" or not principal.has_role("manager"):
        raise forbidden("Only a prime provider's manager may manage its supply chain.")


def is_prime_of(principal: Principal, agreement: Contract | Subcontract) -> bool:
    return agreement.prime_id == principal.organisation_id


def can_see_contract(principal: Principal, contract: Contract, *, holds_subcontract: bool = False) -> bool:
    """`holds_subcontract`: the principal is a partner with a subcontract under this contract."""
    if principal.kind in ("dwp", "jcp"):
        return True  # JCP refers to contracts, so it knows which exist
    if principal.kind == "prime":
        return is_prime_of(principal, contract)
    return principal.kind == "partner" and holds_subcontract


@dataclass(frozen=True, slots=True, kw_only=True)
class ContractsInView:
    """The contracts a principal may list: those of `prime_id`, or those `partner_id` holds a subcontract under."""

    prime_id: str | None = None
    partner_id: str | None = None


def contracts_in_view(principal: Principal, *, prime_id: str | None) -> ContractsInView | None:
    """None when a prime asks for another prime's contracts: it sees none of them."""
    if principal.kind == "prime":
        if prime_id and prime_id != principal.organisation_id:
            return None
        return ContractsInView(prime_id=principal.organisation_id)
    if principal.kind == "partner":
        return ContractsInView(prime_id=prime_id, partner_id=principal.organisation_id)
    return ContractsInView(prime_id=prime_id)


def can_see_subcontract(principal: Principal, subcontract: Subcontract) -> bool:
    if principal.kind == "dwp":
        return True
    return principal.organisation_id in (subcontract.prime_id, subcontract.partner_id)


def subcontract_party(principal: Principal) -> str | None:
    """The organisation whose subcontracts (as prime or partner) the principal sees; None for DWP, who sees all."""
    if principal.kind == "jcp":
        raise forbidden("Jobcentre Plus does not see the terms of providers' supply chains.")
    return None if principal.kind == "dwp" else principal.organisation_id

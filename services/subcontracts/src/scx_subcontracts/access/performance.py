"""Who reads performance against profiles, and who sets minimum performance levels (ADR 0023).

DWP's contract managers and auditors read every contract's performance; a prime reads its own contracts' (another
prime's contract answers as a missing one). Partners and Jobcentre Plus read none: a contract's performance is
between DWP and its prime. The primes of an area side by side are DWP's alone: it is DWP that compares providers
(and moves referrals to the better), and a prime's own row is its contract's report.
"""

from __future__ import annotations

from scx_servicekit import Principal
from scx_servicekit.auth import forbidden
from scx_subcontracts.access import dwp
from scx_subcontracts.models.registry import Contract


def require_performance_reader(principal: Principal) -> None:
    if not (dwp.is_reader(principal) or principal.kind == "prime"):
        raise forbidden(
            "Performance against profiles is read by DWP's contract managers and auditors, and by each contract's "
            "prime."
        )


def can_read_performance(principal: Principal, contract: Contract) -> bool:
    return dwp.is_reader(principal) or contract.prime_id == principal.organisation_id


def require_area_reader(principal: Principal) -> None:
    if not dwp.is_reader(principal):
        raise forbidden(
            "The primes of an area side by side are read by DWP's contract managers and auditors; a prime reads its "
            "own contract's performance."
        )


def require_level_setter(principal: Principal) -> None:
    if principal.kind != "dwp" or not principal.has_role("contract_manager"):
        raise forbidden("Only a DWP contract manager sets minimum performance levels.")

"""Which of DWP's staff read the supply chain's figures: its contract managers and its auditors. Weekly returns and
their reconciliation (with the journeys behind each count), performance against profiles, referral flows and
supply-chain health are theirs to read; DWP's other roles (operators of the service, validators, payments
officers) read none of it (403).
"""

from __future__ import annotations

from scx_servicekit import Principal
from scx_servicekit.auth import forbidden

READERS = ("contract_manager", "auditor")


def is_reader(principal: Principal) -> bool:
    return principal.kind == "dwp" and principal.has_role(*READERS)


def refuse_other_roles(principal: Principal, what: str) -> None:
    """A DWP principal who is not a reader is refused; anyone else is let through, to be judged by their kind."""
    if principal.kind == "dwp" and not is_reader(principal):
        raise forbidden(f"Of DWP, only contract managers and auditors read {what}.")

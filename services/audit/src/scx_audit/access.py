"""Who may do what in the audit service (ADR 0020).

The proofs (checkpoints, consistency, the public key) are public: a transparency log is useful only if anyone may
check that it is one log, growing by appending. Inclusion proofs, leaves and the auditor's queries show events,
which carry journeys and pseudonyms: those are for DWP (an auditor, or an operator who runs the ledger) only. Other
organisations get 403, as on every other DWP-only route. Nothing here changes the ledger but the consumer of the
stream and the operator's acknowledgement of a gap.
"""

from __future__ import annotations

from scx_servicekit import Principal
from scx_servicekit.auth import forbidden

READERS = ("auditor", "operator")


def require_dwp_reader(principal: Principal) -> None:
    if principal.kind != "dwp" or not principal.has_role(*READERS):
        raise forbidden("Only a DWP auditor (or the ledger's operator) may read the ledger's events.")


def require_operator(principal: Principal) -> None:
    if principal.kind != "dwp" or not principal.has_role("operator"):
        raise forbidden("Only a DWP operator may acknowledge a gap in the ledger.")

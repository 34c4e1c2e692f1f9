"""Events the subcontracts service consumes. None yet: reconciliation of referrals, cases and claims
against the registry arrives with those services. The mapping is the one place subscriptions are listed."""

from __future__ import annotations

from scx_persistence.inbox import Handler

SUBSCRIPTIONS: dict[str, Handler] = {}

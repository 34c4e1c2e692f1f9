"""Events the subcontracts service consumes. None yet: reconciliation of referrals, cases and claims
against the registry arrives with those services. This is the one place subscriptions are listed."""

from __future__ import annotations

from scx_persistence.subscriptions import Subscriptions

SUBSCRIPTIONS = Subscriptions()

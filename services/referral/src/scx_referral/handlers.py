"""Events the referral service consumes: the registry's, applied by the shared read model (`scx_registry`).
This is the one place its subscriptions are listed."""

from __future__ import annotations

from scx_registry import SUBSCRIPTIONS as REGISTRY_SUBSCRIPTIONS

SUBSCRIPTIONS = REGISTRY_SUBSCRIPTIONS

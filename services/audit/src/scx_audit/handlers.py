"""Events the audit service consumes: none yet. This is the one place its subscriptions are listed, as
`Subscriptions(on(EventClass, handler), ...)`; services.toml's `consumes` names the same event types (a test
checks)."""

from __future__ import annotations

from scx_persistence.subscriptions import Subscriptions

SUBSCRIPTIONS = Subscriptions()

"""The claims service's tables: each a Core `Table` on `metadata`, with its record beside it, a frozen dataclass
with one field per column (ADR 0013). One module per area; importing this package declares them all. The
registry's read model (contracts, profiles, subcontracts) is `scx_registry`'s own metadata."""

from __future__ import annotations

from scx_claims.models import claims, entitlements, flowdown, journeys, runs, tariffs
from scx_claims.models.base import metadata

__all__ = ["claims", "entitlements", "flowdown", "journeys", "metadata", "runs", "tariffs"]

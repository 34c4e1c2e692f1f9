"""The subcontracts service's tables: each a Core `Table` on `metadata`, with its record beside it, a frozen
dataclass with one field per column (ADR 0013). One module per area; importing this package declares them all."""

from __future__ import annotations

from scx_subcontracts.models import flows, health, history, performance, registry, returns
from scx_subcontracts.models.base import metadata

__all__ = ["flows", "health", "history", "metadata", "performance", "registry", "returns"]

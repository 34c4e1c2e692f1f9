"""The case tracking service's tables: each a Core `Table` on `metadata`, with its record beside it, a frozen
dataclass with one field per column (ADR 0013). One module per area of the journey; importing this package declares
them all. The registry's read model (contracts, subcontracts) is `scx_registry`'s own metadata."""

from __future__ import annotations

from scx_case_tracking.models import appointments, cases, complaints, employment, progress
from scx_case_tracking.models.base import metadata

__all__ = ["appointments", "cases", "complaints", "employment", "metadata", "progress"]

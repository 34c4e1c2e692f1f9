"""The one `MetaData` every table of the subcontracts service is declared on (ADR 0013)."""

from __future__ import annotations

from scx_persistence import new_metadata

metadata = new_metadata()

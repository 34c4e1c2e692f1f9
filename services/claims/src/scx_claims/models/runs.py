"""Tables of the runs area."""

from __future__ import annotations

"""Tables of the flowdown area."""

from __future__ import annotations

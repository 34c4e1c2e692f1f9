"""Use cases of the complaints area."""

from __future__ import annotations

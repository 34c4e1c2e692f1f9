"""Shapes of the complaints area."""

from __future__ import annotations

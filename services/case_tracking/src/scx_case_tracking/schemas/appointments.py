"""Shapes of the appointments area."""

from __future__ import annotations

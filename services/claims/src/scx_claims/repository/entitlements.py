"""Statements of the entitlements area."""

from __future__ import annotations

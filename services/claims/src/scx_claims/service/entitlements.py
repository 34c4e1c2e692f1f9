"""Use cases of the entitlements area."""

from __future__ import annotations

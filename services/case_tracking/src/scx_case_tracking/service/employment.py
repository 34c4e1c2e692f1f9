"""Use cases of the employment area."""

from __future__ import annotations

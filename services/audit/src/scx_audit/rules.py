"""The audit service's domain rules worth testing alone: pure functions, no database and no HTTP."""

from __future__ import annotations

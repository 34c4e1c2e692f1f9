"""The shapes of the audit API's requests and responses (pydantic models), kept apart from the tables."""

from __future__ import annotations

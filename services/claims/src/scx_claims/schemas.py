"""The shapes of the claims API's requests and responses (pydantic models), kept apart from the tables."""

from __future__ import annotations

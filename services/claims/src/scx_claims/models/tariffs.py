"""Tariff versions: each payment model's versions, the body of each (fee kinds, prices per payment group,
thresholds, schedule, and which figures are assumptions: `rules.tariffs.TariffBody`), the day it takes effect,
and where it came from (shipped with the service, or added by a DWP contract manager). A version is never changed:
a corrected figure is a new version."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Date, Integer, String, Table

from scx_claims.models.base import metadata
from scx_persistence.types import UtcDateTime

tariff_versions = Table(
    "tariff_versions",
    metadata,
    Column("model", String(48), primary_key=True),  # a contract's payment_model, e.g. pathways-30-50-20
    Column("version", Integer, primary_key=True),
    Column("effective_from", Date, nullable=False),
    Column("body", JSON, nullable=False),
    Column("body_digest", String(64), nullable=False),  # SHA-256 of the body's canonical JSON
    Column("source", String(16), nullable=False),  # shipped | dwp
    Column("added_by", String(64), nullable=False),  # the organisation: scx for a shipped version
    Column("added_user", String(200), nullable=True),
    Column("added_at", UtcDateTime, nullable=False),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class TariffVersionRow:
    model: str
    version: int
    effective_from: date
    body: dict[str, Any]
    body_digest: str
    source: str
    added_by: str
    added_user: str | None
    added_at: datetime

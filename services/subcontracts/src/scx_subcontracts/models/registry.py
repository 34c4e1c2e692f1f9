"""The registry's tables, and beside each its record: a value read from or written to one row (ADR 0013)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Date, ForeignKey, Index, Integer, String, Table, Text

from scx_persistence.types import UtcDateTime
from scx_subcontracts.models.base import metadata

organisations = Table(
    "organisations",
    metadata,
    Column("organisation_id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(16), nullable=False, index=True),
    Column("registered_at", UtcDateTime, nullable=False),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Organisation:
    organisation_id: str
    name: str
    kind: str
    registered_at: datetime


contracts = Table(
    "contracts",
    metadata,
    Column("contract_id", String(36), primary_key=True),
    Column("prime_id", ForeignKey("organisations.organisation_id"), nullable=False, index=True),
    Column("contract_package_area", String(100), nullable=False),
    Column("start_date", Date, nullable=False),
    Column("end_date", Date, nullable=False),
    Column("value_pence", BigInteger, nullable=False),
    Column("payment_model", String(100), nullable=False),
    Column("profile_revision", Integer, nullable=False),
    Column("awarded_at", UtcDateTime, nullable=False),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Contract:
    """A DWP → prime contract for one contract package area; `profile_revision` 0 until a profile is set."""

    contract_id: str
    prime_id: str
    contract_package_area: str
    start_date: date
    end_date: date
    value_pence: int
    payment_model: str
    profile_revision: int
    awarded_at: datetime


profile_months = Table(
    "profile_months",
    metadata,
    Column("contract_id", ForeignKey("contracts.contract_id"), primary_key=True),
    Column("revision", Integer, primary_key=True),
    Column("month", String(7), primary_key=True),
    Column("job_outcomes", Integer, nullable=False),
    Column("sustained_job_outcomes", Integer, nullable=False),
    Column("work_focused_interviews", Integer, nullable=False),
    Column("set_at", UtcDateTime, nullable=False),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class ProfileMonth:
    """One month of one revision of a contract's profile; revision 1 is the original."""

    contract_id: str
    revision: int
    month: str
    job_outcomes: int
    sustained_job_outcomes: int
    work_focused_interviews: int
    set_at: datetime


subcontracts = Table(
    "subcontracts",
    metadata,
    Column("subcontract_id", String(36), primary_key=True),
    Column("contract_id", ForeignKey("contracts.contract_id"), nullable=False, index=True),
    Column("prime_id", ForeignKey("organisations.organisation_id"), nullable=False),
    Column("partner_id", ForeignKey("organisations.organisation_id"), nullable=False, index=True),
    Column("model", String(16), nullable=False),
    Column("terms", JSON, nullable=False),
    Column("start_date", Date, nullable=False),
    Column("end_date", Date, nullable=False),
    Column("status", String(16), nullable=False),
    Column("variation", Integer, nullable=False),
    Column("ended_on", Date, nullable=True),
    Column("end_reason", String(40), nullable=True),
    Column("end_note", Text, nullable=True),
    Column("agreed_at", UtcDateTime, nullable=False),
    Index("ix_subcontracts_prime_partner", "prime_id", "partner_id"),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Subcontract:
    """A prime → partner agreement under one of the four supply-chain models.

    `terms` is a `SubcontractTerms` as JSON; `start_date` and `end_date` repeat its dates so they can be queried.
    """

    subcontract_id: str
    contract_id: str
    prime_id: str
    partner_id: str
    model: str
    terms: Mapping[str, Any]
    start_date: date
    end_date: date
    status: str
    variation: int
    ended_on: date | None
    end_reason: str | None
    end_note: str | None
    agreed_at: datetime


subcontract_variations = Table(
    "subcontract_variations",
    metadata,
    Column("subcontract_id", ForeignKey("subcontracts.subcontract_id"), primary_key=True),
    Column("variation", Integer, primary_key=True),
    Column("reason", Text, nullable=False),
    Column("terms", JSON, nullable=False),
    Column("varied_at", UtcDateTime, nullable=False),
    Column("varied_by", String(64), nullable=False),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class SubcontractVariation:
    """The history of a subcontract's terms: what they were changed to, when, and why. Variation 0 is the terms
    agreed (recorded when the subcontract was agreed; rows from before that are missing it)."""

    subcontract_id: str
    variation: int
    reason: str
    terms: Mapping[str, Any]
    varied_at: datetime
    varied_by: str

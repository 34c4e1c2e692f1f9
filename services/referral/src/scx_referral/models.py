from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from scx_persistence import new_metadata
from scx_persistence.types import UtcDateTime


class Base(DeclarativeBase):
    metadata = new_metadata()


class Referral(Base):
    """One claimant's referral by JCP to a prime's contract: the journey every later event belongs to."""

    __tablename__ = "referrals"
    __table_args__ = (
        Index("ix_referrals_prime_status", "prime_id", "status"),
        Index("ix_referrals_current_partner", "current_partner_id"),
    )

    referral_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    contract_id: Mapped[str] = mapped_column(String(36), index=True)
    prime_id: Mapped[str] = mapped_column(String(64))
    referrer_id: Mapped[str] = mapped_column(String(64), index=True)
    claimant_ref: Mapped[str] = mapped_column(String(40), index=True)
    nino_sealed: Mapped[str] = mapped_column(Text)
    benefit_type: Mapped[str] = mapped_column(String(4))
    payment_group: Mapped[int] = mapped_column(Integer)
    mandatory: Mapped[bool] = mapped_column(Boolean)
    needs: Mapped[list[str]] = mapped_column(JSON)
    postcode_district: Mapped[str] = mapped_column(String(4))
    referral_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))
    started_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    rejection_reason: Mapped[str | None] = mapped_column(String(40), nullable=True)
    rejection_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    withdrawal_reason: Mapped[str | None] = mapped_column(String(40), nullable=True)
    withdrawal_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    withdrawn_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    current_allocation_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    current_partner_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Allocation(Base):
    """Who delivers for the referral: in-house or a partner, under which model; ended when re-allocated."""

    __tablename__ = "allocations"
    __table_args__ = (Index("ix_allocations_subcontract_month", "subcontract_id", "allocated_on"),)

    allocation_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    referral_id: Mapped[str] = mapped_column(String(36), index=True)
    delivery: Mapped[str] = mapped_column(String(16))
    partner_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    subcontract_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    supply_chain_model: Mapped[str | None] = mapped_column(String(16), nullable=True)
    service: Mapped[str | None] = mapped_column(String(100), nullable=True)
    allocated_on: Mapped[date] = mapped_column(Date)
    allocated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    allocated_by: Mapped[str] = mapped_column(String(100))
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    end_reason: Mapped[str | None] = mapped_column(String(40), nullable=True)
    end_note: Mapped[str | None] = mapped_column(Text, nullable=True)


class IdempotencyRecord(Base):
    """The first response to a request sent with an Idempotency-Key, replayed to any retry of it."""

    __tablename__ = "idempotency_records"

    organisation_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    response: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


# The read model of the registry, fed only by subcontracts' events (never by its database or API).


class KnownOrganisation(Base):
    __tablename__ = "known_organisations"

    organisation_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))


class KnownContract(Base):
    __tablename__ = "known_contracts"

    contract_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    prime_id: Mapped[str] = mapped_column(String(64), index=True)
    contract_package_area: Mapped[str] = mapped_column(String(100))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)


class KnownSubcontract(Base):
    __tablename__ = "known_subcontracts"
    __table_args__ = (Index("ix_known_subcontracts_chain", "contract_id", "prime_id", "partner_id"),)

    subcontract_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    contract_id: Mapped[str] = mapped_column(String(36))
    prime_id: Mapped[str] = mapped_column(String(64))
    partner_id: Mapped[str] = mapped_column(String(64))
    model: Mapped[str] = mapped_column(String(16))
    postcode_districts: Mapped[list[str]] = mapped_column(JSON)
    health_conditions: Mapped[list[str]] = mapped_column(JSON)
    services: Mapped[list[str]] = mapped_column(JSON)
    monthly_capacity: Mapped[int | None] = mapped_column(Integer, nullable=True)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    variation: Mapped[int] = mapped_column(Integer)
    ended_on: Mapped[date | None] = mapped_column(Date, nullable=True)

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from scx_persistence import new_metadata
from scx_persistence.types import UtcDateTime


class Base(DeclarativeBase):
    metadata = new_metadata()


class Organisation(Base):
    __tablename__ = "organisations"

    organisation_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16), index=True)
    registered_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Contract(Base):
    """A DWP → prime contract for one contract package area."""

    __tablename__ = "contracts"

    contract_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    prime_id: Mapped[str] = mapped_column(ForeignKey("organisations.organisation_id"), index=True)
    contract_package_area: Mapped[str] = mapped_column(String(100))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    value_pence: Mapped[int] = mapped_column(BigInteger)
    payment_model: Mapped[str] = mapped_column(String(100))
    profile_revision: Mapped[int] = mapped_column(Integer, default=0)
    awarded_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ProfileMonth(Base):
    """One month of one revision of a contract's profile; revision 1 is the original."""

    __tablename__ = "profile_months"

    contract_id: Mapped[str] = mapped_column(ForeignKey("contracts.contract_id"), primary_key=True)
    revision: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    job_outcomes: Mapped[int] = mapped_column(Integer)
    sustained_job_outcomes: Mapped[int] = mapped_column(Integer)
    work_focused_interviews: Mapped[int] = mapped_column(Integer)
    set_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Subcontract(Base):
    """A prime → partner agreement under one of the four supply-chain models."""

    __tablename__ = "subcontracts"
    __table_args__ = (Index("ix_subcontracts_prime_partner", "prime_id", "partner_id"),)

    subcontract_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    contract_id: Mapped[str] = mapped_column(ForeignKey("contracts.contract_id"), index=True)
    prime_id: Mapped[str] = mapped_column(ForeignKey("organisations.organisation_id"))
    partner_id: Mapped[str] = mapped_column(ForeignKey("organisations.organisation_id"), index=True)
    model: Mapped[str] = mapped_column(String(16))
    terms: Mapped[dict[str, Any]] = mapped_column(JSON)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="live")
    variation: Mapped[int] = mapped_column(Integer, default=0)
    ended_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    end_reason: Mapped[str | None] = mapped_column(String(40), nullable=True)
    end_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    agreed_at: Mapped[datetime] = mapped_column(UtcDateTime)


class SubcontractVariation(Base):
    """The history of a subcontract's terms: what they were changed to, when, and why."""

    __tablename__ = "subcontract_variations"

    subcontract_id: Mapped[str] = mapped_column(ForeignKey("subcontracts.subcontract_id"), primary_key=True)
    variation: Mapped[int] = mapped_column(Integer, primary_key=True)
    reason: Mapped[str] = mapped_column(Text)
    terms: Mapped[dict[str, Any]] = mapped_column(JSON)
    varied_at: Mapped[datetime] = mapped_column(UtcDateTime)
    varied_by: Mapped[str] = mapped_column(String(64))

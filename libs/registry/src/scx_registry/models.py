"""The registry's tables and their records (ADR 0013: Core tables, frozen records)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Date, Index, Integer, String, Table

from scx_persistence import new_metadata

registry_metadata = new_metadata()

known_organisations = Table(
    "known_organisations",
    registry_metadata,
    Column("organisation_id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(16), nullable=False),
)

known_contracts = Table(
    "known_contracts",
    registry_metadata,
    Column("contract_id", String(36), primary_key=True),
    Column("prime_id", String(64), nullable=False, index=True),
    Column("contract_package_area", String(100), nullable=False),
    Column("start_date", Date, nullable=False),
    Column("end_date", Date, nullable=False),
    Column("value_pence", BigInteger, nullable=True),  # null only on rows kept from before the registry library
    Column("payment_model", String(100), nullable=True),
    Column("profile_revision", Integer, nullable=False, server_default="0"),
)

known_profile_months = Table(
    "known_profile_months",
    registry_metadata,
    Column("contract_id", String(36), primary_key=True),
    Column("revision", Integer, primary_key=True),
    Column("month", String(7), primary_key=True),
    Column("job_outcomes", Integer, nullable=False),
    Column("sustained_job_outcomes", Integer, nullable=False),
    Column("work_focused_interviews", Integer, nullable=False),
)

known_subcontracts = Table(
    "known_subcontracts",
    registry_metadata,
    Column("subcontract_id", String(36), primary_key=True),
    Column("contract_id", String(36), nullable=False),
    Column("prime_id", String(64), nullable=False),
    Column("partner_id", String(64), nullable=False),
    Column("model", String(16), nullable=False),
    Column("postcode_districts", JSON, nullable=False),
    Column("health_conditions", JSON, nullable=False),
    Column("services", JSON, nullable=False),
    Column("service_prices", JSON, nullable=False, server_default="[]"),
    Column("share_of_targets_percent", Integer, nullable=True),
    Column("outcome_payment_share_percent", Integer, nullable=True),  # end-to-end only; since registry v2
    Column("monthly_capacity", Integer, nullable=True),
    Column("start_date", Date, nullable=False),
    Column("end_date", Date, nullable=False),
    Column("variation", Integer, nullable=False),
    Column("ended_on", Date, nullable=True),
    Column("end_reason", String(40), nullable=True),
    Index("ix_known_subcontracts_chain", "contract_id", "prime_id", "partner_id"),
)

# The terms money follows, as each variation set them and from the day they applied: what a prime owes a partner
# is reckoned under the terms as they stood on the day (an outcome became payable, a service was delivered), not
# as they stand now. Variation 0 (the agreement) applies from the subcontract's start date; a later variation
# from the day it was agreed (its event's `occurred_at`, UTC), so a variation never reaches back.
known_subcontract_terms = Table(
    "known_subcontract_terms",
    registry_metadata,
    Column("subcontract_id", String(36), primary_key=True),
    Column("variation", Integer, primary_key=True),
    Column("applies_from", Date, nullable=False),
    Column("outcome_payment_share_percent", Integer, nullable=True),
    Column("service_prices", JSON, nullable=False),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class KnownOrganisation:
    organisation_id: str
    name: str
    kind: str


@dataclass(frozen=True, slots=True, kw_only=True)
class KnownContract:
    contract_id: str
    prime_id: str
    contract_package_area: str
    start_date: date
    end_date: date
    value_pence: int | None
    payment_model: str | None
    profile_revision: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class ProfileMonth:
    contract_id: str
    revision: int
    month: str
    job_outcomes: int
    sustained_job_outcomes: int
    work_focused_interviews: int


@dataclass(frozen=True, slots=True, kw_only=True)
class KnownSubcontract:
    subcontract_id: str
    contract_id: str
    prime_id: str
    partner_id: str
    model: str
    postcode_districts: list[str]
    health_conditions: list[str]
    services: list[str]
    service_prices: list[dict[str, Any]]  # [{"service": ..., "price_pence": ...}] for specialist provision
    share_of_targets_percent: int | None
    monthly_capacity: int | None
    start_date: date
    end_date: date
    variation: int
    ended_on: date | None
    end_reason: str | None
    outcome_payment_share_percent: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SubcontractPaymentTerms:
    """One variation's money terms (0 is the agreement) and the day from which they applied."""

    subcontract_id: str
    variation: int
    applies_from: date
    outcome_payment_share_percent: int | None
    service_prices: list[dict[str, Any]]

    def price_of(self, service: str | None) -> int | None:
        """The price of one delivery of `service` under these terms; None when it is not priced."""
        return next((int(p["price_pence"]) for p in self.service_prices if p["service"] == service), None)

"""The core of the journey: what case tracking knows of each referral, the case a start opens, who has delivered
it (the deliveries), and the case's timeline (one entry per event it recorded)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Column, Date, Index, Integer, String, Table

from scx_case_tracking.models.base import metadata
from scx_persistence.types import UtcDateTime

# What the referral service told us when JCP referred the claimant: a case opens from it at the start.
referrals = Table(
    "referrals",
    metadata,
    Column("referral_id", String(36), primary_key=True),
    Column("contract_id", String(36), nullable=False),
    Column("prime_id", String(64), nullable=False),
    Column("referrer_id", String(64), nullable=False),
    Column("claimant_ref", String(40), nullable=False),
    Column("benefit_type", String(4), nullable=False),
    Column("payment_group", Integer, nullable=False),
    Column("mandatory", Boolean, nullable=False),
    Column("referral_date", Date, nullable=False),
)

cases = Table(
    "cases",
    metadata,
    Column("case_id", String(36), primary_key=True),  # the referral's id: one case per journey
    Column("contract_id", String(36), nullable=False),
    Column("prime_id", String(64), nullable=False),
    Column("referrer_id", String(64), nullable=False),
    Column("claimant_ref", String(40), nullable=False),
    Column("benefit_type", String(4), nullable=False),
    Column("payment_group", Integer, nullable=False),
    Column("mandatory", Boolean, nullable=False),
    Column("referral_date", Date, nullable=False),
    Column("started_on", Date, nullable=False),
    Column("status", String(16), nullable=False),
    # Who delivers now: the prime until it allocates, then the allocation's organisation.
    Column("delivery", String(16), nullable=True),
    Column("delivering_organisation_id", String(64), nullable=False),
    Column("allocation_id", String(36), nullable=True),
    Column("subcontract_id", String(36), nullable=True),
    Column("supply_chain_model", String(16), nullable=True),
    Column("adviser", String(200), nullable=True),
    # The clocks: each deadline (working days) and the date it was met.
    Column("acknowledge_by", Date, nullable=False),
    Column("acknowledged_on", Date, nullable=True),
    Column("first_meeting_by", Date, nullable=False),
    Column("first_met_on", Date, nullable=True),
    Column("assessment_by", Date, nullable=False),
    Column("needs_assessed_on", Date, nullable=True),
    Column("action_plan_agreed_on", Date, nullable=True),
    Column("assessed_on", Date, nullable=True),  # the later of the two above, once both are done
    # Summaries the areas keep current.
    Column("traffic_light", String(8), nullable=True),
    Column("traffic_light_score", Integer, nullable=True),
    Column("classified_on", Date, nullable=True),
    Column("wfis_attended", Integer, nullable=False),
    Column("contact_minutes", Integer, nullable=False),
    Column("last_contact_on", Date, nullable=True),
    Column("exited_on", Date, nullable=True),
    Column("exit_kind", String(16), nullable=True),
    Column("closed_on", Date, nullable=True),
    Column("opened_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Index("ix_cases_prime_status", "prime_id", "status"),
    Index("ix_cases_deliverer_status", "delivering_organisation_id", "status"),
    Index("ix_cases_referrer", "referrer_id"),
)

# Every organisation that has delivered the case, and when: a former deliverer keeps read access to its own records.
deliveries = Table(
    "deliveries",
    metadata,
    Column("case_id", String(36), primary_key=True),
    Column("sequence", Integer, primary_key=True),
    Column("organisation_id", String(64), nullable=False),
    Column("delivery", String(16), nullable=True),
    Column("allocation_id", String(36), nullable=True),
    Column("subcontract_id", String(36), nullable=True),
    Column("supply_chain_model", String(16), nullable=True),
    Column("from_on", Date, nullable=False),
    Column("until_on", Date, nullable=True),
    Index("ix_deliveries_organisation", "organisation_id", "case_id"),
)

timeline = Table(
    "timeline",
    metadata,
    Column("event_id", String(36), primary_key=True),
    Column("case_id", String(36), nullable=False),
    Column("type", String(64), nullable=False),
    Column("occurred_on", Date, nullable=False),
    Column("recorded_at", UtcDateTime, nullable=False),
    Column("recorded_by", String(64), nullable=False),
    Column("user", String(200), nullable=False),
    Column("data", JSON, nullable=False),
    Index("ix_timeline_case", "case_id", "event_id"),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class KnownReferral:
    """A referral as JCP made it, known from `referral.received`: what the case will need when it opens."""

    referral_id: str
    contract_id: str
    prime_id: str
    referrer_id: str
    claimant_ref: str
    benefit_type: str
    payment_group: int
    mandatory: bool
    referral_date: date


@dataclass(frozen=True, slots=True, kw_only=True)
class Case:
    """One claimant's journey from the start: who delivers it, its clocks, and the summaries lists filter on."""

    case_id: str
    contract_id: str
    prime_id: str
    referrer_id: str
    claimant_ref: str
    benefit_type: str
    payment_group: int
    mandatory: bool
    referral_date: date
    started_on: date
    status: str  # open | exited | closed
    delivery: str | None = None  # None: started, not yet allocated (the prime holds it)
    delivering_organisation_id: str
    allocation_id: str | None = None
    subcontract_id: str | None = None
    supply_chain_model: str | None = None
    adviser: str | None = None
    acknowledge_by: date
    acknowledged_on: date | None = None
    first_meeting_by: date
    first_met_on: date | None = None
    assessment_by: date
    needs_assessed_on: date | None = None
    action_plan_agreed_on: date | None = None
    assessed_on: date | None = None
    traffic_light: str | None = None
    traffic_light_score: int | None = None
    classified_on: date | None = None
    wfis_attended: int = 0
    contact_minutes: int = 0
    last_contact_on: date | None = None
    exited_on: date | None = None
    exit_kind: str | None = None
    closed_on: date | None = None
    opened_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class Delivery:
    """One organisation's spell delivering a case: the prime from the start, then each allocation."""

    case_id: str
    sequence: int
    organisation_id: str
    delivery: str | None
    allocation_id: str | None
    subcontract_id: str | None
    supply_chain_model: str | None
    from_on: date
    until_on: date | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class TimelineEntry:
    """One event of the case as recorded: by whom, when, and its data (codes and dates: no free text)."""

    event_id: str
    case_id: str
    type: str
    occurred_on: date
    recorded_at: datetime
    recorded_by: str
    user: str
    data: dict[str, Any]

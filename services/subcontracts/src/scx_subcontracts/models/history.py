"""The history's figures: what the referral, case tracking and claims events say happened, kept current by those
events so that no report ever scans the history (ADR 0022).

- `journeys`: one row per referral, the dates of the journey's milestones and who delivers it now.
- `occurrences`: one row per counted event (a WFI attended, a job started, a job outcome claimed...), named by the
  weekly figure it counts towards, the week and month it falls in and who it counts for. Reconciliation reads a
  subcontract's week from here, and names the journeys behind each count.
- `monthly_tallies`: the occurrences counted by contract, organisation, subcontract, month and figure.
- `cohort_tallies`: the journeys counted by contract, organisation (who delivers the journey now), payment group,
  cohort (the month of the referral, or of the start) and milestone reached. A re-allocation moves the journey's
  counts from one organisation to the other.
- `delay_tallies`: a histogram of days from referral to first WFI, by contract, organisation and referral month, so
  that percentiles are read from a few rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Column, Date, Index, Integer, String, Table

from scx_subcontracts.models.base import metadata

IN_HOUSE = ""  # the subcontract column of what the prime delivers itself (a key column cannot be null)

journeys = Table(
    "history_journeys",
    metadata,
    Column("referral_id", String(36), primary_key=True),
    Column("claimant_ref", String(40), nullable=False),
    Column("contract_id", String(36), nullable=False),
    Column("prime_id", String(64), nullable=False),
    Column("referrer_id", String(64), nullable=False),
    Column("payment_group", Integer, nullable=False),
    Column("referral_date", Date, nullable=False),
    # Who delivers the journey now: the prime until it allocates, then the partner (or the prime, in house).
    Column("organisation_id", String(64), nullable=False),
    Column("subcontract_id", String(36), nullable=False),
    Column("first_subcontract_id", String(36), nullable=True),  # the first allocation's; None before it
    Column("rejected_on", Date, nullable=True),
    Column("started_on", Date, nullable=True),
    Column("first_meeting_on", Date, nullable=True),  # the first attended appointment of any kind
    Column("first_wfi_on", Date, nullable=True),
    Column("assessment_on", Date, nullable=True),  # the first needs assessment attended
    Column("action_plan_on", Date, nullable=True),  # the first action plan agreed
    Column("first_job_on", Date, nullable=True),
    Column("job_outcome_on", Date, nullable=True),
    Column("withdrawn_on", Date, nullable=True),
    Column("exited_on", Date, nullable=True),
    Column("exit_kind", String(16), nullable=True),
    Index("ix_history_journeys_contract_organisation", "contract_id", "organisation_id"),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Journey:
    referral_id: str
    claimant_ref: str
    contract_id: str
    prime_id: str
    referrer_id: str
    payment_group: int
    referral_date: date
    organisation_id: str
    subcontract_id: str = IN_HOUSE
    first_subcontract_id: str | None = None
    rejected_on: date | None = None
    started_on: date | None = None
    first_meeting_on: date | None = None
    first_wfi_on: date | None = None
    assessment_on: date | None = None
    action_plan_on: date | None = None
    first_job_on: date | None = None
    job_outcome_on: date | None = None
    withdrawn_on: date | None = None
    exited_on: date | None = None
    exit_kind: str | None = None


occurrences = Table(
    "history_occurrences",
    metadata,
    Column("event_id", String(48), primary_key=True),  # the event's id; "<id>:start" for a start
    Column("figure", String(32), nullable=False),
    Column("referral_id", String(36), nullable=False, index=True),
    Column("claimant_ref", String(40), nullable=False),
    Column("contract_id", String(36), nullable=False),
    Column("prime_id", String(64), nullable=False),
    Column("organisation_id", String(64), nullable=False),
    Column("subcontract_id", String(36), nullable=False),
    Column("on_date", Date, nullable=False),
    Column("iso_week", String(8), nullable=False),
    Column("month", String(7), nullable=False),
    Column("claim_id", String(36), nullable=True, index=True),  # for a claimed outcome: the claim, if rejected
    Index("ix_history_occurrences_week", "subcontract_id", "iso_week", "figure"),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Occurrence:
    """One event counted towards one figure, for the organisation (and subcontract) it counts for."""

    event_id: str
    figure: str
    referral_id: str
    claimant_ref: str
    contract_id: str
    prime_id: str
    organisation_id: str
    subcontract_id: str
    on_date: date
    iso_week: str
    month: str
    claim_id: str | None = None


monthly_tallies = Table(
    "history_monthly_tallies",
    metadata,
    Column("contract_id", String(36), primary_key=True),
    Column("organisation_id", String(64), primary_key=True),
    Column("subcontract_id", String(36), primary_key=True),
    Column("month", String(7), primary_key=True),
    Column("figure", String(32), primary_key=True),
    Column("count", Integer, nullable=False),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class MonthlyTally:
    contract_id: str
    organisation_id: str
    subcontract_id: str
    month: str
    figure: str
    count: int


cohort_tallies = Table(
    "history_cohort_tallies",
    metadata,
    Column("contract_id", String(36), primary_key=True),
    Column("organisation_id", String(64), primary_key=True),
    Column("payment_group", Integer, primary_key=True),
    Column("cohort", String(8), primary_key=True),  # "referral" or "start": which month the cohort is of
    Column("month", String(7), primary_key=True),
    Column("measure", String(40), primary_key=True),
    Column("count", Integer, nullable=False),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class CohortTally:
    contract_id: str
    organisation_id: str
    payment_group: int
    cohort: str
    month: str
    measure: str
    count: int


delay_tallies = Table(
    "history_delay_tallies",
    metadata,
    Column("contract_id", String(36), primary_key=True),
    Column("organisation_id", String(64), primary_key=True),
    Column("month", String(7), primary_key=True),  # the referral's month
    Column("measure", String(40), primary_key=True),
    Column("days", Integer, primary_key=True),
    Column("count", Integer, nullable=False),
    # Covering, for a prime's referral flows: its contracts' histogram for one measure over a range of months.
    Index("ix_history_delay_tallies_measure_month", "contract_id", "measure", "month", "organisation_id", "days",
          "count"),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class DelayTally:
    contract_id: str
    organisation_id: str
    month: str
    measure: str
    days: int
    count: int

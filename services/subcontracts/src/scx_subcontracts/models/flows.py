"""Referral flows' read model (ADR 0024): the history's referral-cohort tallies rolled up to what a TPPM's report
reads, so that every prime side by side at national scale is a few thousand rows, not a million.

- `flow_tallies`: the journeys of each referral month by contract and delivering organisation, one column per
  measure: `history_cohort_tallies`' referral cohort summed over payment groups; and, per clock, the open journeys
  whose clock runs and is not yet met (awaiting), which is all a clock overdue now needs but the date.
- `flow_delays`: the histogram of days from referral to first WFI by contract and referral month, summed over
  organisations (`history_delay_tallies` keeps it by organisation, which one prime's breakdown reads).
- `flow_awaiting_days`: the open journeys awaiting each clock by contract, the day the clock started and referral
  month. A clock becomes overdue with the date and no event, so what is overdue is reckoned when asked: the
  awaiting tally less the journeys whose deadline is today or later, which started in the last few weeks (rows of
  this table, for every prime side by side).
- Three partial indexes on `history_journeys`, one per clock, over the open journeys whose clock is not yet met,
  led by the prime and the day the clock started: one prime's breakdown counts its last few weeks' journeys there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Column, Date, Index, Integer, String, Table, and_, or_

from scx_subcontracts.models.base import metadata
from scx_subcontracts.models.history import journeys

# The measures of a referral cohort that a flow reports (`history_cohort_tallies`' referral cohort summed), and the
# journeys whose clock runs and is not yet met, on an open journey: each a column of `flow_tallies`.
FLOW_MEASURES: tuple[str, ...] = (
    "referred", "rejected", "started", "first_wfi", "job_start", "job_outcome", "dropped_out",
    "acknowledgement_breached", "first_meeting_breached", "assessment_breached",
)
AWAITING_COLUMNS: tuple[str, ...] = ("acknowledgement_awaiting", "first_meeting_awaiting", "assessment_awaiting")
TALLIED: tuple[str, ...] = FLOW_MEASURES + AWAITING_COLUMNS

flow_tallies = Table(
    "flow_tallies",
    metadata,
    Column("contract_id", String(36), primary_key=True),
    Column("organisation_id", String(64), primary_key=True),
    Column("month", String(7), primary_key=True),  # the referral's month
    Column("prime_id", String(64), nullable=False),  # the contract's prime, so that a prime's rows need no join
    *(Column(measure, Integer, nullable=False, server_default="0") for measure in TALLIED),
    Index("ix_flow_tallies_month", "month", "prime_id"),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class FlowTally:
    contract_id: str
    organisation_id: str
    month: str
    prime_id: str
    referred: int = 0
    rejected: int = 0
    started: int = 0
    first_wfi: int = 0
    job_start: int = 0
    job_outcome: int = 0
    dropped_out: int = 0
    acknowledgement_breached: int = 0
    first_meeting_breached: int = 0
    assessment_breached: int = 0
    acknowledgement_awaiting: int = 0
    first_meeting_awaiting: int = 0
    assessment_awaiting: int = 0


flow_delays = Table(
    "flow_delays",
    metadata,
    Column("contract_id", String(36), primary_key=True),
    Column("month", String(7), primary_key=True),  # the referral's month
    Column("days", Integer, primary_key=True),
    Column("prime_id", String(64), nullable=False),
    Column("count", Integer, nullable=False),
    Index("ix_flow_delays_month", "month", "prime_id"),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class FlowDelay:
    contract_id: str
    month: str
    days: int
    prime_id: str
    count: int


flow_awaiting_days = Table(
    "flow_awaiting_days",
    metadata,
    Column("clock", String(16), primary_key=True),
    Column("since_on", Date, primary_key=True),  # the day the clock started: the referral, or the start
    Column("contract_id", String(36), primary_key=True),
    Column("month", String(7), primary_key=True),  # the referral's month
    Column("prime_id", String(64), nullable=False),
    Column("count", Integer, nullable=False),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class AwaitingDay:
    """Open journeys of a contract awaiting a clock, by the day it started: the clocks not yet overdue of every
    prime together are the last few weeks' rows (one per contract, day and referral month), not their journeys."""

    clock: str
    since_on: date
    contract_id: str
    month: str
    prime_id: str
    count: int


# Open: neither withdrawn nor exited. Each index's WHERE is repeated word for word by the repository's query, which
# SQLite needs to use a partial index.
j = journeys.c
OPEN = (j.withdrawn_on.is_(None), j.exited_on.is_(None))
AWAITING_START = and_(j.started_on.is_(None), j.rejected_on.is_(None), *OPEN)
AWAITING_FIRST_MEETING = and_(j.first_meeting_on.is_(None), j.rejected_on.is_(None), *OPEN)
AWAITING_ASSESSMENT = and_(
    j.started_on.is_not(None), or_(j.assessment_on.is_(None), j.action_plan_on.is_(None)), *OPEN
)

Index(
    "ix_history_journeys_awaiting_start", j.prime_id, j.referral_date, j.contract_id, j.organisation_id,
    sqlite_where=AWAITING_START, postgresql_where=AWAITING_START,
)
Index(
    "ix_history_journeys_awaiting_first_meeting", j.prime_id, j.referral_date, j.contract_id, j.organisation_id,
    sqlite_where=AWAITING_FIRST_MEETING, postgresql_where=AWAITING_FIRST_MEETING,
)
Index(
    "ix_history_journeys_awaiting_assessment", j.prime_id, j.started_on, j.referral_date, j.contract_id,
    j.organisation_id, sqlite_where=AWAITING_ASSESSMENT, postgresql_where=AWAITING_ASSESSMENT,
)

"""Supply-chain health's read model of the claims service's flow-down (ADR 0024): what each prime owed each partner
and when it paid, kept by `payment.partner_owed` and `payment.partner_paid`.

- `health_owed_lines`: one row per line owed, and, once paid, the payment that settled it. A partial index over the
  unpaid ones answers "outstanding" and "overdue now" (a line is overdue from the day after its due date, which
  changes with the date and no event) from the few lines still open.
- `health_payment_tallies`: by contract, partner and month, lines owed (in the month they were owed), paid and
  paid late (in the month they were paid), with their pence.
- `health_payment_delays`: a histogram of days from owed to paid, by contract, partner and the month paid.

The shares of referrals and outcomes are read from the history's monthly tallies and the registry's variations;
nothing of them is kept here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import BigInteger, Column, Date, Index, Integer, String, Table

from scx_subcontracts.models.base import metadata

owed_lines = Table(
    "health_owed_lines",
    metadata,
    Column("owed_id", String(36), primary_key=True),
    Column("contract_id", String(36), nullable=False),
    Column("prime_id", String(64), nullable=False),
    Column("partner_id", String(64), nullable=False),
    Column("subcontract_id", String(36), nullable=False),
    Column("amount_pence", BigInteger, nullable=False),
    Column("owed_on", Date, nullable=False),  # the day the flow-down owed it (its event's occurred_at, UTC)
    Column("due_on", Date, nullable=False),
    Column("payment_id", String(36), nullable=True),
    Column("paid_on", Date, nullable=True),
)
UNPAID = owed_lines.c.paid_on.is_(None)
Index(
    "ix_health_owed_lines_unpaid", owed_lines.c.contract_id, owed_lines.c.partner_id, owed_lines.c.due_on,
    owed_lines.c.amount_pence, sqlite_where=UNPAID, postgresql_where=UNPAID,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class OwedLine:
    owed_id: str
    contract_id: str
    prime_id: str
    partner_id: str
    subcontract_id: str
    amount_pence: int
    owed_on: date
    due_on: date
    payment_id: str | None = None
    paid_on: date | None = None


payment_tallies = Table(
    "health_payment_tallies",
    metadata,
    Column("contract_id", String(36), primary_key=True),
    Column("partner_id", String(64), primary_key=True),
    Column("month", String(7), primary_key=True),
    Column("measure", String(16), primary_key=True),  # owed | paid | paid_late
    Column("count", Integer, nullable=False),
    Column("pence", BigInteger, nullable=False),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class PaymentTally:
    contract_id: str
    partner_id: str
    month: str
    measure: str
    count: int
    pence: int


payment_delays = Table(
    "health_payment_delays",
    metadata,
    Column("contract_id", String(36), primary_key=True),
    Column("partner_id", String(64), primary_key=True),
    Column("month", String(7), primary_key=True),  # the month paid
    Column("days", Integer, primary_key=True),
    Column("count", Integer, nullable=False),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class PaymentDelay:
    contract_id: str
    partner_id: str
    month: str
    days: int
    count: int

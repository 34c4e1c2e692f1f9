"""Shapes of the flow-down: a payment the prime made a partner, a partner's statement, payment timeliness. Money
is integer pence."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field, field_validator

from scx_claims.rules.flowdown import LineStatus
from scx_servicekit.strict import IsoDate, OrganisationId, Pence, RecordId, RequestModel

MAX_LINES_SETTLED = 1000  # as many as a payment.partner_paid event names


class RecordPartnerPayment(RequestModel):
    partner_id: OrganisationId = Field(description="the partner paid")
    amount_pence: Pence = Field(description="what was paid: exactly the sum of the lines it settles")
    paid_on: IsoDate = Field(description="the day the partner was paid; not after today, nor before DWP paid the "
                                         "prime for any line it settles")
    owed_ids: list[RecordId] = Field(
        min_length=1, max_length=MAX_LINES_SETTLED, description="the owed lines this payment settles, each once"
    )

    @field_validator("owed_ids")
    @classmethod
    def _each_once(cls, owed_ids: list[str]) -> list[str]:
        if len(owed_ids) != len(set(owed_ids)):
            raise ValueError("each owed line may be named once")
        return owed_ids


class PartnerPaymentOut(BaseModel):
    payment_id: str
    prime_id: str
    partner_id: str
    amount_pence: int
    paid_on: date
    owed_ids: list[str]


class OwedLineOut(BaseModel):
    owed_id: str
    run_id: str
    prime_id: str
    contract_id: str
    partner_id: str
    subcontract_id: str
    case_id: str
    basis: Literal["outcome_share", "service_price"]
    gross_pence: int = Field(description="the outcome payment DWP made, or the service's price")
    share_percent: int | None = Field(description="the outcome payment share applied; null for a service")
    amount_pence: int
    terms_variation: int = Field(description="the subcontract variation whose terms applied (0: as agreed)")
    dwp_paid_on: date
    due_on: date
    status: LineStatus
    paid_on: date | None
    payment_id: str | None


class StatementTotalsOut(BaseModel):
    lines: int
    owed_pence: int
    paid_pence: int
    outstanding_pence: int
    overdue_pence: int
    overdue_lines: int


class PartnerStatementOut(BaseModel):
    """One page of a partner's lines, and the totals over all of them."""

    partner_id: str
    prime_id: str | None = Field(description="the one prime the statement is narrowed to, if any")
    as_of: date
    totals: StatementTotalsOut
    items: list[OwedLineOut]
    next_cursor: str | None = None


class TimelinessOut(BaseModel):
    prime_id: str
    partner_id: str
    lines_paid: int
    mean_days_to_pay: float | None = Field(description="days from DWP's payment to the partner's, to 0.1 day")
    longest_days_to_pay: int | None
    paid_late: int = Field(description="lines paid after their due date")
    unpaid: int
    overdue: int = Field(description="lines unpaid after their due date")


class TimelinessReportOut(BaseModel):
    as_of: date
    payment_terms_days: int
    items: list[TimelinessOut]

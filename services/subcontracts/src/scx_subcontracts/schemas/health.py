"""Shapes of a contract's supply-chain health. Money is integer pence; shares are percentages to one decimal place."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from scx_subcontracts.rules import health as rules


class ShareMonthOut(BaseModel):
    month: str
    promised_share_percent: int | None = Field(
        description="the share of targets in force at the month's end (today, for the month under way); null when "
        "the subcontract was not in force then")
    referrals: int = Field(description="referrals the partner received under this subcontract in the month")
    contract_referrals: int = Field(description="every referral allocated under the contract in the month, in house "
                                                "included")
    referral_share_percent: float | None
    referral_shortfall_points: float | None = Field(description="promised less actual; negative: more than promised")
    job_outcomes: int
    contract_job_outcomes: int
    job_outcome_share_percent: float | None
    job_outcome_shortfall_points: float | None
    short: bool = Field(description=f"referrals more than {rules.STARVATION_POINTS} points below the promise")
    starved: bool = Field(description=f"short this month and the {rules.STARVATION_MONTHS - 1} before it")


class PartnerShareOut(BaseModel):
    subcontract_id: str
    partner_id: str
    starved: bool = Field(description="starved of referrals in any month shown")
    months: list[ShareMonthOut]


class StarvationRuleOut(BaseModel):
    shortfall_points: int = Field(description="a month is short when referrals fall more than this below the promise")
    consecutive_months: int = Field(description="a partner is starved after this many short months in a row")


class PaymentTimelinessOut(BaseModel):
    partner_id: str
    owed_lines: int = Field(description="lines owed to the partner in the months (by the month owed)")
    owed_pence: int
    paid_lines: int = Field(description="lines paid in the months (by the month paid)")
    paid_pence: int
    paid_on_time: int = Field(description="of the lines paid in the months, paid on or before their due date")
    paid_late: int = Field(description="... paid after it")
    outstanding_lines: int = Field(description="owed and not yet paid, now, whenever owed")
    outstanding_pence: int
    overdue_lines: int = Field(description="of those outstanding, past their due date today")
    overdue_pence: int
    days_to_pay_p50: int | None = Field(description="nearest-rank median of days from owed to paid, of the lines "
                                                    "paid in the months")
    days_to_pay_p90: int | None


class ContractHealthOut(BaseModel):
    contract_id: str
    prime_id: str
    from_month: str
    to_month: str
    as_of: date
    starvation_rule: StarvationRuleOut
    shares: list[PartnerShareOut] = Field(description="each end-to-end subcontract in view")
    payments: list[PaymentTimelinessOut] = Field(description="each partner in view paid by outcome or by service")

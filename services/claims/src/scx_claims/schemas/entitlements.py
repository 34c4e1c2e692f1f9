"""Shapes of what a journey makes payable and of a contract's service fee instalments. Money is integer pence."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

EntitlementKind = Literal["attachment_fee", "job_outcome", "sustained_job_outcome", "sustainment_payment"]


class EntitlementOut(BaseModel):
    entitlement_id: str
    case_id: str
    contract_id: str
    prime_id: str
    kind: EntitlementKind
    sequence: int = Field(description="1, or the nth sustainment payment")
    amount_pence: int
    tariff_model: str
    tariff_version: int
    payable_from: date
    evidence_weeks: list[date] = Field(description="the weeks (by their Mondays) the entitlement rests on")
    status: str = Field(description="payable; withdrawn when the journey stopped supporting it before a claim; "
                                    "then as its claim goes (claimed, paid)")
    computed_at: datetime


class InstalmentOut(BaseModel):
    contract_id: str
    month: str = Field(description="YYYY-MM")
    prime_id: str
    amount_pence: int
    tariff_model: str
    tariff_version: int
    status: str = Field(description="due or paid")

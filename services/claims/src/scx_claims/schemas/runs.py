"""Shapes of payment runs, their statements, and recoveries. Money is integer pence."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, Strict, StringConstraints

from scx_claims.schemas import Period
from scx_contracts.claims import PayableKind, RecoveryReason
from scx_servicekit.strict import MAX_PENCE, OrganisationId, Reason, RecordId, RequestModel

Sha256 = Annotated[str, Strict(), StringConstraints(pattern=r"^[0-9a-f]{64}$", max_length=64)]
PositivePence = Annotated[int, Strict(), Field(ge=1, le=MAX_PENCE)]
RunStatus = Literal["prepared", "authorised", "abandoned"]
LineSource = Literal["instalment", "entitlement", "claim"]


class PrepareRun(RequestModel):
    period: Period = Field(description="the month paid (YYYY-MM): what is due up to its last day; not after this month")


class AuthoriseRun(RequestModel):
    inputs_digest: Sha256 = Field(description="the run's inputs digest, as the authorising officer checked it")


class AbandonRun(RequestModel):
    reason: Reason = Field(description="why the run is not to be paid (kept in claims)")


class RaiseRecovery(RequestModel):
    prime_id: OrganisationId
    contract_id: RecordId
    amount_pence: PositivePence
    reason: RecoveryReason
    explanation: Reason | None = Field(default=None, description="kept in claims; events carry the reason's code")
    case_id: RecordId | None = Field(default=None, description="the referral, when the recovery is about one")
    claim_id: RecordId | None = None
    sample_id: RecordId | None = None


class StatementSummaryOut(BaseModel):
    prime_id: str
    contract_id: str
    statement_id: str
    lines: int
    gross_pence: int
    recoveries_pence: int
    net_pence: int
    carried_forward_pence: int
    statement_digest: str


class RunOut(BaseModel):
    """A run, with the statements the caller may see (a prime its own) and their totals."""

    run_id: str
    period: str
    status: RunStatus
    inputs_digest: str
    prepared_by: str
    prepared_at: datetime
    authorised_by: str | None
    authorised_on: date | None
    abandoned_at: datetime | None
    statements: list[StatementSummaryOut]
    lines: int = Field(description="over the statements shown")
    gross_pence: int = Field(description="over the statements shown")
    recoveries_pence: int = Field(description="over the statements shown")
    net_pence: int = Field(description="over the statements shown")


class LineOut(BaseModel):
    line: int
    source: LineSource
    source_id: str
    case_id: str | None
    kind: PayableKind
    sequence: int
    month: str | None
    payable_from: date | None
    tariff_model: str
    tariff_version: int
    amount_pence: int


class NettedOut(BaseModel):
    recovery_id: str
    reason: RecoveryReason
    raised_on: date
    outstanding_pence: int = Field(description="before this run")
    netted_pence: int
    carried_forward_pence: int


class ContractStatementOut(BaseModel):
    """One contract's statement: its lines sum to gross; net is gross less what was netted, never below 0."""

    period: str
    prime_id: str
    contract_id: str
    statement_id: str = Field(description="derived from the statement's content: the same inputs, the same id")
    statement_digest: str = Field(description="SHA-256 of the statement's canonical document without its id")
    lines: list[LineOut]
    recoveries: list[NettedOut]
    gross_pence: int
    recoveries_pence: int
    net_pence: int
    carried_forward_pence: int


class PrimeStatementOut(BaseModel):
    """A prime's statement in a run: one per contract. Served as canonical JSON (keys sorted, no spaces), or as CSV
    with `Accept: text/csv`; the same inputs give the same bytes."""

    period: str
    prime_id: str
    statements: list[ContractStatementOut]
    gross_pence: int
    recoveries_pence: int
    net_pence: int
    carried_forward_pence: int


class RecoveryOut(BaseModel):
    recovery_id: str
    prime_id: str
    contract_id: str
    case_id: str | None
    reason: RecoveryReason
    explanation: str | None
    amount_pence: int
    outstanding_pence: int = Field(description="less what authorised runs have netted")
    claim_id: str | None
    sample_id: str | None
    raised_on: date
    raised_by: str
    raised_at: datetime

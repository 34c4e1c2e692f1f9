"""Shapes of jobs, their weeks of hours with evidence, job ends and in-work support. Requests refuse unknown
fields, and every field is bounded as the event it becomes (scx_contracts.case_tracking)."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, Field, Strict, WithJsonSchema

from scx_contracts.case_tracking import EmploymentType, EvidenceKind, InWorkSupportKind, JobEndReason, Minutes
from scx_contracts.claimant import looks_like_nino
from scx_servicekit.strict import Count, IsoDate, RecordId, RequestModel


def _a_number(value: Any) -> Any:
    # JSON has no decimal type: hours come as a number (37.5), read through its shortest decimal form so that 7.99
    # stays 7.99. A string, a boolean or anything else is not hours.
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise ValueError("hours are a number, e.g. 37.5 or 16.25")
    return value if isinstance(value, Decimal) else Decimal(str(value))


HoursIn = Annotated[
    Decimal,
    BeforeValidator(_a_number),
    Field(ge=0, le=168, decimal_places=2),
    WithJsonSchema({
        "type": "number", "minimum": 0, "maximum": 168,
        "description": "hours, to the hundredth of an hour at most (16.25; 16.255 is refused)",
    }),
]

# A reference code the provider keeps for the employer (a PAYE-like or its own register's code): upper-case letters,
# digits and hyphens, with at least one digit, so that no name ("SMITH", "Jo Bloggs") can pass for one. It is
# published (employment.job_started), so a person's name must never be in it.
EMPLOYER_REF_PATTERN = r"^(?:[A-Z][A-Z-]*)?[0-9][A-Z0-9-]*$"
_EMPLOYER_REF = re.compile(EMPLOYER_REF_PATTERN)


def _a_code(value: str) -> str:
    if not _EMPLOYER_REF.fullmatch(value):
        raise ValueError(
            "an employer reference is a code of upper-case letters, digits and hyphens with at least one digit "
            "(e.g. EMP-004217), never a name"
        )
    if looks_like_nino(value):
        raise ValueError("an employer reference must not be shaped like a National Insurance number")
    return value


EmployerRef = Annotated[
    str,
    Strict(),
    Field(min_length=3, max_length=36),
    AfterValidator(_a_code),
    WithJsonSchema({
        "type": "string", "minLength": 3, "maxLength": 36, "pattern": EMPLOYER_REF_PATTERN,
        "description": "the employer's reference code in your register, e.g. EMP-004217: never a person's name",
    }),
]


class StartJob(RequestModel):
    started_on: IsoDate = Field(description="not in the future, nor before the case's start")
    employment_type: EmploymentType
    expected_hours_per_week: HoursIn
    employer_ref: EmployerRef


class ReportWeek(RequestModel):
    hours: HoursIn
    earnings_pence: Count | None = Field(default=None, description="gross earnings of the week in pence, if known")
    evidence_kind: EvidenceKind
    evidence_obtained_on: IsoDate = Field(description="not in the future, nor before the week began")


class EndJob(RequestModel):
    ended_on: IsoDate = Field(description="the last day of the job: not before its start, nor in the future")
    reason: JobEndReason


class GiveInWorkSupport(RequestModel):
    job_id: RecordId = Field(description="the job of this case the support is for")
    kind: InWorkSupportKind
    given_on: IsoDate = Field(description="within the job: not before its start, nor after its end or today")
    minutes: Minutes


class WeeksSummaryOut(BaseModel):
    """A job's reported weeks on their latest revisions: what claims will decide outcomes on."""

    reported: int
    at_least_8_hours: int = Field(description="weeks of 8 hours or more (a job outcome's threshold)")
    at_least_16_hours: int = Field(description="weeks of 16 hours or more (a sustained job outcome's threshold)")
    first_week_commencing: date | None
    last_week_commencing: date | None


class JobOut(BaseModel):
    job_id: str
    case_id: str
    started_on: date
    employment_type: EmploymentType
    expected_hours_per_week: float
    employer_ref: str
    ended_on: date | None
    end_reason: JobEndReason | None
    recorded_by: str
    recorded_at: datetime
    weeks: WeeksSummaryOut


class WeekRevisionOut(BaseModel):
    revision: int
    hours: float
    earnings_pence: int | None
    evidence_kind: EvidenceKind
    evidence_obtained_on: date
    evidence_obtained_by: str = Field(description="the user who obtained the evidence (from their token)")
    recorded_by: str
    recorded_at: datetime


class WeekOut(WeekRevisionOut):
    """A week of a job as it stands (its latest revision), with the revisions it corrected, oldest first."""

    job_id: str
    week_commencing: date
    corrected: list[WeekRevisionOut] = Field(description="earlier revisions of this week, oldest first")


class InWorkSupportOut(BaseModel):
    support_id: str
    case_id: str
    job_id: str
    kind: InWorkSupportKind
    given_on: date
    minutes: int
    given_by: str
    recorded_by: str
    recorded_at: datetime

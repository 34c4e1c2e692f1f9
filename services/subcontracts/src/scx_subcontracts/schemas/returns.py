"""The shapes of weekly returns and their deadlines. A CSV upload's rows are read into `PostWeeklyReturn` too
(`schemas.returns_upload`), so a row is held to exactly the bounds of a JSON post.

A correction's reason is free text that every reader of the return sees: one holding anything shaped like an NI
number is refused (`nino_shaped`), so that no claimant is named in it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, Field
from pydantic_core import PydanticCustomError

from scx_contracts.claimant import mentions_nino
from scx_contracts.weekly_stats import (
    DEADLINE_TIME_ZONE,
    DaysAfterWeekEnd,
    DeadlineTimeZone,
    IsoWeek,
    LocalTime,
    WeeklyFigures,
)
from scx_servicekit.strict import Reason, RecordId, RequestModel, Revision


def _names_no_claimant(reason: str) -> str:
    if mentions_nino(reason):
        raise PydanticCustomError(
            "nino_shaped",
            "must not hold anything shaped like a National Insurance number (two letters, then six digits): say why, "
            "never who",
        )
    return reason


CorrectionReason = Annotated[Reason, AfterValidator(_names_no_claimant)]
Timeliness = Literal["on_time", "late", "no_deadline_set"]
ReturnSource = Literal["api", "upload"]


class PostWeeklyReturn(RequestModel):
    subcontract_id: RecordId
    iso_week: IsoWeek = Field(description="the ISO 8601 week, YYYY-Www (2026-W05); it must have ended")
    figures: WeeklyFigures
    corrects_version: Revision | None = Field(
        default=None, description="a correction names the latest version of the week's return; a first post none"
    )
    reason: CorrectionReason | None = Field(
        default=None, description="why the correction is made (corrections only), naming no claimant"
    )


class ReturnVersionOut(BaseModel):
    version: int
    figures: WeeklyFigures
    corrects_version: int | None
    reason: str | None
    source: ReturnSource = Field(description="api: posted as JSON; upload: a row of a CSV file")
    posted_at: datetime
    posted_by: str = Field(description="the user who posted it")
    timeliness: Timeliness = Field(
        description="late: posted after the deadline in force when it was posted; no_deadline_set: the prime had "
        "set no deadline for the contract, so it is neither on time nor late"
    )
    late: bool | None = Field(description="null when no deadline was set")
    deadline: datetime | None = Field(description="the deadline it was judged against (UTC); null when none was set")
    deadline_revision: int | None


class WeeklyReturnOut(BaseModel):
    return_id: str
    subcontract_id: str
    contract_id: str
    prime_id: str
    partner_id: str
    iso_week: str
    week_starts: date = Field(description="the week's Monday")
    week_ends: date = Field(description="the week's Sunday")
    latest_version: int
    first_posted_at: datetime
    late: bool | None = Field(description="whether the return (its version 1) was late; null when no deadline was set")
    latest: ReturnVersionOut


class WeeklyReturnDetail(WeeklyReturnOut):
    versions: list[ReturnVersionOut] = Field(description="every version, the first (the return) first")


class UploadedRow(BaseModel):
    line: int = Field(description="the row's line in the file (the header is line 1)")
    return_id: str
    subcontract_id: str
    iso_week: str
    version: int
    timeliness: Timeliness


class UploadOut(BaseModel):
    rows: int
    stored: list[UploadedRow]


class SetReturnDeadline(RequestModel):
    days_after_week_end: DaysAfterWeekEnd = Field(
        description="0-14: the day the return is due, counted from the end of the week (0: the Monday after it)"
    )
    at_local_time: LocalTime = Field(description=f"HH:MM, 24-hour, {DEADLINE_TIME_ZONE} time (GMT or BST)")


class ReturnDeadlineOut(BaseModel):
    revision: int
    days_after_week_end: int
    at_local_time: str
    time_zone: DeadlineTimeZone
    set_at: datetime
    set_by: str
    description: str = Field(description="the setting in words")


class ReturnDeadlinesOut(BaseModel):
    contract_id: str
    deadline_set: bool = Field(description="false: no deadline set, so no return is judged on time or late")
    current: ReturnDeadlineOut | None = Field(description="the setting in force; null when none was set")
    history: list[ReturnDeadlineOut] = Field(description="every setting, the first first")

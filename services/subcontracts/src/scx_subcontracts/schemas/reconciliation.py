"""The shapes of reconciliation: a return figure by figure against the history, and a listing of the weeks the
subcontracts in view should have posted."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from scx_contracts.vocabulary import SupplyChainModel
from scx_contracts.weekly_stats import WeeklyFigure
from scx_subcontracts.schemas.returns import Timeliness

Status = Literal["agrees", "differs", "not_yet_posted"]


class JourneyOut(BaseModel):
    referral_id: str
    claimant_ref: str = Field(description="the claimant's pseudonym")
    count: int = Field(description="how many times the journey counts towards the figure this week")
    dates: list[date]


class FigureOut(BaseModel):
    figure: WeeklyFigure
    posted: int
    derived: int = Field(description="the same figure counted from the event history")
    difference: int = Field(description="posted - derived: above 0, the partner counted more than the history")
    agrees: bool
    journeys: list[JourneyOut] = Field(description="the journeys behind the derived count")


class ReturnReconciliationOut(BaseModel):
    return_id: str
    subcontract_id: str
    contract_id: str
    prime_id: str
    partner_id: str
    iso_week: str
    week_starts: date
    week_ends: date
    version: int = Field(description="the version reconciled: the latest")
    versions: int = Field(description="how many versions there are: more than one when it was corrected")
    status: Literal["agrees", "differs"]
    differing: list[WeeklyFigure] = Field(description="the figures that differ, in the order of the figures")
    late: bool | None = Field(description="whether the return (version 1) was late; null when no deadline was set")
    timeliness: Timeliness = Field(description="the return's (version 1)")
    deadline: datetime | None = Field(description="the deadline version 1 was judged against")
    derived_at: datetime = Field(
        description="when the figures were derived: the history holds the events applied until then"
    )
    figures: list[FigureOut]


class DifferenceOut(BaseModel):
    figure: WeeklyFigure
    posted: int
    derived: int
    difference: int


class ReconciliationRow(BaseModel):
    subcontract_id: str
    contract_id: str
    prime_id: str
    partner_id: str
    model: SupplyChainModel
    iso_week: str
    status: Status
    return_id: str | None = Field(description="null when not yet posted")
    version: int | None = Field(description="the latest version, reconciled; null when not yet posted")
    late: bool | None = Field(
        description="posted: whether the return (version 1) was late, null when no deadline was set; not posted: null"
    )
    timeliness: Timeliness | None = Field(description="the return's (version 1); null when not yet posted")
    due: datetime | None = Field(
        description="not posted: when it is due under the deadline in force now; null when none is set, or posted"
    )
    overdue: bool | None = Field(description="not posted: whether `due` has passed; null when posted or none is set")
    derived: dict[WeeklyFigure, int] = Field(description="the eight figures counted from the history")
    differences: list[DifferenceOut] = Field(description="the figures posted that differ from the history")


class ReconciliationPage(BaseModel):
    week_from: str
    week_to: str
    derived_at: datetime
    items: list[ReconciliationRow] = Field(description="by subcontract, then week")
    next_cursor: str | None = None

"""The quarterly Provider Performance Review pack (ADR 0023) as JSON, or as CSV with `Accept: text/csv` (its column
layout in `rules.review`): the same history gives the same bytes, asked again the same day. Read as the other
performance reports are: DWP's contract managers and auditors, and the contract's prime."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Request, Response

from scx_servicekit.app import UoW
from scx_servicekit.auth import CurrentPrincipal
from scx_servicekit.openapi import problems
from scx_servicekit.routing import service_router
from scx_subcontracts.rules import review as rules
from scx_subcontracts.schemas.performance import PerformanceReviewOut, Quarter
from scx_subcontracts.service import review

CSV = "text/csv; charset=utf-8"
PACK = {
    **problems({
        404: "no such contract that the caller can see",
        422: "the quarter is not YYYY-Qn, or has no month of the contract",
    }),
    200: {"content": {"text/csv": {"schema": {"type": "string"}}},
          "description": "the pack as JSON, or as CSV with `Accept: text/csv`"},
}

router = service_router(tags=["performance"])


@router.get(
    "/contracts/{contract_id}/performance-reviews/{quarter}", response_model=PerformanceReviewOut, responses=PACK
)
async def get_performance_review(
    contract_id: str,
    quarter: Annotated[Quarter, Path(description="a calendar quarter, YYYY-Qn (Q1 is January to March)")],
    principal: CurrentPrincipal,
    uow: UoW,
    request: Request,
) -> Response:
    """The Provider Performance Review pack for a quarter: performance against the original and latest profile with
    month-on-month change and the quarter's totals, conversion by start cohort, and minimum performance of the
    quarter's referral cohorts and of those whose 12 months close in it."""
    pack = await review.performance_review(uow, principal, contract_id=contract_id, quarter=quarter)
    if "text/csv" in request.headers.get("accept", ""):
        return Response(rules.render_csv(pack), media_type=CSV)
    return Response(rules.render_json(pack), media_type="application/json")

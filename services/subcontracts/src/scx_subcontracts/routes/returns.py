"""Weekly statistics returns: posted as JSON or as a CSV file, corrected as new versions, read with every version;
and the deadline each contract's prime sets for them. Who may do what is in `access.returns`."""

from __future__ import annotations

import hashlib
from typing import Annotated, Any

from fastapi import Depends, Query, Request, Response, status
from pydantic import BaseModel

from scx_contracts.weekly_stats import DEADLINE_TIME_ZONE, IsoWeek
from scx_servicekit import idempotency
from scx_servicekit.app import UoW
from scx_servicekit.auth import CurrentPrincipal
from scx_servicekit.idempotency import IdempotencyKey
from scx_servicekit.openapi import problems
from scx_servicekit.paging import Page, PageRequest, page_of, page_request
from scx_servicekit.routing import service_router
from scx_servicekit.strict import OrganisationId, RecordId
from scx_subcontracts.models.returns import ReturnDeadline, ReturnVersion, WeeklyReturn
from scx_subcontracts.problems import returns as return_problems
from scx_subcontracts.repository.returns import Scope, Weeks
from scx_subcontracts.rules import returns as rules
from scx_subcontracts.schemas.returns import (
    PostWeeklyReturn,
    ReturnDeadlineOut,
    ReturnDeadlinesOut,
    ReturnVersionOut,
    SetReturnDeadline,
    UploadedRow,
    UploadOut,
    WeeklyReturnDetail,
    WeeklyReturnOut,
)
from scx_subcontracts.schemas.returns_upload import COLUMNS, MAX_UPLOAD_BYTES, MAX_UPLOAD_ROWS
from scx_subcontracts.service import returns as service

KEY = {400: "the Idempotency-Key is not 1-200 printable characters"}
POSTING = problems({**KEY, 409: "the week is posted already, or the version corrected is not the latest"})
UPLOADING = problems({
    **KEY,
    409: "a week of the file was posted by another request while the file was stored; nothing was stored",
    413: f"more than {MAX_UPLOAD_BYTES} bytes or {MAX_UPLOAD_ROWS} rows",
    415: "not text/csv in UTF-8",
    422: "the file has faults, every one named in errors with its line and column; nothing was stored",
})
ON_A_RETURN = problems({404: "no such weekly return that the caller can see"})
ON_A_CONTRACT = problems({404: "no such contract that the caller can see"})
LISTING = problems({400: "the cursor is not one this service issued"})
Paging = Annotated[PageRequest, Depends(page_request)]
EXAMPLE_CSV = (
    f"{','.join(COLUMNS)}\r\n"
    "01936b2e-7c1a-7d3e-9f00-2b6c1e4d5a01,2026-W47,12,9,31,3,58,2,1,1,,\r\n"
    "01936b2e-7c1a-7d3e-9f00-2b6c1e4d5a01,2026-W46,11,9,30,2,55,2,1,0,1,two fail-to-attends were missed\r\n"
)

router = service_router(tags=["weekly returns"])


def version_out(version: ReturnVersion) -> ReturnVersionOut:
    timeliness = "no_deadline_set" if version.late is None else "late" if version.late else "on_time"
    return ReturnVersionOut.model_validate({
        "version": version.version, "figures": service.figures_of(version),
        "corrects_version": version.corrects_version, "reason": version.reason, "source": version.source,
        "posted_at": version.posted_at, "posted_by": version.posted_by, "timeliness": timeliness,
        "late": version.late, "deadline": version.deadline, "deadline_revision": version.deadline_revision,
    })


def _fields(weekly_return: WeeklyReturn, first: ReturnVersion, latest: ReturnVersion) -> dict[str, Any]:
    monday = rules.monday_of(weekly_return.iso_week)
    assert monday is not None  # a stored week exists
    return {
        "return_id": weekly_return.return_id, "subcontract_id": weekly_return.subcontract_id,
        "contract_id": weekly_return.contract_id, "prime_id": weekly_return.prime_id,
        "partner_id": weekly_return.partner_id, "iso_week": weekly_return.iso_week, "week_starts": monday,
        "week_ends": rules.sunday_of(monday), "latest_version": weekly_return.latest_version,
        "first_posted_at": weekly_return.first_posted_at, "late": first.late, "latest": version_out(latest),
    }


def return_detail(weekly_return: WeeklyReturn, versions: list[ReturnVersion]) -> WeeklyReturnDetail:
    return WeeklyReturnDetail(
        **_fields(weekly_return, versions[0], versions[-1]), versions=[version_out(v) for v in versions]
    )


def _location(out: dict[str, Any]) -> str:
    return f"/weekly-returns/{out['return_id']}"


@router.post("/weekly-returns", status_code=status.HTTP_201_CREATED, response_model=WeeklyReturnDetail,
             responses=POSTING)
async def post_return(
    body: PostWeeklyReturn, principal: CurrentPrincipal, uow: UoW, request: Request,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """A partner's manager posts the eight figures of an ended ISO week for one of its subcontracts (end-to-end,
    specialist or SLA). A second post for the week is a correction: it names the latest version
    (`corrects_version`) and gives a reason, and becomes the next version; the earlier ones are kept. Each version is
    judged against the deadline the prime has set (`timeliness`)."""
    service.check_may_post(principal)

    async def perform() -> idempotency.Answer:
        posted = await service.post_return(uow, principal, command=body)
        versions = await service.versions_of(uow, posted.weekly_return)
        out = return_detail(posted.weekly_return, versions).model_dump(mode="json")
        return idempotency.Answer(status.HTTP_201_CREATED, out, headers={"Location": _location(out)})

    return await idempotency.once(uow, principal, request, idempotency_key, body, perform, location=_location)


class _Upload(BaseModel):
    """What an upload's Idempotency-Key is checked against: the file's bytes, by their digest."""

    sha256: str


@router.post(
    "/weekly-returns/uploads", status_code=status.HTTP_201_CREATED, response_model=UploadOut, responses=UPLOADING,
    openapi_extra={"requestBody": {"required": True, "content": {"text/csv": {
        "schema": {"type": "string", "maxLength": MAX_UPLOAD_BYTES}, "example": EXAMPLE_CSV,
    }}}},
)
async def upload_returns(
    principal: CurrentPrincipal, uow: UoW, request: Request, idempotency_key: IdempotencyKey = None
) -> Response:
    """A CSV file of returns (`Content-Type: text/csv`, UTF-8): a header line naming the columns
    (`subcontract_id`, `iso_week`, the eight figures, and optionally `corrects_version` and `reason`), then one line
    per subcontract and week. Every row is checked as a JSON post is; if any has a fault, nothing is stored and every
    fault is named with its line and column. Otherwise every row is stored as a version, in one transaction."""
    service.check_may_post(principal)
    _require_csv(request.headers.get("content-type"))
    data = await _read_bounded(request)

    async def perform() -> idempotency.Answer:
        posted = await service.upload_returns(uow, principal, data=data)
        stored = [
            UploadedRow(
                line=p.line, return_id=p.weekly_return.return_id, subcontract_id=p.weekly_return.subcontract_id,
                iso_week=p.weekly_return.iso_week, version=p.version.version,
                timeliness=version_out(p.version).timeliness,
            )
            for p in posted
        ]
        return idempotency.Answer(status.HTTP_201_CREATED, UploadOut(rows=len(stored), stored=stored).model_dump())

    fingerprint = _Upload(sha256=hashlib.sha256(data).hexdigest())
    return await idempotency.once(uow, principal, request, idempotency_key, fingerprint, perform)


def _require_csv(content_type: str | None) -> None:
    media_type, *parameters = [part.strip().lower() for part in (content_type or "").split(";")]
    charsets = [p.split("=", 1)[1].strip('"') for p in parameters if p.startswith("charset=")]
    if media_type != "text/csv" or any(charset not in ("utf-8", "utf8") for charset in charsets):
        raise return_problems.unsupported_media_type(content_type)


async def _read_bounded(request: Request) -> bytes:
    """The body, refused (413) as soon as it is larger than an upload may be, however it is sent."""
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_UPLOAD_BYTES:
        raise return_problems.upload_too_large(rows=False)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_UPLOAD_BYTES:
            raise return_problems.upload_too_large(rows=False)
        chunks.append(chunk)
    return b"".join(chunks)


@router.get("/weekly-returns", responses=LISTING)
async def list_returns(
    principal: CurrentPrincipal, uow: UoW, paging: Paging,
    contract_id: RecordId | None = None,
    subcontract_id: RecordId | None = None,
    partner_id: OrganisationId | None = None,
    week_from: Annotated[IsoWeek | None, Query(description="the first ISO week, YYYY-Www")] = None,
    week_to: Annotated[IsoWeek | None, Query(description="the last ISO week, YYYY-Www")] = None,
) -> Page[WeeklyReturnOut]:
    """The returns the caller may see (a partner its own, a prime its partners', DWP's contract managers and
    auditors all), each with its latest version, in the order they were first posted. Filters narrow what the caller
    sees, never widen it."""
    weeks = checked_weeks(week_from, week_to)
    wanted = Scope(contract_id=contract_id, subcontract_id=subcontract_id, partner_id=partner_id)
    found = await service.list_returns(uow, principal, wanted=wanted, weeks=weeks, page=paging)
    page = page_of(found, paging, lambda item: item[0].return_id)
    return Page[WeeklyReturnOut](
        items=[WeeklyReturnOut(**_fields(*item)) for item in page.items], next_cursor=page.next_cursor
    )


def checked_weeks(week_from: str | None, week_to: str | None) -> Weeks:
    for name, week in (("week_from", week_from), ("week_to", week_to)):
        if week is not None and rules.monday_of(week) is None:
            raise return_problems.invalid_week_range(name, f"there is no week {week}: its year has no such week")
    if week_from is not None and week_to is not None and week_from > week_to:
        raise return_problems.invalid_week_range("week_to", f"{week_to} is before week_from {week_from}")
    return Weeks(first=week_from, last=week_to)


@router.get("/weekly-returns/{return_id}", responses=ON_A_RETURN)
async def get_return(return_id: str, principal: CurrentPrincipal, uow: UoW) -> WeeklyReturnDetail:
    """One return with every version, the first first."""
    return return_detail(*await service.get_return(uow, principal, return_id=return_id))


def deadlines_out(contract_id: str, history: list[ReturnDeadline]) -> ReturnDeadlinesOut:
    settings = [
        ReturnDeadlineOut(
            revision=d.revision, days_after_week_end=d.days_after_week_end, at_local_time=d.at_local_time,
            time_zone=DEADLINE_TIME_ZONE, set_at=d.set_at, set_by=d.set_by,
            description=rules.describe_deadline(
                days_after_week_end=d.days_after_week_end, at_local_time=d.at_local_time
            ),
        )
        for d in history
    ]
    return ReturnDeadlinesOut(
        contract_id=contract_id, deadline_set=bool(settings), current=settings[-1] if settings else None,
        history=settings,
    )


@router.put("/contracts/{contract_id}/weekly-return-deadline", tags=["contracts"], responses=ON_A_CONTRACT)
async def set_deadline(
    contract_id: str, body: SetReturnDeadline, principal: CurrentPrincipal, uow: UoW
) -> ReturnDeadlinesOut:
    """The contract's prime (a manager) sets when its partners' weekly returns are due: at a London time on a day
    counted from the end of the week. It judges every version posted from now on; earlier settings are kept."""
    history = await service.set_deadline(uow, principal, contract_id=contract_id, command=body)
    return deadlines_out(contract_id, history)


@router.get("/contracts/{contract_id}/weekly-return-deadline", tags=["contracts"], responses=ON_A_CONTRACT)
async def get_deadline(contract_id: str, principal: CurrentPrincipal, uow: UoW) -> ReturnDeadlinesOut:
    """The deadline in force (none until the prime sets one: then no return is judged late) and every earlier
    setting; seen by the contract's prime, its partners and DWP's contract managers and auditors."""
    return deadlines_out(contract_id, await service.get_deadlines(uow, principal, contract_id=contract_id))

"""Employment: job starts, the weekly hours of a job with their evidence, job ends, and in-work support."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Path, Request, Response, status

from scx_case_tracking.models.employment import InWorkSupport, WeekReport
from scx_case_tracking.rules.employment import from_hundredths
from scx_case_tracking.schemas.employment import (
    EndJob,
    GiveInWorkSupport,
    InWorkSupportOut,
    JobOut,
    ReportWeek,
    StartJob,
    WeekOut,
    WeekRevisionOut,
    WeeksSummaryOut,
)
from scx_case_tracking.service import employment
from scx_case_tracking.service.employment import JobView, WeekView
from scx_servicekit import idempotency
from scx_servicekit.app import UoW
from scx_servicekit.auth import CurrentPrincipal
from scx_servicekit.idempotency import IdempotencyKey
from scx_servicekit.openapi import problems
from scx_servicekit.paging import Page, PageRequest, page_of, page_request
from scx_servicekit.routing import service_router
from scx_servicekit.strict import IsoDate

PROBLEMS = problems({404: "no such case (or job) that the caller can see"})
LISTING = problems({400: "the cursor is not one this service issued"})
ACTING = problems({
    409: "the case is exited or closed, the job has ended, or started after the exit (the problem says which)",
    422: "a field is wrong, or a date is outside what the journey allows (the problem names it)",
})
IDEMPOTENT = problems({400: "the Idempotency-Key is not 1-200 printable characters"})
Paging = Annotated[PageRequest, Depends(page_request)]
WeekCommencing = Annotated[IsoDate, Path(description="the Monday the week commences on, YYYY-MM-DD")]
router = service_router(prefix="/cases/{case_id}", tags=["employment"], responses=PROBLEMS)


def job_out(view: JobView) -> JobOut:
    job, weeks = view.job, view.weeks
    return JobOut(
        job_id=job.job_id, case_id=job.case_id, started_on=job.started_on, employment_type=job.employment_type,
        expected_hours_per_week=float(from_hundredths(job.expected_hundredths)), employer_ref=job.employer_ref,
        ended_on=job.ended_on, end_reason=job.end_reason, recorded_by=job.recorded_by, recorded_at=job.recorded_at,
        weeks=WeeksSummaryOut(
            reported=weeks.reported, at_least_8_hours=weeks.at_least_8_hours,
            at_least_16_hours=weeks.at_least_16_hours, first_week_commencing=weeks.first_week,
            last_week_commencing=weeks.last_week,
        ),
    )


def _revision(report: WeekReport) -> dict[str, Any]:
    return {
        "revision": report.revision, "hours": float(from_hundredths(report.hundredths)),
        "earnings_pence": report.earnings_pence, "evidence_kind": report.evidence_kind,
        "evidence_obtained_on": report.evidence_obtained_on, "evidence_obtained_by": report.evidence_obtained_by,
        "recorded_by": report.recorded_by, "recorded_at": report.recorded_at,
    }


def week_out(view: WeekView) -> WeekOut:
    return WeekOut(
        job_id=view.current.job_id, week_commencing=view.current.week_commencing, **_revision(view.current),
        corrected=[WeekRevisionOut(**_revision(r)) for r in view.corrected],
    )


def support_out(support: InWorkSupport) -> InWorkSupportOut:
    return InWorkSupportOut.model_validate(support, from_attributes=True)


def _json(body: JobOut | WeekOut) -> Response:
    """Serialised once, here: FastAPI would otherwise validate the model a second time on the way out."""
    return Response(body.model_dump_json(), media_type="application/json")


@router.post(
    "/jobs", status_code=status.HTTP_201_CREATED, response_model=JobOut, responses={**ACTING, **IDEMPOTENT}
)
async def start_job(
    case_id: str, body: StartJob, principal: CurrentPrincipal, uow: UoW, request: Request,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """The claimant started a job: employed or self-employed, the hours a week expected, the employer by its
    reference code (never a person's name). Several jobs may run at once."""

    async def start() -> idempotency.Answer:
        view = await employment.start_job(uow, principal, case_id=case_id, command=body)
        out = job_out(view).model_dump(mode="json")
        return idempotency.Answer(status.HTTP_201_CREATED, out, headers={"Location": _job_location(out)})

    return await idempotency.once(uow, principal, request, idempotency_key, body, start, location=_job_location)


def _job_location(out: dict[str, Any]) -> str:
    return f"/cases/{out['case_id']}/jobs/{out['job_id']}"


@router.get("/jobs", responses=LISTING)
async def list_jobs(case_id: str, principal: CurrentPrincipal, uow: UoW, paging: Paging) -> Page[JobOut]:
    """The case's jobs, oldest first, each with its weeks summed up on their latest revisions (weeks reported, of
    8 hours or more, of 16 or more). A former deliverer lists only what it recorded."""
    views = await employment.list_jobs(uow, principal, case_id=case_id, page=paging)
    page = page_of(views, paging, lambda v: v.job.job_id)
    return Page[JobOut](items=[job_out(v) for v in page.items], next_cursor=page.next_cursor)


@router.get("/jobs/{job_id}", response_model=JobOut)
async def get_job(case_id: str, job_id: str, principal: CurrentPrincipal, uow: UoW) -> Response:
    """One job of the case with its weeks summed up."""
    return _json(job_out(await employment.get_job(uow, principal, case_id=case_id, job_id=job_id)))


@router.put("/jobs/{job_id}/weeks/{week_commencing}", response_model=WeekOut, responses=ACTING)
async def report_week(
    case_id: str, job_id: str, week_commencing: WeekCommencing, body: ReportWeek, principal: CurrentPrincipal,
    uow: UoW,
) -> Response:
    """The hours worked in one week of the job (named by its Monday), with the evidence and who obtained it.

    A week is reported once it has ended, from the Monday after it: the current week is refused. It must be a
    week of the job (from the week of its start to the week of its end). Reporting a week again corrects it: a
    new revision, the earlier ones kept; the same report again changes nothing. After the case's exit, the weeks
    of a job started on or before the exit may still be reported."""
    view = await employment.report_week(
        uow, principal, case_id=case_id, job_id=job_id, week=week_commencing, command=body
    )
    return _json(week_out(view))


@router.get("/jobs/{job_id}/weeks", responses=LISTING)
async def job_weeks(
    case_id: str, job_id: str, principal: CurrentPrincipal, uow: UoW, paging: Paging
) -> Page[WeekOut]:
    """The job's reported weeks in order, each as it stands with the revisions it corrected. A former deliverer
    sees the revisions it recorded."""
    views = await employment.weeks_of(uow, principal, case_id=case_id, job_id=job_id, page=paging)
    page = page_of(views, paging, lambda v: v.current.week_commencing.isoformat())
    return Page[WeekOut](items=[week_out(v) for v in page.items], next_cursor=page.next_cursor)


@router.post("/jobs/{job_id}/end", response_model=JobOut, responses=ACTING)
async def end_job(case_id: str, job_id: str, body: EndJob, principal: CurrentPrincipal, uow: UoW) -> Response:
    """The job ended, for a coded reason; once. Not before its start, nor before a week already reported."""
    return _json(job_out(await employment.end_job(uow, principal, case_id=case_id, job_id=job_id, command=body)))


@router.post(
    "/in-work-support", status_code=status.HTTP_201_CREATED, response_model=InWorkSupportOut,
    responses={**ACTING, **IDEMPOTENT},
)
async def give_in_work_support(
    case_id: str, body: GiveInWorkSupport, principal: CurrentPrincipal, uow: UoW, request: Request,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """In-work support for the claimant in one of the case's jobs: the kind of contact, its date and minutes,
    which count in the case's contact time. Not after the case's exit."""

    async def give() -> idempotency.Answer:
        support = await employment.give_in_work_support(uow, principal, case_id=case_id, command=body)
        out = support_out(support).model_dump(mode="json")
        return idempotency.Answer(status.HTTP_201_CREATED, out)

    return await idempotency.once(uow, principal, request, idempotency_key, body, give)


@router.get("/in-work-support", responses=LISTING)
async def list_in_work_support(
    case_id: str, principal: CurrentPrincipal, uow: UoW, paging: Paging
) -> Page[InWorkSupportOut]:
    """The case's in-work support, oldest first. A former deliverer lists only what it recorded."""
    found = await employment.list_in_work_support(uow, principal, case_id=case_id, page=paging)
    page = page_of(found, paging, "support_id")
    return Page[InWorkSupportOut](items=[support_out(s) for s in page.items], next_cursor=page.next_cursor)

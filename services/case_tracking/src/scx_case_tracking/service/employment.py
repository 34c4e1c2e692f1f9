"""Employment: the claimant starts jobs (several in one journey, overlapping if need be), the provider reports the
hours of each week with their evidence (a correction is a new revision, the history kept), a job ends once, and
in-work support is given to a claimant in a job. Claims will decide job and sustained job outcomes from exactly
these weeks (`rules.employment` says what a week is).

After the case's exit nothing more is recorded but the weeks, and the end, of a job started on or before the exit.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from itertools import groupby

from scx_case_tracking import problems
from scx_case_tracking.access import Standing
from scx_case_tracking.models.cases import Case
from scx_case_tracking.models.employment import InWorkSupport, Job, WeekReport
from scx_case_tracking.problems import employment as employment_problems
from scx_case_tracking.repository import cases as case_repository
from scx_case_tracking.repository import employment as repository
from scx_case_tracking.rules import employment as rules
from scx_case_tracking.schemas.employment import EndJob, GiveInWorkSupport, ReportWeek, StartJob
from scx_case_tracking.service.cases import Readable, case_to_act_on, case_to_read
from scx_case_tracking.service.journey import new_id, now, record, today
from scx_contracts.case_tracking import CaseInWorkSupportGiven, HoursReported, JobEnded, JobStarted
from scx_persistence import UnitOfWork
from scx_servicekit import Principal
from scx_servicekit.auth import forbidden
from scx_servicekit.paging import PageRequest
from scx_servicekit.problems import not_found


@dataclass(frozen=True)
class JobView:
    job: Job
    weeks: rules.WeeksSummary


@dataclass(frozen=True)
class WeekView:
    """A week as it stands (its latest revision) and the revisions before it, oldest first."""

    current: WeekReport
    corrected: list[WeekReport]


def _not_in_future(value: date, field: str) -> None:
    if value > today():
        raise problems.date_in_future(field, value)


def _not_before(value: date, field: str, earliest: date, what: str) -> None:
    if value < earliest:
        raise problems.date_too_early(field, value, earliest, what)


async def _job_of(uow: UnitOfWork, case: Case, job_id: str) -> Job:
    job = await repository.get_job(uow, case.case_id, job_id)
    if job is None:
        raise not_found("Job", job_id)
    return job


def _recordable_after_exit(case: Case, job: Job) -> None:
    if case.exited_on is not None and job.started_on > case.exited_on:
        raise employment_problems.job_started_after_exit(job, case.exited_on)


# Recording


async def start_job(uow: UnitOfWork, principal: Principal, *, case_id: str, command: StartJob) -> JobView:
    """The claimant started a job, on or after the case's start and not later than today."""
    case = await case_to_act_on(uow, principal, case_id)
    _not_in_future(command.started_on, "started_on")
    _not_before(command.started_on, "started_on", case.started_on, "the case's start")
    job = Job(
        job_id=new_id(), case_id=case.case_id, started_on=command.started_on,
        employment_type=command.employment_type,
        expected_hundredths=rules.to_hundredths(command.expected_hours_per_week),
        employer_ref=command.employer_ref, recorded_by=principal.organisation_id, recorded_user=principal.user,
        recorded_at=now(),
    )
    await repository.add_job(uow, job)
    await record(uow, principal, case, JobStarted(
        case_id=case.case_id, job_id=job.job_id, started_on=job.started_on, employment_type=command.employment_type,
        expected_hours_per_week=rules.from_hundredths(job.expected_hundredths), employer_ref=job.employer_ref,
        delivering_organisation_id=case.delivering_organisation_id,
    ), occurred_on=job.started_on)
    return JobView(job, rules.WeeksSummary())


def _check_week(job: Job, week: date) -> None:
    if not rules.is_monday(week):
        raise employment_problems.not_a_monday(week)
    if not rules.has_ended(week, today()):
        raise employment_problems.week_not_ended(week, rules.latest_reportable_week(today()))
    if week < rules.first_week_of(job.started_on):
        raise employment_problems.week_before_job(week, job, rules.first_week_of(job.started_on))
    if job.ended_on is not None and week > job.ended_on:
        raise employment_problems.week_after_job_end(week, job.ended_on)


def _same_report(report: WeekReport, hundredths: int, command: ReportWeek) -> bool:
    return (report.hundredths, report.earnings_pence, report.evidence_kind, report.evidence_obtained_on) == (
        hundredths, command.earnings_pence, command.evidence_kind, command.evidence_obtained_on,
    )


async def _week_view(uow: UnitOfWork, job_id: str, week: date) -> WeekView:
    views = _weeks(await repository.reports_of(
        uow, job_id, recorded_by=None, after=week - timedelta(days=1), limit=1
    ))
    return views[0]


async def report_week(
    uow: UnitOfWork, principal: Principal, *, case_id: str, job_id: str, week: date, command: ReportWeek
) -> WeekView:
    """The hours of one ended week of a job, with their evidence.

    A report of a week already reported is a correction: a new revision, the earlier ones kept. The same report
    again (a retried PUT) records nothing."""
    case = await case_to_act_on(uow, principal, case_id, after_exit=True)
    job = await _job_of(uow, case, job_id)
    _recordable_after_exit(case, job)
    _check_week(job, week)
    _not_in_future(command.evidence_obtained_on, "evidence_obtained_on")
    _not_before(command.evidence_obtained_on, "evidence_obtained_on", week, "the week it evidences began")
    hundredths = rules.to_hundredths(command.hours)
    previous = await repository.latest_report(uow, job.job_id, week)
    if previous is not None and _same_report(previous, hundredths, command):
        return await _week_view(uow, job.job_id, week)
    revision = previous.revision + 1 if previous is not None else 1
    if revision > rules.MAX_REVISIONS:
        raise employment_problems.too_many_revisions(week, rules.MAX_REVISIONS)
    await repository.add_week_report(uow, WeekReport(
        report_id=new_id(), job_id=job.job_id, case_id=case.case_id, week_commencing=week, revision=revision,
        hundredths=hundredths, earnings_pence=command.earnings_pence, evidence_kind=command.evidence_kind,
        evidence_obtained_on=command.evidence_obtained_on, evidence_obtained_by=principal.user,
        recorded_by=principal.organisation_id, recorded_at=now(),
    ))
    await record(uow, principal, case, HoursReported(
        case_id=case.case_id, job_id=job.job_id, week_commencing=week, hours=rules.from_hundredths(hundredths),
        earnings_pence=command.earnings_pence, evidence_kind=command.evidence_kind,
        evidence_obtained_on=command.evidence_obtained_on, revision=revision,
    ), occurred_on=week)
    return await _week_view(uow, job.job_id, week)


async def end_job(uow: UnitOfWork, principal: Principal, *, case_id: str, job_id: str, command: EndJob) -> JobView:
    """The job ended, once, for a coded reason: not before its start, nor before a week already reported."""
    case = await case_to_act_on(uow, principal, case_id, after_exit=True)
    job = await _job_of(uow, case, job_id)
    _recordable_after_exit(case, job)
    if job.ended_on is not None:
        raise employment_problems.job_already_ended(job)
    _not_in_future(command.ended_on, "ended_on")
    _not_before(command.ended_on, "ended_on", job.started_on, "the job's start")
    last_week = await repository.last_reported_week(uow, job.job_id)
    if last_week is not None and command.ended_on < last_week:
        raise employment_problems.ends_before_reported_week(command.ended_on, last_week)
    ended = replace(
        job, ended_on=command.ended_on, end_reason=command.reason, ended_by=principal.organisation_id, ended_at=now()
    )
    await repository.end_job(uow, ended)
    await record(uow, principal, case, JobEnded(
        case_id=case.case_id, job_id=job.job_id, ended_on=command.ended_on, reason=command.reason,
    ), occurred_on=command.ended_on)
    return (await _job_views(uow, [ended], recorded_by=None))[0]


async def give_in_work_support(
    uow: UnitOfWork, principal: Principal, *, case_id: str, command: GiveInWorkSupport
) -> InWorkSupport:
    """A contact with the claimant in one of the case's jobs; it counts in the case's contact time."""
    case = await case_to_act_on(uow, principal, case_id)
    job = await repository.get_job(uow, case.case_id, command.job_id)
    if job is None:
        raise employment_problems.unknown_job(command.job_id)
    _not_in_future(command.given_on, "given_on")
    _not_before(command.given_on, "given_on", job.started_on, "the job's start")
    if job.ended_on is not None and command.given_on > job.ended_on:
        raise employment_problems.outside_job(command.given_on, job.ended_on)
    support = InWorkSupport(
        support_id=new_id(), case_id=case.case_id, job_id=job.job_id, kind=command.kind, given_on=command.given_on,
        minutes=command.minutes, given_by=principal.user, recorded_by=principal.organisation_id, recorded_at=now(),
    )
    await repository.add_support(uow, support)
    last = case.last_contact_on
    contacted = replace(
        case, contact_minutes=case.contact_minutes + command.minutes,
        last_contact_on=command.given_on if last is None else max(last, command.given_on), updated_at=now(),
    )
    await case_repository.update_case(uow, contacted, columns=("contact_minutes", "last_contact_on"))
    await record(uow, principal, contacted, CaseInWorkSupportGiven(
        case_id=case.case_id, support_id=support.support_id, job_id=job.job_id, kind=command.kind,
        given_on=command.given_on, minutes=command.minutes,
        delivering_organisation_id=case.delivering_organisation_id,
    ), occurred_on=command.given_on)
    return support


# Reading


async def _readable(uow: UnitOfWork, principal: Principal, case_id: str) -> Readable:
    """The case, for those who read its records: not the referring JCP district, which sees its summary only."""
    readable = await case_to_read(uow, principal, case_id)
    if readable.scope.standing is Standing.REFERRER:
        raise forbidden("The referring JCP district sees this case's summary and its fail-to-attend notices, not "
                        "the claimant's employment.")
    return readable


def _as_seen_by(job: Job, recorded_by: str | None) -> Job:
    """A former deliverer sees the job it recorded, but not an end another organisation recorded after."""
    if recorded_by is None or job.ended_by in (None, recorded_by):
        return job
    return replace(job, ended_on=None, end_reason=None, ended_by=None, ended_at=None)


async def _job_views(uow: UnitOfWork, found: list[Job], *, recorded_by: str | None) -> list[JobView]:
    latest = await repository.latest_weeks_of(uow, [j.job_id for j in found], recorded_by=recorded_by)
    weeks: dict[str, list[tuple[date, int]]] = {}
    for report in latest:
        weeks.setdefault(report.job_id, []).append((report.week_commencing, report.hundredths))
    return [JobView(_as_seen_by(j, recorded_by), rules.summarise(weeks.get(j.job_id, []))) for j in found]


async def list_jobs(uow: UnitOfWork, principal: Principal, *, case_id: str, page: PageRequest) -> list[JobView]:
    """The case's jobs with their weeks summed up; a former deliverer's own only. `page.limit + 1` rows."""
    scope = (await _readable(uow, principal, case_id)).scope
    found = await repository.jobs_of(
        uow, case_id, recorded_by=scope.recorded_by, after=page.after, limit=page.limit + 1
    )
    return await _job_views(uow, found, recorded_by=scope.recorded_by)


async def _visible_job(uow: UnitOfWork, principal: Principal, case_id: str, job_id: str) -> tuple[Job, str | None]:
    readable = await _readable(uow, principal, case_id)
    job = await _job_of(uow, readable.case, job_id)
    recorded_by = readable.scope.recorded_by
    if recorded_by is not None and job.recorded_by != recorded_by:
        raise not_found("Job", job_id)
    return job, recorded_by


async def get_job(uow: UnitOfWork, principal: Principal, *, case_id: str, job_id: str) -> JobView:
    job, recorded_by = await _visible_job(uow, principal, case_id, job_id)
    return (await _job_views(uow, [job], recorded_by=recorded_by))[0]


def _weeks(reports: list[WeekReport]) -> list[WeekView]:
    views = []
    for _, revisions in groupby(reports, key=lambda r: r.week_commencing):
        listed = list(revisions)
        views.append(WeekView(listed[-1], listed[:-1]))
    return views


async def weeks_of(
    uow: UnitOfWork, principal: Principal, *, case_id: str, job_id: str, page: PageRequest
) -> list[WeekView]:
    """The job's reported weeks in order, each as it stands with its corrections; `page.limit + 1` weeks."""
    job, recorded_by = await _visible_job(uow, principal, case_id, job_id)
    try:
        after = date.fromisoformat(page.after) if page.after is not None else None
    except ValueError:
        raise employment_problems.invalid_cursor() from None
    reports = await repository.reports_of(
        uow, job.job_id, recorded_by=recorded_by, after=after, limit=page.limit + 1
    )
    return _weeks(reports)


async def list_in_work_support(
    uow: UnitOfWork, principal: Principal, *, case_id: str, page: PageRequest
) -> list[InWorkSupport]:
    """The case's in-work support in the order it was recorded; a former deliverer's own only."""
    scope = (await _readable(uow, principal, case_id)).scope
    return await repository.support_of(
        uow, case_id, recorded_by=scope.recorded_by, after=page.after, limit=page.limit + 1
    )

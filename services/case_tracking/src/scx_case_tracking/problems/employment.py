"""The employment area's problems (the rules behind them: `rules.employment`).

| slug | status | when |
| --- | --- | --- |
| `not-a-monday` | 422 | a week named by a day other than its Monday |
| `week-not-ended` | 422 | a week that has not ended yet: the current week (or a later one) |
| `week-before-job` | 422 | a week before the week the job started in |
| `week-after-job-end` | 422 | a week commencing after the job's end |
| `job-ends-before-reported-week` | 422 | a job end dated before a week already reported for it |
| `unknown-job` | 422 | in-work support for a job that is not one of the case's |
| `outside-job` | 422 | in-work support dated after the job's end |
| `job-already-ended` | 409 | ending a job that has ended |
| `job-started-after-exit` | 409 | after the case's exit, recording on a job that started after it |
| `too-many-revisions` | 409 | a week already corrected as often as an event can number |
| `invalid-cursor` | 400 | a cursor of a job's weeks that this service did not issue |

Also `date-in-future` and `date-too-early` (problems/__init__.py), `case-exited` (409: a new job or in-work support
after the exit), and `not-found` for a job that is not one of the case's.
"""

from __future__ import annotations

from datetime import date

from scx_case_tracking.models.employment import Job
from scx_servicekit import Problem

WEEK = "path.week_commencing"


def _week(slug: str, title: str, detail: str, message: str) -> Problem:
    return Problem(422, slug, title, detail, errors=[{"field": WEEK, "message": message}])


def not_a_monday(week: date) -> Problem:
    return _week(
        "not-a-monday", "A week is named by its Monday",
        f"{week} is a {week:%A}: name the week by the Monday it commences on.", "must be a Monday",
    )


def week_not_ended(week: date, latest: date) -> Problem:
    return _week(
        "week-not-ended", "The week has not ended",
        f"The week commencing {week} has not ended: a week is reported from the Monday after it, so the latest "
        f"week that can be reported today commenced on {latest}.",
        f"must not be after {latest}, the latest week that has ended",
    )


def week_before_job(week: date, job: Job, first_week: date) -> Problem:
    return _week(
        "week-before-job", "The week is before the job started",
        f"The week commencing {week} is before the week of the job's start ({job.started_on}, the week commencing "
        f"{first_week}).",
        f"must not be before {first_week}, the week the job started ({job.started_on})",
    )


def week_after_job_end(week: date, ended_on: date) -> Problem:
    return _week(
        "week-after-job-end", "The week is after the job ended",
        f"The week commencing {week} begins after the job ended on {ended_on}.",
        f"must not commence after the job's end ({ended_on})",
    )


def ends_before_reported_week(ended_on: date, last_week: date) -> Problem:
    return Problem(
        422, "job-ends-before-reported-week", "The job has hours reported after that date",
        f"ended_on is {ended_on}, but hours are reported for the week commencing {last_week}: correct the end date "
        "or those weeks first.",
        errors=[{"field": "body.ended_on", "message": f"must not be before {last_week}, a week already reported"}],
    )


def outside_job(given_on: date, ended_on: date) -> Problem:
    return Problem(
        422, "outside-job", "The job had ended by then",
        f"given_on is {given_on}, after the job ended on {ended_on}: in-work support is for a job the claimant is in.",
        errors=[{"field": "body.given_on", "message": f"must not be after the job's end ({ended_on})"}],
    )


def job_already_ended(job: Job) -> Problem:
    return Problem(
        409, "job-already-ended", "The job has already ended",
        f"Job {job.job_id} ended on {job.ended_on} ({job.end_reason}); a job ends once.",
    )


def job_started_after_exit(job: Job, exited_on: date) -> Problem:
    return Problem(
        409, "job-started-after-exit", "The job started after the exit",
        f"The case exited on {exited_on} and job {job.job_id} started on {job.started_on}: after an exit only the "
        "weeks and end of a job started on or before it are recorded.",
    )


def too_many_revisions(week: date, revisions: int) -> Problem:
    return Problem(
        409, "too-many-revisions", "The week has been corrected too often",
        f"The week commencing {week} has {revisions} revisions already, as many as can be recorded.",
    )


def unknown_job(job_id: str) -> Problem:
    return Problem(
        422, "unknown-job", "No such job on this case", f"Job {job_id} is not one of this case's jobs.",
        errors=[{"field": "body.job_id", "message": "not a job of this case"}],
    )


def invalid_cursor() -> Problem:
    return Problem(
        400, "invalid-cursor", "The cursor is not valid", "Use next_cursor from a previous page as it is.",
        errors=[{"field": "query.cursor", "message": "not a cursor this service issued"}],
    )

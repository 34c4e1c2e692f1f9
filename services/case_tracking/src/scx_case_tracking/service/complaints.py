"""Complaints and feedback: a claimant's complaint raised with the provider or with JCP, escalated up to the TPPM and
the DWP contract manager, answered and resolved, each step dated and timed; and the claimant's feedback.

Who does what at each level is in `rules.complaints` (its docstring is the table); the problems are in
`problems.complaints`. In short:

- **Raise**: with the provider, its advisers and managers (of the organisation delivering the case); with JCP, the
  referring district's referrers and TPPMs. **Feedback**: either of them.
- **See**: the complaint's parties only: DWP, the prime, the referring JCP district, and the provider complained
  about (which keeps it after a re-allocation: it is its complaint to answer). Anyone else: 404.
- **Answer, resolve**: the party holding it at its level. **Escalate**: that party, or the next level's.

A claimant may complain about a finished service, so complaints and feedback are recorded on exited and closed
cases too: these use cases read the case with `cases.case_to_read` (whose standing gives the 404) and check who may
record with the rules above, rather than `cases.case_to_act_on`, which refuses after the exit.

The words of a complaint, an answer or a note stay in this service's database; the events carry codes, dates and
day counts only.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from scx_case_tracking import access, problems
from scx_case_tracking.access import Standing
from scx_case_tracking.models.cases import Case
from scx_case_tracking.models.complaints import Complaint, ComplaintStep, Feedback
from scx_case_tracking.problems import complaints as complaint_problems
from scx_case_tracking.repository import cases as case_repository
from scx_case_tracking.repository import complaints as repository
from scx_case_tracking.repository.complaints import ComplaintFilter
from scx_case_tracking.rules import complaints as rules
from scx_case_tracking.rules.complaints import Parties
from scx_case_tracking.schemas.complaints import (
    AnswerComplaint,
    EscalateComplaint,
    GiveFeedback,
    RaiseComplaint,
    ResolveComplaint,
)
from scx_case_tracking.service.cases import case_to_read
from scx_case_tracking.service.journey import new_id, now, record, today
from scx_contracts.case_tracking import (
    ComplaintAnswered,
    ComplaintEscalated,
    ComplaintRaised,
    ComplaintResolved,
    FeedbackGiven,
)
from scx_contracts.registry import EventData
from scx_persistence import UnitOfWork
from scx_servicekit import Principal
from scx_servicekit.paging import PageRequest
from scx_servicekit.problems import not_found


def _not_in_future(field: str, value: date) -> None:
    if value > today():
        raise problems.date_in_future(field, value)


def _not_before(field: str, value: date, earliest: date, what: str) -> None:
    if value < earliest:
        raise problems.date_too_early(field, value, earliest, what)


def parties_of(complaint: Complaint) -> Parties:
    return Parties(prime_id=complaint.prime_id, referrer_id=complaint.referrer_id, provider_id=complaint.provider_id)


def held_by(complaint: Complaint) -> str:
    return rules.holder(complaint.level, parties_of(complaint)).describe()


def visible_to(principal: Principal) -> ComplaintFilter:
    """`rules.is_party` as a filter on the complaints table (for a caller whose role works with cases)."""
    if not access.reads_with_role(principal):
        raise access.role_may_not_read()
    if principal.kind == "dwp":
        return ComplaintFilter()
    if principal.kind == "jcp":
        return ComplaintFilter(referrer_id=principal.organisation_id)
    if principal.kind == "prime":
        return ComplaintFilter(prime_id=principal.organisation_id)
    return ComplaintFilter(provider_id=principal.organisation_id)


@dataclass(frozen=True)
class ComplaintView:
    complaint: Complaint
    steps: list[ComplaintStep]


# Reading


async def _visible_complaint(
    uow: UnitOfWork, principal: Principal, complaint_id: str, *, for_update: bool = False
) -> Complaint:
    complaint = await repository.get_complaint(uow, complaint_id, for_update=for_update)
    if complaint is None or not rules.is_party(principal, parties_of(complaint)):
        raise not_found("Complaint", complaint_id)
    if not access.reads_with_role(principal):
        raise access.role_may_not_read()
    return complaint


async def _view(uow: UnitOfWork, complaint: Complaint) -> ComplaintView:
    return ComplaintView(complaint, await repository.steps_of(uow, complaint.complaint_id))


async def get_complaint(uow: UnitOfWork, principal: Principal, *, complaint_id: str) -> ComplaintView:
    """The complaint with its steps, to its parties."""
    return await _view(uow, await _visible_complaint(uow, principal, complaint_id))


async def list_complaints(
    uow: UnitOfWork, principal: Principal, *, wanted: ComplaintFilter, page: PageRequest
) -> list[Complaint]:
    """The complaints the caller is party to, narrowed by `wanted` (never widened); `page.limit + 1` rows."""
    where = visible_to(principal).narrowed_by(wanted)
    if where is None:
        return []
    return await repository.list_complaints(uow, where, after=page.after, limit=page.limit + 1)


async def complaints_of_case(
    uow: UnitOfWork, principal: Principal, *, case_id: str, page: PageRequest
) -> list[Complaint]:
    """The case's complaints the caller is party to (404 when it has no standing on the case at all)."""
    await case_to_read(uow, principal, case_id)
    return await list_complaints(uow, principal, wanted=ComplaintFilter(case_id=case_id), page=page)


# The steps


async def _step(
    uow: UnitOfWork, principal: Principal, complaint: Complaint, *, kind: str, on: date, previous_on: date,
    data: EventData, note: str | None = None, outcome: str | None = None,
) -> None:
    """Record the step's event (through the case's journey) and the step itself, timed."""
    case = await case_repository.get_case(uow, complaint.case_id)
    if case is None:  # a complaint is only ever raised on a case, and cases are never deleted
        raise not_found("Case", complaint.case_id)
    envelope = await record(uow, principal, case, data, occurred_on=on)
    await repository.add_step(uow, ComplaintStep(
        complaint_id=complaint.complaint_id,
        sequence=await repository.last_step_number(uow, complaint.complaint_id) + 1,
        kind=kind, level=complaint.level, occurred_on=on,
        days_since_previous=rules.days_between(previous_on, on),
        days_since_raised=rules.days_between(complaint.raised_on, on),
        outcome=outcome, note=note, event_id=str(envelope.event_id), recorded_by=principal.organisation_id,
        user=principal.user, recorded_at=envelope.recorded_at,
    ))


def _last_step(complaint: Complaint) -> tuple[date, str]:
    """The date of the complaint's latest step, and what it was, for the next step's checks."""
    if complaint.answered_on is not None:
        return complaint.answered_on, f"its answer at the {complaint.level} level"
    if complaint.escalations:
        return complaint.level_since, f"its escalation to the {complaint.level} level"
    return complaint.raised_on, "its raising"


async def raise_complaint(
    uow: UnitOfWork, principal: Principal, *, case_id: str, command: RaiseComplaint
) -> ComplaintView:
    """Record the claimant's complaint, raised with the provider or with JCP; also after the case exits."""
    case = (await case_to_read(uow, principal, case_id)).case
    if not rules.may_raise(principal, command.raised_with, delivering_organisation_id=case.delivering_organisation_id,
                           referrer_id=case.referrer_id):
        # Names nobody: a former deliverer must not learn who delivers the case now.
        raise complaint_problems.not_party(
            "A complaint raised with the provider is recorded by advisers and managers of the organisation "
            "delivering the case."
            if command.raised_with == "provider" else
            "A complaint raised with JCP is recorded by referrers and TPPMs of the district that referred the "
            "claimant."
        )
    _not_in_future("raised_on", command.raised_on)
    _not_before("raised_on", command.raised_on, case.referral_date, "the referral")
    at = now()
    complaint = Complaint(
        complaint_id=new_id(), case_id=case.case_id, prime_id=case.prime_id, referrer_id=case.referrer_id,
        provider_id=case.delivering_organisation_id, raised_with=command.raised_with, category=command.category,
        raised_on=command.raised_on, words=command.words, status="open", level=rules.first_level(command.raised_with),
        level_since=command.raised_on, recorded_by=principal.organisation_id, recorded_at=at, updated_at=at,
    )
    await repository.add_complaint(uow, complaint)
    raised = ComplaintRaised(
        complaint_id=complaint.complaint_id, case_id=case.case_id, raised_with=command.raised_with,
        category=command.category, raised_on=command.raised_on, provider_id=complaint.provider_id,
    )
    await _step(uow, principal, complaint, kind="raised", on=command.raised_on, previous_on=command.raised_on,
                data=raised)
    return await _view(uow, complaint)


async def _open_complaint(uow: UnitOfWork, principal: Principal, complaint_id: str) -> Complaint:
    complaint = await _visible_complaint(uow, principal, complaint_id, for_update=True)
    if complaint.status == "resolved":
        raise complaint_problems.complaint_resolved(complaint.complaint_id, complaint.resolved_on)
    return complaint


async def escalate_complaint(
    uow: UnitOfWork, principal: Principal, *, complaint_id: str, command: EscalateComplaint
) -> ComplaintView:
    """Pass the complaint to the next level: provider → the district's TPPM → the DWP contract manager."""
    complaint = await _open_complaint(uow, principal, complaint_id)
    parties = parties_of(complaint)
    above = rules.next_level(complaint.level)
    if not rules.may_escalate(principal, complaint.level, parties):
        taken_by = rules.holder(above, parties).describe() if above else None
        raise complaint_problems.not_escalator(complaint.level, held_by(complaint), above, taken_by)
    if above is None:
        raise complaint_problems.no_higher_level()
    if command.level != above:
        raise complaint_problems.out_of_order(complaint.level, command.level, above)
    last_on, last_what = _last_step(complaint)
    _not_in_future("escalated_on", command.escalated_on)
    _not_before("escalated_on", command.escalated_on, last_on, last_what)
    escalated = replace(
        complaint, status="open", level=above, level_since=command.escalated_on,
        escalations=complaint.escalations + 1, answered_on=None, days_to_answer=None, updated_at=now(),
    )
    await repository.update_complaint(uow, escalated)
    data = ComplaintEscalated(
        complaint_id=complaint.complaint_id, case_id=complaint.case_id, level=command.level,
        escalated_on=command.escalated_on,
    )
    await _step(uow, principal, escalated, kind="escalated", on=command.escalated_on, previous_on=last_on,
                note=command.note, data=data)
    return await _view(uow, escalated)


async def answer_complaint(
    uow: UnitOfWork, principal: Principal, *, complaint_id: str, command: AnswerComplaint
) -> ComplaintView:
    """The party holding the complaint answers the complainant, once at each level."""
    complaint = await _open_complaint(uow, principal, complaint_id)
    if not rules.holds(principal, complaint.level, parties_of(complaint)):
        raise complaint_problems.not_holder("answer", complaint.level, held_by(complaint))
    if complaint.answered_on is not None:
        raise complaint_problems.already_answered(complaint.level, complaint.answered_on)
    last_on, last_what = _last_step(complaint)
    _not_in_future("answered_on", command.answered_on)
    _not_before("answered_on", command.answered_on, last_on, last_what)
    days = rules.days_between(complaint.level_since, command.answered_on)
    answered = replace(
        complaint, status="answered", answered_on=command.answered_on, days_to_answer=days, updated_at=now()
    )
    await repository.update_complaint(uow, answered)
    data = ComplaintAnswered(
        complaint_id=complaint.complaint_id, case_id=complaint.case_id, answered_on=command.answered_on,
        days_to_answer=days,
    )
    await _step(uow, principal, answered, kind="answered", on=command.answered_on, previous_on=last_on,
                note=command.answer, data=data)
    return await _view(uow, answered)


async def resolve_complaint(
    uow: UnitOfWork, principal: Principal, *, complaint_id: str, command: ResolveComplaint
) -> ComplaintView:
    """The party holding the complaint closes it with a coded outcome; nothing is recorded on it after."""
    complaint = await _open_complaint(uow, principal, complaint_id)
    if not rules.holds(principal, complaint.level, parties_of(complaint)):
        raise complaint_problems.not_holder("resolve", complaint.level, held_by(complaint))
    last_on, last_what = _last_step(complaint)
    _not_in_future("resolved_on", command.resolved_on)
    _not_before("resolved_on", command.resolved_on, last_on, last_what)
    days = rules.days_between(complaint.raised_on, command.resolved_on)
    resolved = replace(
        complaint, status="resolved", outcome=command.outcome, resolved_on=command.resolved_on, days_open=days,
        updated_at=now(),
    )
    await repository.update_complaint(uow, resolved)
    data = ComplaintResolved(
        complaint_id=complaint.complaint_id, case_id=complaint.case_id, outcome=command.outcome,
        resolved_on=command.resolved_on, days_open=days,
    )
    await _step(uow, principal, resolved, kind="resolved", on=command.resolved_on, previous_on=last_on,
                note=command.note, outcome=command.outcome, data=data)
    return await _view(uow, resolved)


# Feedback


async def give_feedback(uow: UnitOfWork, principal: Principal, *, case_id: str, command: GiveFeedback) -> Feedback:
    """Record the claimant's feedback (a score and coded topics) on the service of the organisation delivering."""
    case: Case = (await case_to_read(uow, principal, case_id)).case
    if not rules.may_give_feedback(
        principal, delivering_organisation_id=case.delivering_organisation_id, referrer_id=case.referrer_id
    ):
        raise complaint_problems.not_party(
            "Feedback is recorded by advisers and managers of the organisation delivering the case, or by the "
            "referrers and TPPMs of the district that referred the claimant."
        )
    _not_in_future("given_on", command.given_on)
    _not_before("given_on", command.given_on, case.started_on, "the start")
    given = Feedback(
        feedback_id=new_id(), case_id=case.case_id, provider_id=case.delivering_organisation_id, score=command.score,
        topics=list(command.topics), given_on=command.given_on, recorded_by=principal.organisation_id,
        recorded_at=now(),
    )
    await repository.add_feedback(uow, given)
    await record(uow, principal, case, FeedbackGiven(
        feedback_id=given.feedback_id, case_id=case.case_id, score=command.score, topics=command.topics,
        given_on=command.given_on, provider_id=given.provider_id,
    ), occurred_on=command.given_on)
    return given


async def feedback_of_case(uow: UnitOfWork, principal: Principal, *, case_id: str, page: PageRequest) -> list[Feedback]:
    """The case's feedback: all of it for those who read the case and for the referring district (TPPMs monitor
    client feedback); a former deliverer's own records only."""
    readable = await case_to_read(uow, principal, case_id)
    recorded_by = readable.scope.recorded_by if readable.scope.standing is Standing.FORMER_DELIVERER else None
    return await repository.feedback_of(uow, case_id, recorded_by=recorded_by, after=page.after, limit=page.limit + 1)

"""Use cases of the progress area: the traffic light, the action plan, the activities delivered, and the exit.

Only advisers and managers of the organisation delivering the case record them (`cases.case_to_act_on`), and not
after the exit. Whoever reads the whole case reads them all; a former deliverer reads the rows it recorded; the
referring JCP district reads the case's summary instead. Every date is of something that has happened: not after
today, and not before the start or the day the case passed to the organisation recording it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from scx_case_tracking import problems
from scx_case_tracking.access import Standing
from scx_case_tracking.models.cases import Case
from scx_case_tracking.models.progress import ActionPlan, Activity, Classification, Exit
from scx_case_tracking.problems import progress as progress_problems
from scx_case_tracking.repository import cases as case_repository
from scx_case_tracking.repository import employment as employment_repository
from scx_case_tracking.repository import progress as repository
from scx_case_tracking.rules import progress as rules
from scx_case_tracking.schemas.progress import AgreeActionPlan, ClassifyCase, ExitCase, RecordActivity
from scx_case_tracking.service.cases import case_to_act_on, case_to_read, earliest_record_date
from scx_case_tracking.service.journey import new_id, now, record, today
from scx_contracts.case_tracking import CaseActionPlanAgreed, CaseActivityDelivered, CaseClassified, CaseExited
from scx_persistence import UnitOfWork
from scx_registry import repository as registry
from scx_servicekit import Principal
from scx_servicekit.auth import forbidden
from scx_servicekit.paging import PageRequest
from scx_servicekit.problems import not_found

# Dates


async def _check_date(uow: UnitOfWork, case: Case, field: str, value: date) -> None:
    if value > today():
        raise problems.date_in_future(field, value)
    earliest, what = await earliest_record_date(uow, case)
    if value < earliest:
        raise problems.date_too_early(field, value, earliest, what)


async def _recorded_by(uow: UnitOfWork, principal: Principal, case_id: str) -> str | None:
    """Whose rows of the case the caller reads: None for all of them, or a former deliverer's own."""
    readable = await case_to_read(uow, principal, case_id)
    if readable.scope.standing is Standing.REFERRER:
        raise forbidden("The referring JCP district sees this case's summary and its fail-to-attend notices.")
    return readable.scope.recorded_by


# Traffic light


async def classify_case(
    uow: UnitOfWork, principal: Principal, *, case_id: str, command: ClassifyCase
) -> Classification:
    """The adviser classifies the claimant's job-readiness; it becomes the case's current traffic light."""
    case = await case_to_act_on(uow, principal, case_id)
    await _check_date(uow, case, "classified_on", command.classified_on)
    if case.classified_on is not None and command.classified_on < case.classified_on:
        raise problems.date_too_early(
            "classified_on", command.classified_on, case.classified_on, "the current classification"
        )
    classification = Classification(
        classification_id=new_id(), case_id=case.case_id, traffic_light=command.traffic_light, score=command.score,
        reason=command.reason, classified_on=command.classified_on, recorded_by=principal.organisation_id,
        recorded_by_user=principal.user, recorded_at=now(),
    )
    await repository.add_classification(uow, classification)
    classified = replace(
        case, traffic_light=command.traffic_light, traffic_light_score=command.score,
        classified_on=command.classified_on, updated_at=now(),
    )
    columns = ("traffic_light", "traffic_light_score", "classified_on")
    await case_repository.update_case(uow, classified, columns=columns)
    await record(uow, principal, classified, CaseClassified(
        case_id=case.case_id, traffic_light=command.traffic_light, score=command.score, reason=command.reason,
        classified_on=command.classified_on, delivering_organisation_id=case.delivering_organisation_id,
    ), occurred_on=command.classified_on)
    return classification


async def classifications(
    uow: UnitOfWork, principal: Principal, *, case_id: str, page: PageRequest
) -> list[Classification]:
    """Every classification of the case, oldest first (a former deliverer's own)."""
    recorded_by = await _recorded_by(uow, principal, case_id)
    return await repository.classifications_of(
        uow, case_id, recorded_by=recorded_by, after=page.after, limit=page.limit + 1
    )


# Action plan


async def agree_action_plan(
    uow: UnitOfWork, principal: Principal, *, case_id: str, command: AgreeActionPlan
) -> ActionPlan:
    """The adviser and claimant agree an action plan; it supersedes the current one. The first plan agreed is the
    one the assessment clock counts (with the needs assessment), so the case keeps its date."""
    case = await case_to_act_on(uow, principal, case_id)
    await _check_date(uow, case, "agreed_on", command.agreed_on)
    current = await repository.current_action_plan(uow, case.case_id)
    if current is not None and command.agreed_on < current.agreed_on:
        raise problems.date_too_early("agreed_on", command.agreed_on, current.agreed_on, "the current action plan")
    plan = ActionPlan(
        action_plan_id=new_id(), case_id=case.case_id, agreed_on=command.agreed_on, goals=list(command.goals),
        recorded_by=principal.organisation_id, recorded_by_user=principal.user, recorded_at=now(),
    )
    if current is not None:
        await repository.supersede_action_plan(uow, replace(current, superseded_by=plan.action_plan_id))
    await repository.add_action_plan(uow, plan)
    if case.action_plan_agreed_on is None:
        case = replace(case, action_plan_agreed_on=command.agreed_on, updated_at=now())
        await case_repository.update_case(uow, case, columns=("action_plan_agreed_on",))
    await record(uow, principal, case, CaseActionPlanAgreed(
        case_id=case.case_id, action_plan_id=plan.action_plan_id, agreed_on=command.agreed_on, goals=command.goals,
        delivering_organisation_id=case.delivering_organisation_id,
    ), occurred_on=command.agreed_on)
    return plan


async def action_plans(uow: UnitOfWork, principal: Principal, *, case_id: str, page: PageRequest) -> list[ActionPlan]:
    """Every action plan of the case, oldest first, the superseded ones too (a former deliverer's own)."""
    recorded_by = await _recorded_by(uow, principal, case_id)
    return await repository.action_plans_of(uow, case_id, recorded_by=recorded_by, after=page.after,
                                            limit=page.limit + 1)


# Activities


@dataclass(frozen=True)
class DeliveredBy:
    organisation_id: str
    subcontract_id: str | None = None
    service: str | None = None


async def _delivered_by(uow: UnitOfWork, case: Case, command: RecordActivity) -> DeliveredBy:
    """The delivering organisation itself, or a specialist partner under a live specialist subcontract of the case's
    prime on the case's contract that offers the service; or a 422 saying why not."""
    organisation_id = command.delivered_by or case.delivering_organisation_id
    # A case delivered by a specialist partner is delivered per service: its own activities name them too.
    if organisation_id == case.delivering_organisation_id and case.supply_chain_model != "specialist":
        if command.subcontract_id is not None:
            raise progress_problems.service_not_applicable("subcontract_id", organisation_id)
        if command.service is not None:
            raise progress_problems.service_not_applicable("service", organisation_id)
        return DeliveredBy(organisation_id)
    candidates = await registry.subcontracts_between(
        uow, contract_id=case.contract_id, prime_id=case.prime_id, partner_id=organisation_id
    )
    found = rules.specialist_delivery(
        organisation_id, candidates, on=command.delivered_on, service=command.service,
        subcontract_id=command.subcontract_id,
    )
    if isinstance(found, rules.Refusal):
        raise progress_problems.refused(found)
    return DeliveredBy(organisation_id, found.subcontract_id, command.service)


async def record_activity(uow: UnitOfWork, principal: Principal, *, case_id: str, command: RecordActivity) -> Activity:
    """An activity delivered to the claimant: its minutes add to the case's contact time."""
    case = await case_to_act_on(uow, principal, case_id)
    await _check_date(uow, case, "delivered_on", command.delivered_on)
    by = await _delivered_by(uow, case, command)
    activity = Activity(
        activity_id=new_id(), case_id=case.case_id, activity=command.activity, delivered_on=command.delivered_on,
        minutes=command.minutes, delivered_by=by.organisation_id, subcontract_id=by.subcontract_id,
        service=by.service, recorded_by=principal.organisation_id, recorded_by_user=principal.user,
        recorded_at=now(),
    )
    await repository.add_activity(uow, activity)
    last = case.last_contact_on
    contacted = replace(
        case, contact_minutes=case.contact_minutes + command.minutes,
        last_contact_on=command.delivered_on if last is None else max(last, command.delivered_on), updated_at=now(),
    )
    await case_repository.update_case(uow, contacted, columns=("contact_minutes", "last_contact_on"))
    await record(uow, principal, contacted, CaseActivityDelivered(
        case_id=case.case_id, activity_id=activity.activity_id, activity=command.activity,
        delivered_on=command.delivered_on, minutes=command.minutes, delivered_by=by.organisation_id,
        subcontract_id=by.subcontract_id, service=by.service,
    ), occurred_on=command.delivered_on)
    return activity


@dataclass(frozen=True)
class Activities:
    rows: list[Activity]
    minutes_by_activity: dict[str, int]


async def activities(uow: UnitOfWork, principal: Principal, *, case_id: str, page: PageRequest) -> Activities:
    """The case's activities, oldest first, and its contact time per activity kind (a former deliverer's own)."""
    recorded_by = await _recorded_by(uow, principal, case_id)
    rows = await repository.activities_of(uow, case_id, recorded_by=recorded_by, after=page.after,
                                          limit=page.limit + 1)
    totals = await repository.contact_minutes_by_activity(uow, case_id, recorded_by=recorded_by)
    return Activities(rows, totals)


# Exit


async def exit_case(uow: UnitOfWork, principal: Principal, *, case_id: str, command: ExitCase) -> Exit:
    """The claimant leaves the programme. Nothing more is recorded on the case after it but the weeks of a job
    already started; the exit is not dated before anything already recorded on it."""
    case = await case_to_act_on(uow, principal, case_id)
    await _check_date(uow, case, "exited_on", command.exited_on)
    plan = await repository.current_action_plan(uow, case.case_id)
    recorded = [
        (case.last_contact_on, "the last contact"),
        (case.classified_on, "the current classification"),
        (plan.agreed_on if plan else None, "the current action plan"),
        (case.needs_assessed_on, "the needs assessment"),
        (case.first_met_on, "the first meeting"),
        # a job's weeks after the exit are still recorded, but only of a job started by then
        (await employment_repository.latest_job_start(uow, case.case_id), "the latest job start"),
    ]
    for on, what in recorded:
        if on is not None and command.exited_on < on:
            raise problems.date_too_early("exited_on", command.exited_on, on, what)
    exit_ = Exit(
        case_id=case.case_id, kind=command.kind, reason=command.reason, exited_on=command.exited_on,
        recorded_by=principal.organisation_id, recorded_by_user=principal.user, recorded_at=now(),
    )
    await repository.add_exit(uow, exit_)
    exited = replace(case, status="exited", exited_on=command.exited_on, exit_kind=command.kind, updated_at=now())
    await case_repository.update_case(uow, exited, columns=("status", "exited_on", "exit_kind"))
    await record(uow, principal, exited, CaseExited(
        case_id=case.case_id, kind=command.kind, reason=command.reason, exited_on=command.exited_on,
        delivering_organisation_id=case.delivering_organisation_id,
    ), occurred_on=command.exited_on)
    return exit_


async def get_exit(uow: UnitOfWork, principal: Principal, *, case_id: str) -> Exit:
    """How the claimant left the programme; 404 until they have (or, for a former deliverer, unless it recorded
    the exit)."""
    recorded_by = await _recorded_by(uow, principal, case_id)
    exit_ = await repository.get_exit(uow, case_id)
    if exit_ is None or recorded_by not in (None, exit_.recorded_by):
        raise not_found("Exit of case", case_id)
    return exit_

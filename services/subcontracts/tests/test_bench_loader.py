"""`scx bench-figures` loads a national year straight into the history's tables, computing the rows itself (a library
may not import this service). Here a small year from its generator is told to the running app as the referral
service, case tracking and claims would publish it, and every row of every history table the projection made is
compared with what the bench's loader writes for the same journeys into a database of its own.

The registry goes into both databases as the loader's rows, not through the API: the projection reads nothing of
it (its handlers read and write only the history's tables), the API would give the contracts and subcontracts ids of
its own that the generated journeys do not carry, and this way the loader's registry rows are checked too, read back
through the API and row for row against the same rows written by SQLAlchemy.
"""

from __future__ import annotations

import json
import random
import shutil
from collections import Counter
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import uuid_utils
from sqlalchemy import Table, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from scx_cli.bench_figures import loader, projection
from scx_cli.bench_figures.flowdown import TABLES as FLOWDOWN_TABLES
from scx_cli.bench_figures.flowdown import FlowDown, candidates, flow_down, terms_of
from scx_cli.bench_figures.flows import TABLES as FLOW_TABLES
from scx_cli.bench_figures.ids import moment
from scx_cli.bench_figures.journeys import JourneyPlan, NationalYear, Step, YearOptions, national_year
from scx_cli.bench_figures.returns import Returns, weekly_returns
from scx_contracts import Actor, Envelope
from scx_contracts.case_tracking import (
    AppointmentAttended,
    CaseActionPlanAgreed,
    CaseActivityDelivered,
    CaseExited,
    CaseFailedToAttend,
    JobStarted,
)
from scx_contracts.claims import ClaimRejected, ClaimSubmitted, PartnerOwed, PartnerPaid
from scx_contracts.referral import (
    ReferralAllocated,
    ReferralReallocated,
    ReferralReceived,
    ReferralRejected,
    ReferralStarted,
    ReferralWithdrawn,
)
from scx_contracts.registry import EventData
from scx_contracts.subcontracts import SubcontractTerms
from scx_contracts.weekly_stats import WEEKLY_FIGURES
from scx_messaging import LocalNatsServer
from scx_persistence import create_engine
from scx_servicekit.events import make_event
from scx_subcontracts.models import history, metadata
from scx_subcontracts.rules.registry import check_share_of_targets, check_terms, check_within_contract
from scx_testing.claim_events import ClaimEvents
from scx_testing.journeys import Referral, ReferralEvents, actor
from scx_testing.plugin import MigratedDatabase

from .builders import ALEMBIC_INI, DWP, collect
from .history_builders import History, running_history

YEAR = YearOptions(referrals=300, seed=2, end=date(2026, 11, 30))
# The history's tables, and those kept beside it where the schema has them (referral flows, supply-chain health)
BESIDE = tuple(metadata.tables[t] for t in (*FLOW_TABLES, *FLOWDOWN_TABLES) if t in metadata.tables)
HISTORY = (history.journeys, history.occurrences, history.monthly_tallies, history.cohort_tallies,
           history.delay_tallies, *BESIDE)
Rows = dict[str, Counter[tuple[Any, ...]]]


class DatedReferralEvents(ReferralEvents):
    """The referral service's publisher, its envelopes dated when the event happened: the projection dates a
    rejection by the envelope's `occurred_at` (the event carries no date of its own)."""

    async def publish_on(self, data: EventData, referral: Referral, by: Actor, on: date) -> Envelope:
        envelope = make_event(data, producer="referral", actor=by, journey_id=referral.referral_id,
                              claimant_ref=referral.claimant_ref, occurred_at=moment(on))
        await self.bus.publish(envelope.subject, envelope.model_dump_json().encode(), msg_id=envelope.event_id)
        self.published.append(envelope)
        return envelope


async def publish(history: History, year: NationalYear, plan: JourneyPlan) -> JourneyPlan:
    """Every event of the journey, in order; the plan again, its steps under the published events' ids."""
    referrals = DatedReferralEvents(history.referrals.bus)
    referrals.published = history.referrals.published  # so that `synced()` waits for these too
    referral = Referral(referral_id=plan.referral_id, contract_id=plan.contract_id, prime_id=plan.prime_id,
                        referrer_id=plan.referrer_id, claimant_ref=plan.claimant_ref)
    services = {a.subcontract_id: a.service for p in year.registry.plans for a in p.specialists}
    ids = {"referral_id": plan.referral_id, "contract_id": plan.contract_id, "prime_id": plan.prime_id}
    case = {"case_id": plan.referral_id}
    prime = actor(plan.prime_id, "prime", "manager")
    allocation: tuple[str, str | None] | None = None
    published = []
    for step in plan.steps:
        envelope: Envelope
        if step.kind == "received":
            envelope = await referrals.publish_on(ReferralReceived(
                **ids, referrer_id=plan.referrer_id, benefit_type=plan.benefit_type,
                payment_group=plan.payment_group, mandatory=plan.mandatory, needs=list(plan.needs),
                postcode_district=plan.postcode_district, referral_date=step.on,
            ), referral, actor(plan.referrer_id, "jcp", "referrer"), step.on)
        elif step.kind == "rejected":
            envelope = await referrals.publish_on(ReferralRejected(**ids, reason=step.detail), referral, prime, step.on)
        elif step.kind == "started":
            envelope = await referrals.publish_on(ReferralStarted(**ids, started_on=step.on), referral, prime, step.on)
        elif step.kind in ("allocated", "reallocated"):
            data, allocation = _allocation(ids, step, allocation)
            envelope = await referrals.publish_on(data, referral, prime, step.on)
        elif step.kind == "withdrawn":
            envelope = await referrals.publish_on(ReferralWithdrawn(**ids, reason=step.detail, withdrawn_on=step.on),
                                                  referral, prime, step.on)
        elif step.kind in CASE_EVENTS:
            envelope = await history.cases.publish(CASE_EVENTS[step.kind](case, plan, step, services), referral,
                                                   actor(step.by or plan.prime_id, "prime", "manager"))
        elif step.kind == "claim_submitted":
            envelope = await history.claims.publish(ClaimSubmitted(
                claim_id=step.claim_id, **case, contract_id=plan.contract_id, prime_id=plan.prime_id,
                kind=step.detail, sequence=step.number, amount_pence=120_000, tariff_model="pathways-30-50-20",
                tariff_version=1, payable_from=step.on, evidence_ids=[_id()], submitted_on=step.on,
            ), referral, plan.prime_id)
        else:
            assert step.kind == "claim_rejected", step.kind
            envelope = await history.claims.publish(ClaimRejected(
                claim_id=step.claim_id, **case, contract_id=plan.contract_id, prime_id=plan.prime_id,
                stage="pre_payment", reason=step.detail, rejected_on=step.on,
            ), referral, "dwp")
        published.append(step._replace(event_id=str(envelope.event_id)))
    return replace(plan, steps=published)


class DatedClaimEvents(ClaimEvents):
    """The claims service's publisher, its envelopes dated: supply-chain health dates a line owed by the envelope's
    `occurred_at` (the day the flow-down owed it)."""

    async def publish_on(self, data: EventData, case: Referral | None, by: str, on: date) -> Envelope:
        envelope = make_event(data, producer="claims", actor=actor(by, "prime", "manager"),
                              journey_id=case.referral_id if case else None,
                              claimant_ref=case.claimant_ref if case else None, occurred_at=moment(on))
        await self.bus.publish(envelope.subject, envelope.model_dump_json().encode(), msg_id=envelope.event_id)
        self.published.append(envelope)
        return envelope


async def publish_flow_down(history: History, flow: FlowDown) -> None:
    claims = DatedClaimEvents(history.claims.bus)
    claims.published = history.claims.published  # so that `synced()` waits for these too
    for o in flow.owed:
        case = Referral(referral_id=o.case_id, contract_id=o.contract_id, prime_id=o.prime_id, referrer_id="jcp",
                        claimant_ref="clm_" + "0" * 32)
        await claims.publish_on(PartnerOwed(
            owed_id=o.owed_id, run_id=o.run_id, prime_id=o.prime_id, partner_id=o.partner_id,
            subcontract_id=o.subcontract_id, case_id=o.case_id, basis=o.basis, amount_pence=o.amount_pence,
            due_on=o.due_on,
        ), case, o.prime_id, o.owed_on)
    for p in flow.paid:
        await claims.publish_on(PartnerPaid(
            payment_id=p.payment_id, prime_id=p.prime_id, partner_id=p.partner_id, amount_pence=p.amount_pence,
            paid_on=p.paid_on, owed_ids=list(p.owed_ids),
        ), None, p.prime_id, p.paid_on)


def _id() -> str:
    return str(uuid_utils.uuid7())


def _allocation(
    ids: dict[str, Any], step: Step, previous: tuple[str, str | None] | None,
) -> tuple[EventData, tuple[str, str | None]]:
    allocation_id = _id()
    common: dict[str, Any] = {
        **ids, "allocation_id": allocation_id, "delivery": "partner" if step.by else "in_house",
        "partner_id": step.by, "subcontract_id": step.subcontract_id, "supply_chain_model": step.detail,
        "allocated_on": step.on,
    }
    if previous is None:
        return ReferralAllocated(**common), (allocation_id, step.by)
    return ReferralReallocated(**common, previous_allocation_id=previous[0], previous_partner_id=previous[1],
                               reason="client_needs_changed"), (allocation_id, step.by)


CASE_EVENTS: dict[str, Any] = {
    "attended": lambda case, plan, step, _: AppointmentAttended(
        **case, appointment_id=_id(), kind=step.detail, wfi_number=step.number if step.detail == "wfi" else None,
        attended_on=step.on, minutes=45, delivering_organisation_id=step.by),
    "failed_to_attend": lambda case, plan, step, _: CaseFailedToAttend(
        **case, appointment_id=_id(), notice_id=_id(), kind="wfi", mandatory=True, referrer_id=plan.referrer_id,
        missed_on=step.on, notified_on=step.on, delivering_organisation_id=step.by),
    "action_plan": lambda case, plan, step, _: CaseActionPlanAgreed(
        **case, action_plan_id=_id(), agreed_on=step.on, goals=["find_work"], delivering_organisation_id=step.by),
    "activity": lambda case, plan, step, services: CaseActivityDelivered(
        **case, activity_id=_id(), activity=step.detail, delivered_on=step.on, minutes=60, delivered_by=step.by,
        subcontract_id=step.subcontract_id, service=services.get(step.subcontract_id)),
    "job_started": lambda case, plan, step, _: JobStarted(
        **case, job_id=_id(), started_on=step.on, employment_type="employed", expected_hours_per_week=Decimal(20),
        employer_ref="EMP-0001", delivering_organisation_id=step.by),
    "exited": lambda case, plan, step, _: CaseExited(
        **case, kind=step.detail, reason="declined" if step.detail == "early_exit" else None, exited_on=step.on,
        delivering_organisation_id=step.by),
}


# Reading and comparing


def _row(values: Any) -> tuple[Any, ...]:
    return tuple(json.dumps(v, sort_keys=True) if isinstance(v, dict | list) else v for v in values)


async def read(engine: AsyncEngine, tables: tuple[Table, ...]) -> Rows:
    async with engine.connect() as conn:
        return {t.name: Counter(_row(r) for r in (await conn.execute(select(t))).all()) for t in tables}


async def read_file(path: Path, tables: tuple[Table, ...]) -> Rows:
    engine = create_engine(loader.database_url(path))
    try:
        return await read(engine, tables)
    finally:
        await engine.dispose()


def differences(projected: Rows, loaded: Rows) -> dict[str, dict[str, list[tuple[Any, ...]]]]:
    """By table: the rows only the projection made, and those only the loader wrote (a few of each)."""
    found = {}
    for table in projected:
        only_projected = sorted((projected[table] - loaded[table]).elements(), key=str)
        only_loaded = sorted((loaded[table] - projected[table]).elements(), key=str)
        if only_projected or only_loaded:
            found[table] = {"projection only": only_projected[:5], "loader only": only_loaded[:5]}
    return found


async def write_rows(url: str, tables: dict[str, list[dict[str, Any]]]) -> None:
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            for table, rows in tables.items():
                await conn.execute(insert(metadata.tables[table]), rows)
    finally:
        await engine.dispose()


async def check_the_returns_reconcile_as_made(
    stack: History, url: str, year: NationalYear, told: list[JourneyPlan],
) -> Returns:
    """The bench's returns, written beside the history the projection made, reconcile as the generator meant them
    to: a return made to agree with the history's figures for its week agrees, one made to differ differs."""
    figures = projection.Figures()
    for plan in told:
        figures.apply(plan)
    made = weekly_returns(YEAR.seed, year.registry, figures.weekly, year.end)
    await write_rows(url, made.rows())
    latest = {v["return_id"]: v for v in made.versions}  # versions in order: the last one is the latest
    meant = {}
    for r in made.returns:
        derived = {f: figures.weekly.get((r["subcontract_id"], r["iso_week"], f), 0) for f in WEEKLY_FIGURES}
        posted = {f: latest[r["return_id"]][f] for f in WEEKLY_FIGURES}
        meant[r["return_id"]] = ("agrees" if posted == derived else "differs", any(derived.values()))
    busy = [r for r, (status, counted) in meant.items() if counted and status == "agrees"]
    differing = [r for r, (status, _) in meant.items() if status == "differs"]
    assert len(busy) >= 10 and len(differing) >= 10, (len(busy), len(differing))
    for return_id in random.Random(0).sample(busy, 10) + random.Random(0).sample(differing, 10):
        response = await stack.client.get(f"/weekly-returns/{return_id}/reconciliation", headers=DWP)
        assert response.status_code == 200, response.text
        assert response.json()["status"] == meant[return_id][0], response.json()
    return made


def check_the_plan_is_valid(year: NationalYear) -> None:
    """What the registry's use cases would have refused, the generator must not make."""
    contracts = {c["contract_id"]: c for c in year.registry.contracts}
    shares: dict[str, list[int]] = {}
    for row in year.registry.subcontracts:
        terms = SubcontractTerms.model_validate(row["terms"])
        contract = contracts[row["contract_id"]]
        assert not check_terms(row["model"], terms), row
        assert not check_within_contract(terms, contract["start_date"], contract["end_date"]), row
        if row["model"] == "end_to_end" and row["status"] == "live":
            assert not check_share_of_targets(shares.setdefault(row["contract_id"], []),
                                              terms.share_of_targets_percent), row
            shares[row["contract_id"]].append(terms.share_of_targets_percent or 0)


def check_the_sample_covers_every_path(plans: list[JourneyPlan], loaded: Rows) -> None:
    """The comparison is only as good as the journeys told: each path of the projection is taken at least once."""
    kinds = Counter(s.kind for p in plans for s in p.steps)
    assert set(kinds) == {"received", "rejected", "started", "allocated", "reallocated", "withdrawn", "attended",
                          "failed_to_attend", "action_plan", "activity", "job_started", "exited", "claim_submitted",
                          "claim_rejected"}, kinds
    steps = [s for p in plans for s in p.steps]
    assert any(s.kind == "allocated" and s.detail == "sla" for s in steps)
    assert any(s.kind == "allocated" and s.by is None for s in steps)
    assert any(s.kind == "activity" and s.subcontract_id for s in steps)
    assert any(s.kind == "claim_submitted" and s.detail == "sustained_job_outcome" for s in steps)
    assert any(_claimed_again(p) for p in plans)
    for table in ("history_monthly_tallies", "history_cohort_tallies", "history_delay_tallies"):
        assert any(row[-1] == 0 for row in loaded[table]), f"no row of {table} fell back to 0"
    for beside in BESIDE:
        assert loaded[beside.name], f"nothing in {beside.name}"


def _claimed_again(plan: JourneyPlan) -> bool:
    """A job outcome claimed after one was rejected: the journey's job outcome moves to the later claim."""
    rejected = False
    for step in plan.steps:
        if step.kind == "claim_rejected":
            rejected = True
        elif rejected and step.kind == "claim_submitted" and step.detail == "job_outcome":
            return True
    return False


@pytest.mark.timeout(120)
async def test_the_loader_writes_exactly_the_rows_the_projection_makes_of_the_same_events(
    migrated_database: MigratedDatabase, nats_server: LocalNatsServer, tmp_path: Path,
) -> None:
    year = national_year(YEAR, YEAR.end or date.today())
    plans = list(year.journeys())
    check_the_plan_is_valid(year)
    url = migrated_database(ALEMBIC_INI)
    await write_rows(url, year.registry.rows())
    async with running_history(url, nats_server.url) as stack:
        told = [await publish(stack, year, plan) for plan in plans]
        if "health_owed_lines" in metadata.tables:
            await publish_flow_down(stack, flow_down(YEAR.seed, [
                line for plan in told for line in candidates(plan, terms_of(year.registry))], year.end))
        await stack.synced(timeout=90)
        projected = await read(stack.service.engine, HISTORY)
        registry_rows = await read(stack.service.engine, tuple(metadata.tables[t] for t in year.registry.rows()))
        subcontracts = await collect(stack.client, "/subcontracts", DWP, limit=200)
        for contract in year.registry.contracts[:5]:
            levels = await stack.client.get(f"/contracts/{contract['contract_id']}/minimum-performance-levels",
                                            headers=DWP)
            assert levels.status_code == 200, levels.text
            assert len(levels.json()["sets"]) == sum(
                1 for s in year.registry.level_sets if s["contract_id"] == contract["contract_id"])
        made = await check_the_returns_reconcile_as_made(stack, url, year, told)
        returns_rows = await read(stack.service.engine, tuple(metadata.tables[t] for t in made.rows()))
    assert {s["subcontract_id"] for s in subcontracts} == {s["subcontract_id"] for s in year.registry.subcontracts}

    empty = tmp_path / "migrated.db"
    loader.migrate(empty)
    loaded_path = tmp_path / "loaded.db"
    shutil.copy(empty, loaded_path)
    report = loader.load(loaded_path, year.registry, told, year_of=(YEAR.seed, year.end))
    loaded = await read_file(loaded_path, HISTORY)
    assert report.rows["history_occurrences"] == sum(loaded["history_occurrences"].values())
    check_the_sample_covers_every_path(plans, loaded)
    assert differences(projected, loaded) == {}
    assert await read_file(loaded_path, tuple(metadata.tables[t] for t in year.registry.rows())) == registry_rows
    assert await read_file(loaded_path, tuple(metadata.tables[t] for t in made.rows())) == returns_rows

    # The comparison can fail: a loader that keyed a start apart from "<event_id>:start", counted what a prime
    # delivered for the partner holding the journey, left out the tally rows fallen back to 0, or numbered weeks
    # from Sunday would be caught.
    for name, change in BROKEN.items():
        broken_path = tmp_path / f"broken-{name}.db"
        shutil.copy(empty, broken_path)
        with pytest.MonkeyPatch.context() as patch:
            change(patch)
            loader.load(broken_path, year.registry, told)
        assert differences(projected, await read_file(broken_path, HISTORY)), f"{name} was not caught"


def _start_keyed_as_allocation(patch: pytest.MonkeyPatch) -> None:
    count = projection._Applying._count

    def counting(self: Any, event_id: str, figure: str, on: date, **kw: Any) -> None:
        count(self, event_id.removesuffix(":start") + (":s" if figure == "starts" else ""), figure, on, **kw)

    patch.setattr(projection._Applying, "_count", counting)


def _counted_for_the_holder(patch: pytest.MonkeyPatch) -> None:
    count = projection._Applying._count

    def counting(self: Any, event_id: str, figure: str, on: date, **kw: Any) -> None:
        count(self, event_id, figure, on, **{**kw, "organisation_id": None})

    patch.setattr(projection._Applying, "_count", counting)


def _no_zero_rows(patch: pytest.MonkeyPatch) -> None:
    finish = loader._Writer.finish

    def finishing(self: Any, figures: projection.Figures, year_of: Any, owing: Any) -> None:
        for counts in (figures.monthly, figures.cohorts, figures.delays):
            for key in [k for k, n in counts.items() if n == 0]:
                del counts[key]
        finish(self, figures, year_of, owing)

    patch.setattr(loader._Writer, "finish", finishing)


def _weeks_from_sunday(patch: pytest.MonkeyPatch) -> None:
    patch.setattr(projection, "iso_week_of", lambda day: f"{day.year:04d}-W{int(day.strftime('%U')):02d}")


BROKEN = {"start key": _start_keyed_as_allocation, "attribution": _counted_for_the_holder, "zero rows": _no_zero_rows,
          "weeks": _weeks_from_sunday}

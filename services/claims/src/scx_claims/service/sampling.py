"""Validation samples, before and after payment (the arithmetic is `rules.sampling`).

- A DWP validating officer draws a sample of similar claims (one prime's contract, one month of submission, one
  outcome kind) at a rate in basis points. Before payment the population is the claims awaiting a decision; after
  payment, the claims a run paid (claim and entitlement `paid`) not yet recovered. The seed is made with `secrets`,
  stored with every claim of the population as it stood, and published in `claim.sample_drawn`, so the same
  claims are drawn again (`redraw`) by anyone holding the seed and the population.
- Each drawn claim is checked once: passed, or failed for a coded reason. Before payment a failed claim still
  awaiting its decision is rejected (and a drawn claim is not approved until checked); after payment a failed
  claim is recovered at its own amount.
- Concluding the sample, once every drawn claim is checked, extrapolates its failure rate to the claims not drawn
  (rounded down to the penny); after payment that amount is raised as a recovery. Before payment nothing has been
  paid, so the figure is published and nothing is raised.
- DWP alone sees samples (a prime that saw which claims are drawn before their checks could act on it); the
  prime learns the outcome from its claims and recoveries. Auditors read, validators act.
"""

from __future__ import annotations

import calendar
import secrets
from dataclasses import dataclass, replace
from datetime import date

from scx_claims import access
from scx_claims.models.claims import Claim, Sample, SampleClaim
from scx_claims.problems import claims as claim_problems
from scx_claims.repository import claims as claim_repository
from scx_claims.repository import journeys as journey_repository
from scx_claims.repository import runs as run_repository
from scx_claims.repository import sampling as repository
from scx_claims.rules import sampling as rules
from scx_claims.schemas.claims import CheckClaim, ConcludeSample, DrawSample
from scx_claims.service import claims as claims_service
from scx_claims.service import recoveries
from scx_claims.service.events import new_id, now, record, today
from scx_contracts.claims import SampleChecked, SampleConcluded, SampleDrawn
from scx_persistence import UnitOfWork
from scx_registry import repository as registry
from scx_servicekit import Principal
from scx_servicekit.paging import PageRequest
from scx_servicekit.problems import not_found


@dataclass(frozen=True)
class SampleView:
    sample: Sample
    drawn: list[SampleClaim]  # in the order drawn


@dataclass(frozen=True)
class Redraw:
    sample: Sample
    drawn: list[str]
    same_as_recorded: bool


def month_bounds(period: str) -> tuple[date, date]:
    first = date(int(period[:4]), int(period[5:7]), 1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


async def _sample(uow: UnitOfWork, principal: Principal, sample_id: str, *, for_update: bool = False) -> Sample:
    sample = await repository.get_sample(uow, sample_id, for_update=for_update)
    if sample is None or not access.is_dwp(principal):
        raise not_found("Sample", sample_id)
    return sample


async def _view(uow: UnitOfWork, sample: Sample) -> SampleView:
    rows = await repository.sample_claims_of(uow, sample.sample_id)
    drawn = sorted((r for r in rows if r.drawn_rank is not None), key=lambda r: r.drawn_rank or 0)
    return SampleView(sample, drawn)


async def draw_sample(uow: UnitOfWork, principal: Principal, *, command: DrawSample) -> SampleView:
    """Draw a validation sample of similar claims at the rate, with a fresh recorded seed."""
    access.require_validator(principal)
    contract = await registry.get_contract(uow, command.contract_id)
    if contract is None or contract.prime_id != command.prime_id:
        raise claim_problems.contract_not_of_prime(command.contract_id, command.prime_id)
    first, last = month_bounds(command.period)
    if first > today():
        raise claim_problems.period_in_future(command.period)
    population = await repository.population(
        uow, stage=command.stage, contract_id=command.contract_id, kind=command.kind, first=first, last=last
    )
    if not population:
        raise claim_problems.sample_population_empty(command.stage, command.contract_id, command.period, command.kind)
    seed = secrets.token_hex(16)
    ids = [c.claim_id for c in population]
    drawn = rules.draw(seed, ids, command.rate_basis_points)
    ranks = {claim_id: position for position, claim_id in enumerate(drawn, start=1)}
    sample = Sample(
        sample_id=new_id(), stage=command.stage, prime_id=command.prime_id, contract_id=command.contract_id,
        period=command.period, kind=command.kind, rate_basis_points=command.rate_basis_points, seed=seed,
        population=len(population), population_pence=sum(c.amount_pence for c in population),
        population_digest=rules.population_digest(ids), drawn=len(drawn), status="open", drawn_by=principal.user,
        drawn_at=now(),
    )
    if not await repository.add_sample(uow, sample):
        raise claim_problems.sample_exists(command.stage, command.contract_id, command.period, command.kind)
    await repository.add_sample_claims(uow, [
        SampleClaim(sample_id=sample.sample_id, claim_id=c.claim_id, amount_pence=c.amount_pence,
                    drawn_rank=ranks.get(c.claim_id))
        for c in population
    ])
    record(uow, principal, SampleDrawn(
        sample_id=sample.sample_id, stage=command.stage, prime_id=sample.prime_id, contract_id=sample.contract_id,
        period=sample.period, kind=command.kind, rate_basis_points=sample.rate_basis_points, seed=seed,
        population=sample.population, drawn=sample.drawn,
    ))
    return await _view(uow, sample)


async def get_sample(uow: UnitOfWork, principal: Principal, *, sample_id: str) -> SampleView:
    return await _view(uow, await _sample(uow, principal, sample_id))


async def list_samples(
    uow: UnitOfWork, principal: Principal, *, stage: str | None, contract_id: str | None, period: str | None,
    page: PageRequest,
) -> list[Sample]:
    if not access.is_dwp(principal):
        return []
    return await repository.list_samples(
        uow, stage=stage, contract_id=contract_id, period=period, after=page.after, limit=page.limit + 1
    )


async def redraw(uow: UnitOfWork, principal: Principal, *, sample_id: str) -> Redraw:
    """Draw again from the recorded seed and population: the same claims, in the same order, or it says so."""
    sample = await _sample(uow, principal, sample_id)
    rows = await repository.sample_claims_of(uow, sample.sample_id)
    ids = [r.claim_id for r in rows]
    drawn = rules.draw(sample.seed, ids, sample.rate_basis_points)
    recorded = [r.claim_id for r in sorted((r for r in rows if r.drawn_rank), key=lambda r: r.drawn_rank or 0)]
    same = drawn == recorded and rules.population_digest(ids) == sample.population_digest
    return Redraw(sample, drawn, same)


async def _raise_recovery(
    uow: UnitOfWork, principal: Principal, sample: Sample, *, amount_pence: int, reason: str, claim: Claim | None
) -> None:
    """Put what the sample found on the runs area's recoveries ledger (the next run nets it); a claim already
    recovered (by another officer's recovery) is not recovered again."""
    if claim is not None and await run_repository.claim_recovered(uow, claim.claim_id):
        return
    await recoveries.raise_recovery(
        uow, principal, prime_id=sample.prime_id, contract_id=sample.contract_id, amount_pence=amount_pence,
        reason=reason, claim_id=claim.claim_id if claim else None, sample_id=sample.sample_id,
        case_id=claim.case_id if claim else None,
    )


async def check_claim(uow: UnitOfWork, principal: Principal, *, sample_id: str, command: CheckClaim) -> SampleView:
    """Record one drawn claim's check; a failure rejects it (before payment) or recovers it (after)."""
    sample = await _sample(uow, principal, sample_id, for_update=True)
    access.require_validator(principal)
    if sample.status != "open":
        raise claim_problems.sample_concluded(sample.sample_id)
    row = await repository.get_sample_claim(uow, sample.sample_id, command.claim_id, for_update=True)
    if row is None or row.drawn_rank is None:
        raise claim_problems.claim_not_drawn(command.claim_id, sample.sample_id)
    if row.passed is not None:
        raise claim_problems.claim_already_checked(command.claim_id, sample.sample_id)
    if command.passed == (command.reason is not None):
        raise claim_problems.check_reason(command.passed)
    await repository.update_sample_claim(uow, replace(
        row, passed=command.passed, reason=command.reason, note=command.note, checked_by=principal.user,
        checked_at=now(),
    ))
    claim = await claim_repository.get_claim(uow, command.claim_id, for_update=True)
    if claim is None:  # a claim is never deleted
        raise not_found("Claim", command.claim_id)
    record(uow, principal, SampleChecked(
        sample_id=sample.sample_id, claim_id=claim.claim_id, case_id=claim.case_id, prime_id=claim.prime_id,
        stage=sample.stage, passed=command.passed, reason=command.reason, checked_on=today(),
    ), journey=await journey_repository.get_journey(uow, claim.case_id))
    if not command.passed and command.reason is not None:
        if sample.stage == "pre_payment" and claim.status == "submitted":
            await claims_service.reject(uow, principal, claim, reason=command.reason, note=command.note)
        elif sample.stage == "post_payment":
            await _raise_recovery(uow, principal, sample, amount_pence=claim.amount_pence, reason="failed_validation",
                                  claim=claim)
    return await _view(uow, sample)


async def conclude_sample(
    uow: UnitOfWork, principal: Principal, *, sample_id: str, command: ConcludeSample
) -> SampleView:
    """Conclude a fully checked sample: its failure rate extrapolated to the claims not drawn."""
    sample = await _sample(uow, principal, sample_id, for_update=True)
    access.require_validator(principal)
    if sample.status != "open":
        raise claim_problems.sample_concluded(sample.sample_id)
    rows = await repository.sample_claims_of(uow, sample.sample_id)
    drawn = [r for r in rows if r.drawn_rank is not None]
    outstanding = sum(1 for r in drawn if r.passed is None)
    if outstanding:
        raise claim_problems.sample_checks_outstanding(sample.sample_id, outstanding)
    failed = sum(1 for r in drawn if r.passed is False)
    undrawn_pence = sum(r.amount_pence for r in rows if r.drawn_rank is None)
    extrapolated = rules.extrapolated_recovery(undrawn_pence, len(drawn), failed)
    concluded = replace(
        sample, status="concluded", checked=len(drawn), failed=failed, extrapolated_recovery_pence=extrapolated,
        concluded_by=principal.user, concluded_at=now(),
    )
    await repository.update_sample(uow, concluded)
    record(uow, principal, SampleConcluded(
        sample_id=sample.sample_id, prime_id=sample.prime_id, contract_id=sample.contract_id, checked=len(drawn),
        failed=failed, population_paid_pence=sample.population_pence, extrapolated_recovery_pence=extrapolated,
    ))
    if sample.stage == "post_payment" and extrapolated > 0:
        await _raise_recovery(uow, principal, sample, amount_pence=extrapolated, reason="extrapolated_from_sample",
                              claim=None)
    return await _view(uow, concluded)

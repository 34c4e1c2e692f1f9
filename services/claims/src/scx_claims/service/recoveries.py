"""The recoveries ledger: money a prime owes back, raised by DWP's validating or payments officers (a claim that
failed validation after payment, a sample's extrapolation, an overpaid outcome), or by the claims area when a
post-payment sample fails (`raise_recovery`). Each payment run nets what is outstanding against the prime's
statement for the contract (the rule is in `rules.runs`); what a run nets is taken off when the run is authorised.

A prime sees its own recoveries; DWP sees all; partners and JCP see none. The auditor reads and raises nothing.
"""

from __future__ import annotations

from scx_claims.access import is_dwp, reads_prime
from scx_claims.models.runs import Recovery
from scx_claims.problems import runs as problems
from scx_claims.repository import claims as claim_repository
from scx_claims.repository import journeys as journey_repository
from scx_claims.repository import runs as repository
from scx_claims.repository import sampling as sample_repository
from scx_claims.repository.runs import RecoveryFilter
from scx_claims.schemas.runs import RaiseRecovery
from scx_claims.service.events import new_id, now, record, today
from scx_contracts import Actor
from scx_contracts.claims import RecoveryRaised
from scx_persistence import UnitOfWork
from scx_registry import repository as registry
from scx_servicekit import Principal
from scx_servicekit.auth import forbidden
from scx_servicekit.paging import PageRequest
from scx_servicekit.problems import not_found

RAISERS = ("validator", "payments_officer")


async def raise_recovery(
    uow: UnitOfWork, actor: Principal | Actor, *, prime_id: str, contract_id: str, amount_pence: int, reason: str,
    claim_id: str | None = None, sample_id: str | None = None, case_id: str | None = None,
    explanation: str | None = None,
) -> Recovery:
    """Put a recovery on the ledger and record payment.recovery_raised: the next run nets it. For the claims area
    too (a failed post-payment sample: reason `extrapolated_from_sample` or `failed_validation`); the caller has
    checked who may. Refuses (422) a contract that is not the prime's, a referral or a claim not on that contract,
    (409) a claim already recovered (a claim is recovered once: a unique index holds it under races) or not paid, (422)
    more than the claim was paid, and (422) a sample that is not one of that prime's and contract's."""
    contract = await registry.get_contract(uow, contract_id)
    if contract is None or contract.prime_id != prime_id:
        raise problems.unknown_contract(contract_id, prime_id)
    if claim_id is not None:
        claim = await claim_repository.get_claim(uow, claim_id)
        if claim is None or claim.contract_id != contract_id:
            raise problems.unknown_claim(claim_id, contract_id)
        if await repository.claim_recovered(uow, claim_id):
            raise problems.claim_recovered(claim_id)
        if claim.status != "paid":
            raise problems.claim_not_paid(claim_id, claim.status)
        if amount_pence > claim.amount_pence:
            raise problems.recovery_exceeds_payment(amount_pence, claim.amount_pence)
    if sample_id is not None:
        sample = await sample_repository.get_sample(uow, sample_id)
        if sample is None or sample.prime_id != prime_id or sample.contract_id != contract_id:
            raise problems.unknown_sample(sample_id, contract_id)
    journey = None
    if case_id is not None:
        journey = await journey_repository.get_journey(uow, case_id)
        if journey is None or journey.contract_id != contract_id:
            raise problems.unknown_case(case_id, contract_id)
    who = actor.actor() if isinstance(actor, Principal) else actor
    recovery = Recovery(
        recovery_id=new_id(), prime_id=prime_id, contract_id=contract_id, case_id=case_id, reason=reason,
        explanation=explanation, amount_pence=amount_pence, outstanding_pence=amount_pence, claim_id=claim_id,
        sample_id=sample_id, raised_on=today(), raised_by=who.organisation_id, raised_user=who.user,
        raised_at=now(),
    )
    await repository.add_recovery(uow, recovery)
    record(uow, actor, RecoveryRaised(
        recovery_id=recovery.recovery_id, prime_id=prime_id, contract_id=contract_id, amount_pence=amount_pence,
        reason=reason, claim_id=claim_id, sample_id=sample_id, raised_on=recovery.raised_on,
    ), journey=journey)
    return recovery


async def raise_recovery_by_officer(uow: UnitOfWork, principal: Principal, *, command: RaiseRecovery) -> Recovery:
    """A DWP validating or payments officer raises a recovery against a prime's contract."""
    if not is_dwp(principal) or not principal.has_role(*RAISERS):
        raise forbidden("Only a DWP validating officer or payments officer may raise a recovery.")
    return await raise_recovery(
        uow, principal, prime_id=command.prime_id, contract_id=command.contract_id,
        amount_pence=command.amount_pence, reason=command.reason, claim_id=command.claim_id,
        sample_id=command.sample_id, case_id=command.case_id, explanation=command.explanation,
    )


def _scope(principal: Principal) -> RecoveryFilter | None:
    """DWP: every recovery; a prime: its own; anyone else: none."""
    if is_dwp(principal):
        return RecoveryFilter()
    if principal.kind == "prime":
        return RecoveryFilter(prime_id=principal.organisation_id)
    return None


async def list_recoveries(
    uow: UnitOfWork, principal: Principal, *, wanted: RecoveryFilter, page: PageRequest
) -> list[Recovery]:
    """The recoveries the caller may see, narrowed by `wanted` (never widened); `page.limit + 1` rows."""
    scope = _scope(principal)
    if scope is None or (scope.prime_id is not None and wanted.prime_id not in (None, scope.prime_id)):
        return []
    where = RecoveryFilter(prime_id=scope.prime_id or wanted.prime_id, contract_id=wanted.contract_id,
                           outstanding=wanted.outstanding)
    return await repository.list_recoveries(uow, where, after=page.after, limit=page.limit + 1)


async def get_recovery(uow: UnitOfWork, principal: Principal, *, recovery_id: str) -> Recovery:
    recovery = await repository.get_recovery(uow, recovery_id)
    if recovery is None or not reads_prime(principal, recovery.prime_id):
        raise not_found("Recovery", recovery_id)
    return recovery

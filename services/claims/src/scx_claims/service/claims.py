"""The evidence register and outcome claims, validated by DWP under maker-checker.

- **Evidence**: a prime's managers and advisers record what they hold for one of the prime's journeys: what it is
  (payslip, employer confirmation, HMRC record, self-declaration, other), the job and weeks it covers, how and
  when it was obtained; who recorded it comes from the token. Its description stays here.
- **Claims**: the prime claims a payable outcome (a job outcome, a sustained job outcome, a sustainment payment)
  of its own journey, citing evidence from its register for that journey. The amount is the entitlement's,
  never the caller's. Fees need no claim (`rules.claims`). An entitlement has at most one live claim: the
  entitlement is read `FOR UPDATE` and moves to `claimed`, and a unique index on live claims catches what gets
  past that, so a retried, resubmitted or concurrent duplicate makes no second claim.
- **Validation**: a DWP validating officer approves or rejects a submitted claim, once; an approval names the
  officer (`approved_by`), whom the runs area refuses as the authoriser of a run holding the claim; only a claim
  whose entitlement is still `claimed` is approved, and the entitlement moves to `approved` with it. The run that
  pays the claim marks both `paid`. A rejection's
  effect on the entitlement is `rules.claims.entitlement_after_rejection`. A claim drawn in an open pre-payment
  sample is approved only once its check is recorded.
- **Who sees**: DWP (validators, contract managers, operators, auditors) everything; a prime its own; anyone
  else nothing (404). Only prime staff record evidence and claim; only validators decide; auditors only read.
"""

from __future__ import annotations

from dataclasses import replace

from scx_claims import access, problems
from scx_claims.models.claims import Claim, Evidence
from scx_claims.models.journeys import Journey
from scx_claims.problems import claims as claim_problems
from scx_claims.repository import claims as repository
from scx_claims.repository import entitlements as entitlement_repository
from scx_claims.repository import journeys as journey_repository
from scx_claims.repository import sampling as sampling_repository
from scx_claims.repository.claims import Scope
from scx_claims.rules import claims as rules
from scx_claims.schemas.claims import ApproveClaim, RecordEvidence, RejectClaim, SubmitClaim
from scx_claims.service.events import new_id, now, record, today
from scx_contracts.claims import ClaimApproved, ClaimEvidenceRecorded, ClaimRejected, ClaimSubmitted
from scx_persistence import UnitOfWork
from scx_servicekit import Principal
from scx_servicekit.paging import PageRequest
from scx_servicekit.problems import not_found


def visible_to(principal: Principal) -> Scope | None:
    """What the caller may read: DWP all; a prime its own; anyone else nothing (None)."""
    if access.is_dwp(principal):
        return Scope()
    if principal.kind == "prime":
        return Scope(prime_id=principal.organisation_id)
    return None


async def _journey(uow: UnitOfWork, case_id: str) -> Journey:
    journey = await journey_repository.get_journey(uow, case_id)
    if journey is None:  # claims and evidence are only ever recorded on a known journey, never deleted
        raise not_found("Journey", case_id)
    return journey


# The evidence register


async def record_evidence(uow: UnitOfWork, principal: Principal, *, command: RecordEvidence) -> Evidence:
    """Record a piece of evidence the prime holds for one of its journeys."""
    access.require_prime_staff(principal)
    journey = await journey_repository.get_journey(uow, command.case_id)
    if journey is None or journey.prime_id != principal.organisation_id:
        raise claim_problems.no_such_journey(command.case_id)
    earliest, what = journey.started_on, "the journey's start"
    if command.job_id is not None:
        job = await journey_repository.get_job(uow, command.job_id)
        if job is None or job.case_id != journey.case_id:
            raise claim_problems.job_not_of_journey(command.job_id, journey.case_id)
        earliest, what = job.started_on, "the job's start"
    day = today()
    if (command.covers_from is None) != (command.covers_to is None):
        missing = "covers_to" if command.covers_to is None else "covers_from"
        raise claim_problems.evidence_weeks_invalid(missing, "give both ends of the weeks covered, or neither")
    if command.covers_from is not None and command.covers_to is not None:
        if command.covers_to < command.covers_from:
            raise claim_problems.evidence_weeks_invalid("covers_to", "must not be before covers_from")
        if command.covers_from < earliest:
            raise claim_problems.date_too_early("covers_from", command.covers_from, earliest, what)
        if command.covers_to > day:
            raise problems.date_in_future("covers_to", command.covers_to)
    if command.obtained_on > day:
        raise problems.date_in_future("obtained_on", command.obtained_on)
    if command.obtained_on < journey.referral_date:
        raise claim_problems.date_too_early("obtained_on", command.obtained_on, journey.referral_date, "the referral")
    held = Evidence(
        evidence_id=new_id(), case_id=journey.case_id, prime_id=journey.prime_id, kind=command.kind,
        job_id=command.job_id, covers_from=command.covers_from, covers_to=command.covers_to,
        obtained_how=command.obtained_how, obtained_on=command.obtained_on, description=command.description,
        recorded_by=principal.organisation_id, user=principal.user, recorded_at=now(),
    )
    await repository.add_evidence(uow, held)
    record(uow, principal, ClaimEvidenceRecorded(
        evidence_id=held.evidence_id, case_id=held.case_id, prime_id=held.prime_id, kind=command.kind,
        job_id=held.job_id, covers_from=held.covers_from, covers_to=held.covers_to,
        obtained_how=command.obtained_how, obtained_on=held.obtained_on,
    ), journey=journey)
    return held


async def get_evidence(uow: UnitOfWork, principal: Principal, *, evidence_id: str) -> Evidence:
    held = await repository.get_evidence(uow, evidence_id)
    if held is None or not access.reads_prime(principal, held.prime_id):
        raise not_found("Evidence", evidence_id)
    return held


async def list_evidence(uow: UnitOfWork, principal: Principal, *, wanted: Scope, page: PageRequest) -> list[Evidence]:
    """The evidence the caller may read, narrowed by `wanted`; `page.limit + 1` rows."""
    scope = visible_to(principal)
    where = None if scope is None else scope.narrowed_by(wanted)
    if where is None:
        return []
    return await repository.list_evidence(uow, where, after=page.after, limit=page.limit + 1)


# Claims


async def submit_claim(uow: UnitOfWork, principal: Principal, *, command: SubmitClaim) -> Claim:
    """Claim a payable outcome of one of the prime's journeys, citing evidence from its register."""
    access.require_prime_staff(principal)
    entitlement = await entitlement_repository.get_entitlement(uow, command.entitlement_id, for_update=True)
    if entitlement is None or entitlement.prime_id != principal.organisation_id:
        raise claim_problems.no_such_entitlement(command.entitlement_id)
    if not rules.needs_claim(entitlement.kind):
        raise claim_problems.claim_not_needed(entitlement.kind)
    if entitlement.status == rules.CLAIMED:
        raise claim_problems.entitlement_claimed(entitlement.entitlement_id)
    if entitlement.status != rules.CLAIMABLE_STATUS:
        raise claim_problems.entitlement_not_payable(entitlement.entitlement_id, entitlement.status)
    day = today()
    if not rules.claimable_on(entitlement.payable_from, day):
        raise claim_problems.entitlement_not_yet_payable(entitlement.entitlement_id, entitlement.payable_from)
    held = await repository.evidence_by_ids(uow, command.evidence_ids)
    for index, evidence_id in enumerate(command.evidence_ids):
        cited = held.get(evidence_id)
        if cited is None or cited.prime_id != principal.organisation_id or cited.case_id != entitlement.case_id:
            raise claim_problems.evidence_not_in_register(index, evidence_id, entitlement.case_id)
    journey = await _journey(uow, entitlement.case_id)
    claim = Claim(
        claim_id=new_id(), entitlement_id=entitlement.entitlement_id, case_id=entitlement.case_id,
        contract_id=entitlement.contract_id, prime_id=entitlement.prime_id, kind=entitlement.kind,
        sequence=entitlement.sequence, amount_pence=entitlement.amount_pence, tariff_model=entitlement.tariff_model,
        tariff_version=entitlement.tariff_version, payable_from=entitlement.payable_from,
        evidence_ids=list(command.evidence_ids), status="submitted", submitted_on=day, submitted_by=principal.user,
        submitted_at=now(),
    )
    if not await repository.add_claim(uow, claim):
        raise claim_problems.entitlement_claimed(entitlement.entitlement_id)
    claimed = replace(entitlement, status=rules.CLAIMED)
    await entitlement_repository.update_entitlement(uow, claimed, columns=("status",))
    record(uow, principal, ClaimSubmitted(
        claim_id=claim.claim_id, case_id=claim.case_id, contract_id=claim.contract_id, prime_id=claim.prime_id,
        kind=claim.kind, sequence=claim.sequence, amount_pence=claim.amount_pence,
        tariff_model=claim.tariff_model, tariff_version=claim.tariff_version, payable_from=claim.payable_from,
        evidence_ids=claim.evidence_ids, submitted_on=day,
    ), journey=journey)
    return claim


async def visible_claim(uow: UnitOfWork, principal: Principal, claim_id: str, *, for_update: bool = False) -> Claim:
    claim = await repository.get_claim(uow, claim_id, for_update=for_update)
    if claim is None or not access.reads_prime(principal, claim.prime_id):
        raise not_found("Claim", claim_id)
    return claim


async def get_claim(uow: UnitOfWork, principal: Principal, *, claim_id: str) -> Claim:
    return await visible_claim(uow, principal, claim_id)


async def list_claims(uow: UnitOfWork, principal: Principal, *, wanted: Scope, page: PageRequest) -> list[Claim]:
    """The claims the caller may read, narrowed by `wanted`; `page.limit + 1` rows."""
    scope = visible_to(principal)
    where = None if scope is None else scope.narrowed_by(wanted)
    if where is None:
        return []
    return await repository.list_claims(uow, where, after=page.after, limit=page.limit + 1)


async def _submitted(uow: UnitOfWork, principal: Principal, claim_id: str) -> Claim:
    claim = await visible_claim(uow, principal, claim_id, for_update=True)
    access.require_validator(principal)
    if claim.status != "submitted":
        raise claim_problems.claim_decided(claim.claim_id, claim.status, claim.decided_on)
    return claim


async def approve_claim(uow: UnitOfWork, principal: Principal, *, claim_id: str, command: ApproveClaim) -> Claim:
    """A validating officer approves the claim for payment (its run is authorised by another officer)."""
    claim = await _submitted(uow, principal, claim_id)
    sample_id = await sampling_repository.awaits_pre_payment_check(uow, claim.claim_id)
    if sample_id is not None:
        raise claim_problems.claim_under_sample_check(claim.claim_id, sample_id)
    entitlement = await entitlement_repository.get_entitlement(uow, claim.entitlement_id, for_update=True)
    if entitlement is None or entitlement.status != rules.CLAIMED:  # e.g. withdrawn: the weeks no longer stand
        raise claim_problems.entitlement_no_longer_claimed(
            claim.claim_id, claim.entitlement_id, "gone" if entitlement is None else entitlement.status)
    await entitlement_repository.update_entitlement(
        uow, replace(entitlement, status=rules.APPROVED), columns=("status",))
    day = today()
    approved = replace(
        claim, status="approved", decided_on=day, decided_by=principal.user, approved_by=principal.user,
        decision_note=command.note, decided_at=now(),
    )
    await repository.update_claim(uow, approved)
    record(uow, principal, ClaimApproved(
        claim_id=claim.claim_id, case_id=claim.case_id, contract_id=claim.contract_id, prime_id=claim.prime_id,
        stage="pre_payment", approved_on=day,
    ), journey=await _journey(uow, claim.case_id))
    return approved


async def reject_claim(uow: UnitOfWork, principal: Principal, *, claim_id: str, command: RejectClaim) -> Claim:
    """A validating officer rejects the claim for a coded reason; the entitlement is claimable again or refused."""
    claim = await _submitted(uow, principal, claim_id)
    return await reject(uow, principal, claim, reason=command.reason, note=command.note)


async def reject(uow: UnitOfWork, principal: Principal, claim: Claim, *, reason: str, note: str | None) -> Claim:
    """Reject a submitted claim (by its validation, or by a failed pre-payment sample check)."""
    day = today()
    rejected = replace(
        claim, status="rejected", decided_on=day, decided_by=principal.user, rejection_reason=reason,
        decision_note=note, decided_at=now(),
    )
    await repository.update_claim(uow, rejected)
    entitlement = await entitlement_repository.get_entitlement(uow, claim.entitlement_id, for_update=True)
    if entitlement is not None:  # written by the eligibility area, never deleted
        after = rules.entitlement_after_rejection(reason)
        await entitlement_repository.update_entitlement(uow, replace(entitlement, status=after), columns=("status",))
    record(uow, principal, ClaimRejected(
        claim_id=claim.claim_id, case_id=claim.case_id, contract_id=claim.contract_id, prime_id=claim.prime_id,
        stage="pre_payment", reason=reason, rejected_on=day,
    ), journey=await _journey(uow, claim.case_id))
    return rejected

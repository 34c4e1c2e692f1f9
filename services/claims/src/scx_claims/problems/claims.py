"""The claims area's problems: the evidence register, claims and their validation, and samples.

| slug | status | when |
| --- | --- | --- |
| `no-such-entitlement` | 422 | claiming an entitlement that is not one of the caller's (or does not exist) |
| `claim-not-needed` | 422 | claiming a service or attachment fee: fees are paid without a claim |
| `entitlement-claimed` | 409 | claiming an outcome that already has a live (submitted or approved) claim |
| `entitlement-not-payable` | 409 | claiming an outcome that is paid, withdrawn or refused |
| `entitlement-not-yet-payable` | 409 | claiming before the outcome's `payable_from` day |
| `evidence-not-in-register` | 422 | citing evidence not in the caller's register for the claimed journey |
| `no-such-journey` | 422 | recording evidence for a journey that is not the caller's (or does not exist) |
| `job-not-of-journey` | 422 | evidence naming a job that is not the journey's |
| `evidence-weeks-invalid` | 422 | evidence covering weeks with one end only, or ending before it starts |
| `date-in-future` | 422 | (common) evidence obtained, or weeks covered, after today |
| `date-too-early` | 422 | evidence obtained before the referral, or covering weeks before the job or journey began |
| `claim-decided` | 409 | approving or rejecting a claim already approved or rejected |
| `entitlement-no-longer-claimed` | 409 | approving a claim whose entitlement is no longer `claimed` (withdrawn) |
| `claim-under-sample-check` | 409 | approving a claim an open pre-payment sample drew and has not checked yet |
| `contract-not-of-prime` | 422 | drawing a sample of a contract the named prime does not hold (or that is unknown) |
| `period-in-future` | 422 | drawing a sample of a month that has not begun |
| `sample-exists` | 409 | a second sample of one stage, contract, month and outcome kind |
| `sample-population-empty` | 409 | drawing a sample of no claims |
| `sample-concluded` | 409 | checking or concluding a concluded sample |
| `claim-not-drawn` | 422 | checking a claim the sample did not draw |
| `claim-already-checked` | 409 | checking a drawn claim twice |
| `check-reason` | 422 | a failed check without a reason, or a passed one with a reason |
| `sample-checks-outstanding` | 409 | concluding a sample before every claim it drew is checked |

Reads: a claim, a piece of evidence or a sample the caller cannot see answers `not-found` (404), exactly as one
that does not exist. Writes by one who can see but may not act (a prime approving, an auditor doing anything)
answer `forbidden` (403).
"""

from __future__ import annotations

from datetime import date

from scx_servicekit import Problem


def _field(status: int, slug: str, title: str, detail: str, field: str, message: str) -> Problem:
    return Problem(status, slug, title, detail, errors=[{"field": field, "message": message}])


def no_such_entitlement(entitlement_id: str) -> Problem:
    return _field(422, "no-such-entitlement", "No such entitlement",
                  f"No entitlement {entitlement_id} of yours: claim what your journeys made payable.",
                  "body.entitlement_id", "not an entitlement of yours")


def claim_not_needed(kind: str) -> Problem:
    return _field(422, "claim-not-needed", "Fees need no claim",
                  f"A {kind.replace('_', ' ')} is paid from the recorded journey and the contract, without a claim: "
                  "only job outcomes, sustained job outcomes and sustainment payments are claimed.",
                  "body.entitlement_id", f"is a {kind}, which is paid without a claim")


def entitlement_claimed(entitlement_id: str) -> Problem:
    return _field(409, "entitlement-claimed", "Already claimed",
                  f"Entitlement {entitlement_id} has a claim already (submitted or approved): an outcome is claimed "
                  "and paid once.", "body.entitlement_id", "already claimed")


def entitlement_not_payable(entitlement_id: str, status: str) -> Problem:
    return _field(409, "entitlement-not-payable", "Not payable",
                  f"Entitlement {entitlement_id} is {status}: only a payable outcome is claimed.",
                  "body.entitlement_id", f"is {status}, not payable")


def entitlement_not_yet_payable(entitlement_id: str, payable_from: date) -> Problem:
    return _field(409, "entitlement-not-yet-payable", "Not payable yet",
                  f"Entitlement {entitlement_id} is payable from {payable_from}: claim it on or after that day.",
                  "body.entitlement_id", f"payable from {payable_from}")


def evidence_not_in_register(index: int, evidence_id: str, case_id: str) -> Problem:
    return _field(422, "evidence-not-in-register", "Evidence not in your register",
                  f"Evidence {evidence_id} is not in your evidence register for journey {case_id}: cite evidence "
                  "you recorded for the journey the outcome is claimed on.",
                  f"body.evidence_ids.{index}", "not in your evidence register for this journey")


def no_such_journey(case_id: str) -> Problem:
    return _field(422, "no-such-journey", "No such journey", f"No journey {case_id} of yours.",
                  "body.case_id", "not a journey of yours")


def job_not_of_journey(job_id: str, case_id: str) -> Problem:
    return _field(422, "job-not-of-journey", "Not a job of this journey",
                  f"Job {job_id} is not a job of journey {case_id} as reported to claims.",
                  "body.job_id", "not a job of this journey")


def evidence_weeks_invalid(field: str, message: str) -> Problem:
    return _field(422, "evidence-weeks-invalid", "The weeks covered are not a range",
                  f"The weeks the evidence covers run from covers_from to covers_to: {message}.",
                  f"body.{field}", message)


def date_too_early(field: str, value: date, earliest: date, what: str) -> Problem:
    return _field(422, "date-too-early", "Date too early", f"{field} is {value}, before {what} ({earliest}).",
                  f"body.{field}", f"must not be before {what} ({earliest})")


def claim_decided(claim_id: str, status: str, on: date | None) -> Problem:
    return Problem(409, "claim-decided", "The claim is decided",
                   f"Claim {claim_id} was {status} on {on}: a claim is decided once.")


def entitlement_no_longer_claimed(claim_id: str, entitlement_id: str, status: str) -> Problem:
    return Problem(409, "entitlement-no-longer-claimed", "The claimed outcome no longer stands",
                   f"Claim {claim_id}'s entitlement {entitlement_id} is {status}, no longer claimed: it is not "
                   "approved for payment.")


def claim_under_sample_check(claim_id: str, sample_id: str) -> Problem:
    return Problem(409, "claim-under-sample-check", "The claim awaits its sample check",
                   f"Pre-payment sample {sample_id} drew claim {claim_id}: record its check before approving it.")


def contract_not_of_prime(contract_id: str, prime_id: str) -> Problem:
    return _field(422, "contract-not-of-prime", "Not the prime's contract",
                  f"No contract {contract_id} held by {prime_id} is known to claims.",
                  "body.contract_id", f"not a contract of {prime_id}")


def period_in_future(period: str) -> Problem:
    return _field(422, "period-in-future", "The month has not begun",
                  f"{period} has not begun: a sample is drawn from claims already submitted.",
                  "body.period", "must not be after the current month")


def sample_exists(stage: str, contract_id: str, period: str, kind: str) -> Problem:
    return Problem(409, "sample-exists", "Already sampled",
                   f"A {stage.replace('_', '-')} sample of {kind} claims on contract {contract_id} submitted in "
                   f"{period} has been drawn: one per stage, contract, month and outcome kind, so no population is "
                   "extrapolated twice.")


def sample_population_empty(stage: str, contract_id: str, period: str, kind: str) -> Problem:
    return Problem(409, "sample-population-empty", "No claims to sample",
                   f"No {kind} claims on contract {contract_id} submitted in {period} are in the "
                   f"{stage.replace('_', '-')} population.")


def sample_concluded(sample_id: str) -> Problem:
    return Problem(409, "sample-concluded", "The sample is concluded",
                   f"Sample {sample_id} is concluded: nothing more is recorded on it.")


def claim_not_drawn(claim_id: str, sample_id: str) -> Problem:
    return _field(422, "claim-not-drawn", "Not drawn in this sample",
                  f"Sample {sample_id} did not draw claim {claim_id}.", "body.claim_id", "not drawn in this sample")


def claim_already_checked(claim_id: str, sample_id: str) -> Problem:
    return Problem(409, "claim-already-checked", "Already checked",
                   f"Claim {claim_id} has been checked in sample {sample_id}: a drawn claim is checked once.")


def check_reason(passed: bool) -> Problem:
    message = "must be absent when the check passed" if passed else "is required when the check failed"
    return _field(422, "check-reason", "A failed check has a reason, a passed one none",
                  f"reason {message}.", "body.reason", message)


def sample_checks_outstanding(sample_id: str, outstanding: int) -> Problem:
    return Problem(409, "sample-checks-outstanding", "Checks outstanding",
                   f"Sample {sample_id} has {outstanding} drawn claim(s) not yet checked: check each before "
                   "concluding.")

"""The runs area's problems (payment runs and recoveries).

| slug | status | when |
| --- | --- | --- |
| `period-in-future` | 422 | preparing a run for a month after the current one |
| `period-has-run` | 409 | preparing a run for a period whose run stands (prepared or authorised) |
| `run-open` | 409 | preparing a run while another is prepared and neither authorised nor abandoned |
| `period-passed` | 409 | preparing a run for a period not after the last authorised run's |
| `nothing-payable` | 409 | preparing a run when nothing is payable up to the period nor to be recovered |
| `run-not-prepared` | 409 | authorising or abandoning a run already authorised or abandoned (authorised once) |
| `inputs-digest-mismatch` | 409 | authorising with an inputs digest that is not the run's |
| `run-inputs-changed` | 409 | authorising a run one of whose inputs no longer stands (paid, withdrawn, recovered) |
| `approver-cannot-authorise` | 403 | authorising a run that pays a claim the same officer approved (maker-checker) |
| `unknown-contract` | 422 | raising a recovery on a contract this service does not know as the prime's |
| `unknown-case` | 422 | raising a recovery naming a referral that is not on that contract |
| `unknown-claim` | 422 | raising a recovery naming a claim that is not one of that contract's |
| `claim-recovered` | 409 | raising a recovery of a claim already on the ledger (a claim is recovered once) |
| `claim-not-paid` | 409 | raising a recovery of a claim that has not been paid (reject it, or wait for its run) |
| `recovery-exceeds-payment` | 422 | a recovery of a claim for more than the claim was paid |
| `unknown-sample` | 422 | a recovery naming a sample that is not one of that prime's and contract's |

A caller who cannot see a run (a partner, JCP, a prime without a statement in it) gets `not-found` (404), as for
one that does not exist; one who can see it but may not act gets `forbidden` (403).
"""

from __future__ import annotations

from scx_servicekit import Problem


def period_in_future(period: str, current: str) -> Problem:
    return Problem(
        422, "period-in-future", "The period has not begun",
        f"A run pays what is due up to its period: {period} is after the current month, {current}.",
        errors=[{"field": "body.period", "message": f"must not be after {current}"}],
    )


def period_has_run(period: str, run_id: str, status: str) -> Problem:
    return Problem(
        409, "period-has-run", "The period has a run",
        f"Run {run_id} for {period} is {status}: a period has one run (abandon a prepared run to prepare it again).",
        errors=[{"field": "body.period", "message": f"has run {run_id}"}], run_id=run_id,
    )


def run_open(run_id: str, period: str) -> Problem:
    return Problem(
        409, "run-open", "Another run is open",
        f"Run {run_id} for {period} is prepared and not yet authorised or abandoned: one run is open at a time, so "
        "nothing is in two runs.",
        run_id=run_id,
    )


def period_passed(period: str, last: str) -> Problem:
    return Problem(
        409, "period-passed", "The period is behind the last authorised run",
        f"The run for {last} is authorised: runs go forward, so the next is for a month after {last}, not {period}.",
        errors=[{"field": "body.period", "message": f"must be after {last}"}],
    )


def nothing_payable(period: str) -> Problem:
    return Problem(
        409, "nothing-payable", "Nothing to pay",
        f"Nothing is payable up to {period} and nothing is to be recovered: there is no run to prepare.",
        errors=[{"field": "body.period", "message": "nothing payable up to this period"}],
    )


def run_not_prepared(run_id: str, status: str) -> Problem:
    return Problem(
        409, "run-not-prepared", "The run is not awaiting authorisation",
        f"Run {run_id} is {status}: only a prepared run is authorised or abandoned, and only once.",
    )


def digest_mismatch(run_id: str) -> Problem:
    return Problem(
        409, "inputs-digest-mismatch", "Not the inputs of this run",
        f"The inputs digest given is not run {run_id}'s: check the run as it stands and authorise its digest.",
        errors=[{"field": "body.inputs_digest", "message": "is not the run's inputs digest"}],
    )


def inputs_changed(run_id: str, what: str) -> Problem:
    return Problem(
        409, "run-inputs-changed", "The run's inputs have changed",
        f"Since run {run_id} was prepared, {what}: abandon it and prepare the period again.",
    )


def approver_cannot_authorise(user: str) -> Problem:
    return Problem(
        403, "approver-cannot-authorise", "You approved a claim in this run",
        f"{user} approved a claim this run pays: another payments officer must authorise it (maker-checker).",
    )


def unknown_contract(contract_id: str, prime_id: str) -> Problem:
    return Problem(
        422, "unknown-contract", "No such contract of the prime",
        f"Contract {contract_id} is not known here as a contract of {prime_id}.",
        errors=[{"field": "body.contract_id", "message": f"not a contract of {prime_id}"}],
    )


def unknown_case(case_id: str, contract_id: str) -> Problem:
    return Problem(
        422, "unknown-case", "No such referral on the contract",
        f"Referral {case_id} is not known here on contract {contract_id}.",
        errors=[{"field": "body.case_id", "message": f"not a referral on {contract_id}"}],
    )


def unknown_claim(claim_id: str, contract_id: str) -> Problem:
    return Problem(
        422, "unknown-claim", "No such claim on the contract",
        f"Claim {claim_id} is not known here as a claim on contract {contract_id}.",
        errors=[{"field": "body.claim_id", "message": f"not a claim on {contract_id}"}],
    )


def claim_not_paid(claim_id: str, status: str) -> Problem:
    return Problem(
        409, "claim-not-paid", "The claim has not been paid",
        f"Claim {claim_id} is {status}: only what was paid is recovered (a claim not yet paid is rejected instead).",
        errors=[{"field": "body.claim_id", "message": f"{status}, not paid"}],
    )


def recovery_exceeds_payment(amount_pence: int, paid_pence: int) -> Problem:
    return Problem(
        422, "recovery-exceeds-payment", "More than was paid",
        f"The recovery of {amount_pence}p is more than the {paid_pence}p the claim was paid.",
        errors=[{"field": "body.amount_pence", "message": f"must not be more than {paid_pence}"}],
    )


def unknown_sample(sample_id: str, contract_id: str) -> Problem:
    return Problem(
        422, "unknown-sample", "No such sample of the contract",
        f"Sample {sample_id} is not known here as a sample of contract {contract_id} and that prime.",
        errors=[{"field": "body.sample_id", "message": f"not a sample of {contract_id}"}],
    )


def claim_recovered(claim_id: str) -> Problem:
    return Problem(
        409, "claim-recovered", "The claim is recovered already",
        f"Claim {claim_id} is on the recoveries ledger already: a claim is recovered once.",
        errors=[{"field": "body.claim_id", "message": "recovered already"}],
    )

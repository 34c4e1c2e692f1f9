"""The audit service's problem catalogue: each problem document it answers with, defined once here.

| slug | status | when |
| --- | --- | --- |
| `no-checkpoint` | 404 | nothing has been checkpointed yet, or not the size asked for |
| `beyond-checkpoint` | 422 | a tree size, index or range beyond the latest signed checkpoint |
| `bad-sizes` | 422 | a consistency proof asked from a larger tree to a smaller one |
| `unknown-leaf` | 404 | no leaf with that hash in the tree asked about |
| `ledger-gap` | 409 | the ledger is stopped before a gap in the stream (`/ready` says so too) |
| `ledger-inconsistent` | 500 | the stored tree is not consistent with the last signed checkpoint: nothing is signed |
| `invalid-nino` | 422 | the NI number is not one |

The service kit adds the common ones: `not-found` (404), `forbidden` (403), `unauthorised` (401),
`invalid-request` (422).
"""

from __future__ import annotations

from scx_servicekit import Problem


def no_checkpoint(detail: str = "The ledger has not signed a checkpoint yet.") -> Problem:
    return Problem(404, "no-checkpoint", "No such checkpoint", detail)


def beyond_checkpoint(field: str, value: int, size: int) -> Problem:
    return Problem(
        422, "beyond-checkpoint", "Beyond the latest signed checkpoint",
        f"{field} {value} is beyond the latest signed checkpoint, of {size} entries.",
        errors=[{"field": f"query.{field}", "message": f"at most {size}"}],
    )


def bad_sizes(first: int, second: int) -> Problem:
    return Problem(
        422, "bad-sizes", "No such proof", f"A tree of {second} cannot extend one of {first}.",
        errors=[{"field": "query.first", "message": "must not exceed second"}],
    )


def unknown_leaf(size: int) -> Problem:
    return Problem(404, "unknown-leaf", "No such leaf", f"No leaf with that hash among the first {size}.")


def ledger_gap(after: int, found: int) -> Problem:
    return Problem(
        409, "ledger-gap", "The ledger has stopped at a gap",
        f"The stream no longer holds sequences {after + 1}..{found - 1}; the ledger waits for an operator to "
        "acknowledge the gap before it appends anything after it.",
    )


def gap_not_found(after: int) -> Problem:
    return Problem(404, "not-found", "Gap not found", f"No gap after stream sequence {after}.")


def invalid_nino(message: str) -> Problem:
    return Problem(
        422, "invalid-nino", "Not a National Insurance number", message,
        errors=[{"field": "body.national_insurance_number", "message": message}],
    )


class LedgerInconsistent(RuntimeError):
    """The stored tree does not extend the last signed checkpoint: a corrupted or altered database. Nothing more is
    signed until someone looks."""

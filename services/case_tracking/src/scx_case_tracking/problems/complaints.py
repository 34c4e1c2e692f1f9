"""The complaints area's problems (who holds a complaint at each level: `rules.complaints`).

| slug | status | when |
| --- | --- | --- |
| `not-complaint-party` | 403 | raising a complaint or giving feedback by one who reads the case but may not |
| `not-complaint-holder` | 403 | answering, resolving or escalating by a party who may not at its level (below) |
| `complaint-resolved` | 409 | escalating, answering or resolving a complaint already resolved |
| `complaint-already-answered` | 409 | answering again at a level that has answered (escalate it, or resolve it) |
| `escalation-out-of-order` | 409 | escalating to a level that is not the next one (skipping one, staying, going back) |
| `no-higher-level` | 409 | escalating a complaint the DWP contract manager holds |
| `date-in-future` | 422 | (common) a raising, step or feedback dated after today |
| `date-too-early` | 422 | (common) a step before the last, a complaint before the referral, feedback before the start |

`date-too-early` names both dates. Who may record: a complaint raised with the provider, the advisers and managers of
the organisation delivering the case; raised with JCP, the referring district's referrers and TPPMs; feedback, either.
Who holds a complaint at each level (and so answers, resolves or escalates it): the table in `rules.complaints`.

A party that cannot see the complaint (or the case) gets `not-found` (404), exactly as for one that does not exist.
"""

from __future__ import annotations

from scx_servicekit import Problem


def not_party(detail: str) -> Problem:
    return Problem(403, "not-complaint-party", "You may not record this", detail)


def not_holder(action: str, level: str, held_by: str) -> Problem:
    return Problem(
        403, "not-complaint-holder", "You do not hold this complaint",
        f"At the {level} level the complaint is held by {held_by}: only they may {action} it.",
    )


def not_escalator(level: str, held_by: str, above: str | None, taken_by: str | None) -> Problem:
    next_one = f", or taken up by {taken_by} at the {above} level" if above else " (there is no higher level)"
    return Problem(
        403, "not-complaint-holder", "You do not hold this complaint",
        f"At the {level} level the complaint is held by {held_by}; it is escalated by them{next_one}.",
    )


def complaint_resolved(complaint_id: str, resolved_on: object) -> Problem:
    return Problem(
        409, "complaint-resolved", "The complaint is resolved",
        f"Complaint {complaint_id} was resolved on {resolved_on}: nothing more is recorded on it.",
    )


def already_answered(level: str, answered_on: object) -> Problem:
    return Problem(
        409, "complaint-already-answered", "The complaint is answered at this level",
        f"The {level} level answered it on {answered_on}: escalate it or resolve it.",
    )


def out_of_order(level: str, wanted: str, expected: str) -> Problem:
    return Problem(
        409, "escalation-out-of-order", "A complaint escalates one level at a time",
        f"It is held at the {level} level: it can go to the {expected} level next, not to {wanted}.",
        errors=[{"field": "body.level", "message": f"must be {expected}, the next level"}],
    )


def no_higher_level() -> Problem:
    return Problem(
        409, "no-higher-level", "The complaint is at the highest level",
        "The DWP contract manager holds it: answer or resolve it.",
        errors=[{"field": "body.level", "message": "there is no level above the contract manager"}],
    )

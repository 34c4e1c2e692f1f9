"""The problems the performance reports and the minimum performance levels answer with (RFC 9457).

A type's URI is `https://scx.example/problems/<slug>`:

| slug | status | when |
| --- | --- | --- |
| `invalid-month-range` | 422 | a report's `to` is before its `from`, or more than 120 months after it |
| `month-outside-contract` | 422 | a contract's report asks for a month before the contract starts or after it ends |
| `quarter-outside-contract` | 422 | a Provider Performance Review for a quarter with no month of the contract |
| `unknown-contract-package-area` | 422 | the primes of an area side by side, for an area no contract is in |
| `levels-outside-contract` | 422 | minimum performance levels applying from a month the contract does not have |

A caller who may not read a contract's performance (another prime) gets `not-found` (404), as for a contract that
does not exist; partners and Jobcentre Plus get `forbidden` (403), as does anyone but a DWP contract manager
setting levels.
"""

from __future__ import annotations

from scx_servicekit import Problem


def invalid_month_range(first: str, last: str, *, most: int) -> Problem:
    message = (
        f"must not be before from ({first})" if last < first else f"must be within {most} months of from ({first})"
    )
    return Problem(
        422, "invalid-month-range", "The months asked for are not a range a report covers",
        f"A report covers from 1 to {most} months, from `from` to `to`: {first} to {last} is not such a range.",
        errors=[{"field": "query.to", "message": message}],
    )


def month_outside_contract(month: str, *, first: str, last: str, field: str) -> Problem:
    return Problem(
        422, "month-outside-contract", "The month is outside the contract",
        f"{month} is outside the contract's months, {first} to {last}.",
        errors=[{"field": f"query.{field}", "message": f"must be within {first}..{last}"}],
    )


def quarter_outside_contract(quarter: str, *, first: str, last: str) -> Problem:
    return Problem(
        422, "quarter-outside-contract", "The quarter has no month of the contract",
        f"The contract runs from {first} to {last}; {quarter} has none of its months.",
        errors=[{"field": "path.quarter", "message": f"must share a month with {first}..{last}"}],
    )


def unknown_area(area: str) -> Problem:
    return Problem(
        422, "unknown-contract-package-area", "No contract is in that contract package area",
        f"No contract has been awarded for {area}.",
        errors=[{"field": "path.area", "message": "no contract is in this contract package area"}],
    )


def levels_outside_contract(month: str, *, first: str, last: str) -> Problem:
    return Problem(
        422, "levels-outside-contract", "The levels would apply from a month outside the contract",
        f"{month} is outside the contract's months, {first} to {last}.",
        errors=[{"field": "body.applies_from", "message": f"must be within {first}..{last}"}],
    )

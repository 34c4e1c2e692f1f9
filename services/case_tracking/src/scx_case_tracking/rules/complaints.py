"""Who holds a complaint at each level, and where it may go next: pure rules, no database and no HTTP.

A complaint climbs three levels, in order, and never comes down:

| level | held by | reached |
| --- | --- | --- |
| `provider` | advisers and managers of the provider complained about | raised with the provider |
| `tppm` | the TPPM (role `tppm`) of the referring JCP district | raised with JCP, or escalated from the provider |
| `contract_manager` | a DWP contract manager (role `contract_manager`) | escalated from the TPPM |

A complaint raised with JCP goes straight to the district's TPPM, who takes it up with the provider (the domain:
"JCP passes complaints to the TPPM, who raises them with the provider").

- **Answer** and **resolve**: only the party holding the complaint at its level.
- **Escalate**, to the next level only: the party holding it (passing it up) or the party of the next level (taking
  it up, as when the claimant goes to them).
- The other parties (the prime, the referring district's referrers, DWP auditors) read it and change nothing.

Days are calendar days between the dates the steps were done.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal, get_args

from scx_servicekit import Principal

ComplaintLevel = Literal["provider", "tppm", "contract_manager"]
LEVELS: tuple[ComplaintLevel, ...] = get_args(ComplaintLevel)
ComplaintStatus = Literal["open", "answered", "resolved"]
StepKind = Literal["raised", "escalated", "answered", "resolved"]
PROVIDER_STAFF = ("adviser", "manager")
JCP_STAFF = ("referrer", "tppm")


@dataclass(frozen=True)
class Parties:
    """Whom a complaint is between, beside DWP: fixed when it is raised."""

    prime_id: str
    referrer_id: str
    provider_id: str


@dataclass(frozen=True)
class Holder:
    """The party holding a complaint at a level: staff of `organisation_id` in one of `roles`."""

    kind: str
    organisation_id: str
    roles: tuple[str, ...]

    def describe(self) -> str:
        return f"{' or '.join(self.roles)} of {self.organisation_id}"


def first_level(raised_with: str) -> ComplaintLevel:
    """Raised with the provider, the provider holds it; raised with JCP, the district's TPPM does."""
    return "provider" if raised_with == "provider" else "tppm"


def next_level(level: str) -> ComplaintLevel | None:
    position = LEVELS.index(level)
    return LEVELS[position + 1] if position + 1 < len(LEVELS) else None


def holder(level: str, parties: Parties) -> Holder:
    if level == "provider":
        return Holder("provider", parties.provider_id, PROVIDER_STAFF)
    if level == "tppm":
        return Holder("jcp", parties.referrer_id, ("tppm",))
    return Holder("dwp", "dwp", ("contract_manager",))


def holds(principal: Principal, level: str, parties: Parties) -> bool:
    """Whether the caller is the party holding a complaint at `level`."""
    who = holder(level, parties)
    kind_fits = principal.kind in ("prime", "partner") if who.kind == "provider" else principal.kind == who.kind
    return kind_fits and principal.organisation_id == who.organisation_id and principal.has_role(*who.roles)


def may_escalate(principal: Principal, level: str, parties: Parties) -> bool:
    """The holder passes it up, or the next level takes it up."""
    above = next_level(level)
    return holds(principal, level, parties) or (above is not None and holds(principal, above, parties))


def is_party(principal: Principal, parties: Parties) -> bool:
    """DWP, the prime, the referring JCP district and the provider complained about see the complaint."""
    if principal.kind == "dwp":
        return True
    if principal.kind == "jcp":
        return principal.organisation_id == parties.referrer_id
    return principal.organisation_id in (parties.prime_id, parties.provider_id)


def may_raise(principal: Principal, raised_with: str, *, delivering_organisation_id: str, referrer_id: str) -> bool:
    """With the provider: its advisers and managers record it; with JCP: the referring district's staff do."""
    if raised_with == "provider":
        return (
            principal.kind in ("prime", "partner") and principal.organisation_id == delivering_organisation_id
            and principal.has_role(*PROVIDER_STAFF)
        )
    return principal.kind == "jcp" and principal.organisation_id == referrer_id and principal.has_role(*JCP_STAFF)


def may_give_feedback(principal: Principal, *, delivering_organisation_id: str, referrer_id: str) -> bool:
    """The claimant's feedback is recorded by the delivering organisation's staff or the referring JCP district."""
    return may_raise(principal, "provider", delivering_organisation_id=delivering_organisation_id,
                     referrer_id=referrer_id) or may_raise(
        principal, "jcp", delivering_organisation_id=delivering_organisation_id, referrer_id=referrer_id
    )


def days_between(earlier: date, later: date) -> int:
    return (later - earlier).days

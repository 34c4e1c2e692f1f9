"""The referral service's rules, testable alone: payment groups, and whether a partner may take a referral."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

# Work Programme payment groups (docs/domain.md) and the benefits they can hold.
PAYMENT_GROUPS: dict[int, tuple[str, frozenset[str]]] = {
    1: ("JSA 18-24", frozenset({"JSA"})),
    2: ("JSA 25+", frozenset({"JSA"})),
    3: ("JSA early access", frozenset({"JSA"})),
    4: ("JSA ex-Incapacity Benefit", frozenset({"JSA"})),
    5: ("ESA volunteers", frozenset({"ESA"})),
    6: ("New ESA claimants", frozenset({"ESA"})),
    7: ("ESA ex-Incapacity Benefit", frozenset({"ESA"})),
    8: ("IB/IS (England)", frozenset({"IB", "IS"})),
    9: ("JSA prison leavers", frozenset({"JSA"})),
}


def payment_group_fits(payment_group: int, benefit_type: str) -> bool:
    return benefit_type in PAYMENT_GROUPS[payment_group][1]


@dataclass(frozen=True)
class SubcontractView:
    """What the referral service knows of a subcontract, from subcontracts' events."""

    subcontract_id: str
    partner_id: str
    model: str
    start_date: date
    end_date: date
    ended_on: date | None
    postcode_districts: list[str] = field(default_factory=list)
    health_conditions: list[str] = field(default_factory=list)
    services: list[str] = field(default_factory=list)
    monthly_capacity: int | None = None


@dataclass(frozen=True)
class ClaimantView:
    postcode_district: str
    needs: list[str]


@dataclass(frozen=True)
class Refusal:
    slug: str
    title: str
    detail: str
    field: str = "partner_id"


def fits_client_group(subcontract: SubcontractView, claimant: ClaimantView) -> Refusal | None:
    """A client group of districts and conditions asks for both: the claimant must live in one of the districts
    (if any are named) and have one of the conditions (if any are named)."""
    if subcontract.postcode_districts and claimant.postcode_district not in subcontract.postcode_districts:
        return Refusal(
            "outside-client-group",
            "The claimant is outside the partner's client group",
            f"{claimant.postcode_district} is not among the partner's postcode districts "
            f"({', '.join(subcontract.postcode_districts)}).",
        )
    if subcontract.health_conditions and not set(claimant.needs) & set(subcontract.health_conditions):
        return Refusal(
            "outside-client-group",
            "The claimant is outside the partner's client group",
            f"the partner serves clients with {', '.join(subcontract.health_conditions)}; the referral's needs "
            f"are {', '.join(claimant.needs) or 'none recorded'}.",
        )
    return None


def check_allocation(
    subcontract: SubcontractView,
    claimant: ClaimantView,
    *,
    on: date,
    service: str | None,
    allocated_this_month: int,
) -> Refusal | None:
    """Why this partner may not take this referral under this subcontract today, or None if it may."""
    if subcontract.ended_on is not None and on >= subcontract.ended_on:
        return Refusal(
            "subcontract-ended",
            "The partner's subcontract has ended",
            f"subcontract {subcontract.subcontract_id} ended on {subcontract.ended_on}.",
        )
    if not subcontract.start_date <= on <= subcontract.end_date:
        return Refusal(
            "subcontract-not-live",
            "The partner's subcontract is not live on that date",
            f"subcontract {subcontract.subcontract_id} runs {subcontract.start_date} to {subcontract.end_date}.",
        )
    if subcontract.model in ("end_to_end", "sla", "specialist"):
        refusal = fits_client_group(subcontract, claimant)
        if refusal:
            return refusal
    if subcontract.model == "specialist":
        if service is None:
            return Refusal(
                "service-required",
                "Say which specialist service the claimant is referred for",
                f"the partner offers {', '.join(subcontract.services)}.",
                field="service",
            )
        if service not in subcontract.services:
            return Refusal(
                "service-not-offered",
                "The partner does not offer that service",
                f"{service} is not one of {', '.join(subcontract.services)}.",
                field="service",
            )
    elif service is not None:
        return Refusal(
            "service-not-applicable",
            "Only specialist provision is allocated per service",
            f"a {subcontract.model} partner takes the referral as a whole.",
            field="service",
        )
    if subcontract.monthly_capacity is not None and allocated_this_month >= subcontract.monthly_capacity:
        return Refusal(
            "partner-at-capacity",
            "The partner is at its monthly capacity",
            f"{allocated_this_month} of {subcontract.monthly_capacity} places this month are taken.",
        )
    return None

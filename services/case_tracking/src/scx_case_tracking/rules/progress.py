"""Rules of the progress area, testable alone: who may have delivered an activity on a case.

An activity is delivered by the organisation delivering the case, or by a **specialist partner** under a specialist
subcontract of the case's prime on the case's contract, live on the day it was delivered, offering the service named.
A specialist partner is paid per service delivered, so its delivery names the subcontract and the service.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from scx_registry import KnownSubcontract


@dataclass(frozen=True)
class Refusal:
    """Why a delivery cannot be recorded as named: a problem's slug, title and detail, and the field at fault."""

    slug: str
    title: str
    detail: str
    field: str


def why_not_live(subcontract: KnownSubcontract, on: date) -> Refusal | None:
    """Why the subcontract was not live on `on`, or None if it was (an end takes effect on its date)."""
    if subcontract.ended_on is not None and on >= subcontract.ended_on:
        return Refusal(
            "subcontract-ended", "The specialist subcontract had ended",
            f"subcontract {subcontract.subcontract_id} ended on {subcontract.ended_on}; the activity is dated {on}.",
            "delivered_on",
        )
    if not subcontract.start_date <= on <= subcontract.end_date:
        return Refusal(
            "subcontract-not-live", "The specialist subcontract was not live on that date",
            f"subcontract {subcontract.subcontract_id} runs {subcontract.start_date} to {subcontract.end_date}; "
            f"the activity is dated {on}.",
            "delivered_on",
        )
    return None


def specialist_delivery(
    partner_id: str,
    candidates: Sequence[KnownSubcontract],
    *,
    on: date,
    service: str | None,
    subcontract_id: str | None,
) -> KnownSubcontract | Refusal:
    """The specialist subcontract `partner_id` delivered `service` under on `on`, out of its subcontracts with the
    case's prime on the case's contract (`candidates`); or why none fits, the first reason found in the order: no
    subcontract, not specialist, not live, no service named, service not offered."""
    if subcontract_id is not None:
        candidates = [s for s in candidates if s.subcontract_id == subcontract_id]
    if not candidates:
        named = f" {subcontract_id}" if subcontract_id else ""
        return Refusal(
            "no-subcontract", "No such subcontract",
            f"{partner_id} has no subcontract{named} with the case's prime under the case's contract, and does "
            "not deliver the case.",
            "subcontract_id" if subcontract_id else "delivered_by",
        )
    specialist = [s for s in candidates if s.model == "specialist"]
    if not specialist:
        models = ", ".join(sorted({s.model for s in candidates}))
        return Refusal(
            "not-specialist", "Not a specialist subcontract",
            f"{partner_id} works under {models} provision here; only a specialist partner delivers activities on "
            "a case another organisation delivers.",
            "delivered_by",
        )
    live = [s for s in specialist if why_not_live(s, on) is None]
    if not live:
        refusal = why_not_live(specialist[0], on)
        assert refusal is not None
        return refusal
    if service is None:
        offered = sorted({name for s in live for name in s.services})
        return Refusal(
            "service-required", "Name the specialist service",
            f"a specialist partner is paid per service: {partner_id} offers {', '.join(offered)}.",
            "service",
        )
    for subcontract in live:
        if service in subcontract.services:
            return subcontract
    offered = sorted({name for s in live for name in s.services})
    return Refusal(
        "service-not-offered", "The partner does not offer that service",
        f"{service} is not one of {', '.join(offered)} under {partner_id}'s specialist subcontract.",
        "service",
    )

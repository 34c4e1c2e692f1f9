"""What each supply-chain model's terms must and must not hold (docs/domain.md, the four models)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from scx_contracts.subcontracts import SubcontractTerms


@dataclass(frozen=True)
class TermsError:
    field: str
    message: str


NOT_AN_OUTCOME_SHARE = {
    "specialist": "a specialist partner is paid per service, not a share of outcome payments",
    "sla": "an SLA partner is funded elsewhere: it takes no share of outcome payments",
}


def check_terms(model: str, terms: SubcontractTerms) -> list[TermsError]:
    """What each model's terms must hold. Only an end-to-end partner may carry an outcome payment share (optional:
    terms agreed before it existed have none, and then nothing of the outcome payments is owed to the partner)."""
    errors: list[TermsError] = []
    group = terms.client_group
    if model in NOT_AN_OUTCOME_SHARE and terms.outcome_payment_share_percent is not None:
        errors.append(TermsError("outcome_payment_share_percent", NOT_AN_OUTCOME_SHARE[model]))
    if model == "end_to_end":
        if group is None or not (group.postcode_districts or group.health_conditions):
            errors.append(
                TermsError("client_group", "an end-to-end partner serves a client group: give postcode districts "
                           "and/or health conditions")
            )
        if terms.share_of_targets_percent is None:
            errors.append(TermsError("share_of_targets_percent", "an end-to-end partner carries a share of the "
                                     "prime's outcome targets"))
        if terms.services:
            errors.append(TermsError("services", "an end-to-end partner is paid by outcome, not per service"))
    elif model == "specialist":
        if not terms.services:
            errors.append(TermsError("services", "a specialist partner is paid per service: list at least one "
                                     "service with its price"))
        if terms.share_of_targets_percent is not None:
            errors.append(TermsError("share_of_targets_percent", "a specialist partner carries no outcome targets"))
        names = [s.service for s in terms.services]
        if len(names) != len(set(names)):
            errors.append(TermsError("services", "each service may be priced once"))
    elif model == "sla":
        if terms.services:
            errors.append(TermsError("services", "an SLA partner is funded elsewhere: the programme pays nothing"))
        if terms.share_of_targets_percent is not None:
            errors.append(TermsError("share_of_targets_percent", "an SLA partner carries no targets from the prime"))
    elif model == "signposting":
        for name, value in (
            ("client_group", group),
            ("share_of_targets_percent", terms.share_of_targets_percent),
            ("outcome_payment_share_percent", terms.outcome_payment_share_percent),
            ("services", terms.services or None),
            ("monthly_capacity", terms.monthly_capacity),
        ):
            if value is not None:
                errors.append(TermsError(name, "signposting is informal: it has no agreement terms"))
    return errors


def check_within_contract(terms: SubcontractTerms, contract_start: date, contract_end: date) -> list[TermsError]:
    errors = []
    if terms.start_date < contract_start:
        errors.append(TermsError("start_date", f"the subcontract cannot start before the contract ({contract_start})"))
    if terms.end_date > contract_end:
        errors.append(TermsError("end_date", f"the subcontract cannot end after the contract ({contract_end})"))
    return errors


def check_share_of_targets(other_live_shares: list[int], share: int | None) -> list[TermsError]:
    """End-to-end partners share the prime's targets; together they cannot hold more than all of them."""
    if share is None:
        return []
    total = sum(other_live_shares) + share
    if total > 100:
        return [
            TermsError(
                "share_of_targets_percent",
                f"end-to-end partners would hold {total}% of the prime's targets; at most 100% can be passed down",
            )
        ]
    return []

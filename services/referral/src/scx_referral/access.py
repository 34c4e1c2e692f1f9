"""Who may see and do what with a referral (docs/architecture.md): object-level, from the token's organisation."""

from __future__ import annotations

from scx_referral.models import Referral
from scx_referral.repository import ReferralFilter
from scx_servicekit import Principal, Problem
from scx_servicekit.auth import forbidden


def can_see(principal: Principal, referral: Referral) -> bool:
    """DWP sees every referral; JCP those it made; a prime those to its contracts; a partner those allocated to it."""
    if principal.kind == "dwp":
        return True
    if principal.kind == "jcp":
        return referral.referrer_id == principal.organisation_id
    if principal.kind == "prime":
        return referral.prime_id == principal.organisation_id
    return referral.current_partner_id == principal.organisation_id


def visible_to(principal: Principal) -> ReferralFilter:
    """`can_see` as a filter on the referrals table."""
    if principal.kind == "dwp":
        return ReferralFilter()
    if principal.kind == "jcp":
        return ReferralFilter(referrer_id=principal.organisation_id)
    if principal.kind == "prime":
        return ReferralFilter(prime_id=principal.organisation_id)
    return ReferralFilter(current_partner_id=principal.organisation_id)


def sees_nino(principal: Principal, referral: Referral) -> bool:
    """Only the referring JCP office and the prime get the NI number back in full (ADR 0008)."""
    return principal.organisation_id in (referral.referrer_id, referral.prime_id)


def require_referrer(principal: Principal) -> None:
    if principal.kind != "jcp" or not principal.has_role("referrer"):
        raise forbidden("Only a Jobcentre Plus referrer may refer claimants.")


def require_prime_staff(principal: Principal) -> None:
    if principal.kind != "prime" or not principal.has_role("manager", "adviser"):
        raise forbidden("Only the prime provider holding the referral may do this.")


def holds(principal: Principal, referral: Referral) -> bool:
    """The prime whose contract the referral is to (its staff were checked by `require_prime_staff`)."""
    return referral.prime_id == principal.organisation_id


def may_withdraw(principal: Principal, referral: Referral) -> bool:
    """The prime holding the referral, or the JCP office that made it."""
    if principal.kind == "prime":
        return referral.prime_id == principal.organisation_id and principal.has_role("manager", "adviser")
    if principal.kind == "jcp":
        return referral.referrer_id == principal.organisation_id and principal.has_role("referrer")
    return False


def withdrawal_forbidden() -> Problem:
    return forbidden("Only the prime holding the referral or the referring JCP office may withdraw it.")

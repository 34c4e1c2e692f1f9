"""The words more than one producer (and every consumer) uses, each defined once.

A word one producer alone uses (a subcontract's end reason, a referral's rejection reason) stays in that producer's
module; a word that crosses producers lives here, so a new value is added in one place for every event and API.
"""

from __future__ import annotations

from typing import Annotated, Literal, get_args

from pydantic import StringConstraints

OrganisationKind = Literal["dwp", "jcp", "prime", "partner"]
ORGANISATION_KINDS: tuple[str, ...] = get_args(OrganisationKind)

SupplyChainModel = Literal["end_to_end", "specialist", "sla", "signposting"]

# Coded health-condition categories: events and read models carry these codes, never free-text health detail.
HealthCondition = Literal[
    "mental_health",
    "musculoskeletal",
    "cardiovascular",
    "respiratory",
    "neurological",
    "learning_disability",
    "hearing_impairment",
    "visual_impairment",
    "substance_misuse",
    "other_condition",
]
HEALTH_CONDITIONS: tuple[str, ...] = get_args(HealthCondition)

# The outward code of a postcode (NE1, LS12, W1A), never the full postcode: ASCII letters and digits only.
PostcodeDistrict = Annotated[str, StringConstraints(max_length=4, pattern=r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")]

# The benefit a claimant was referred from: Employment and Support Allowance, Incapacity Benefit, Jobseeker's
# Allowance, Income Support. Payment groups depend on it.
BenefitType = Literal["ESA", "IB", "JSA", "IS"]

# Who delivers for a referral: the prime itself, or a partner in its supply chain.
Delivery = Literal["in_house", "partner"]

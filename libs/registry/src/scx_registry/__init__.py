"""The registry read model: what a service knows of organisations, contracts (with their monthly profiles) and
subcontracts (with their variations and endings), fed only by the subcontracts service's events.

A service includes it by adding `scx_registry.SUBSCRIPTIONS` to its own, `registry_metadata` to its Alembic
targets (its migrations create the tables with `scx_registry.migrations`), and reading through
`scx_registry.repository`. It never reads the subcontracts service's database or calls its API (ADR 0014).
"""

from scx_registry.handlers import SUBSCRIPTIONS
from scx_registry.models import (
    KnownContract,
    KnownOrganisation,
    KnownSubcontract,
    ProfileMonth,
    SubcontractPaymentTerms,
    registry_metadata,
)

__all__ = [
    "SUBSCRIPTIONS",
    "KnownContract",
    "KnownOrganisation",
    "KnownSubcontract",
    "ProfileMonth",
    "SubcontractPaymentTerms",
    "registry_metadata",
]

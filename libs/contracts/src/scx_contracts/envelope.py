from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

import uuid_utils
from pydantic import AwareDatetime, ConfigDict, Field, field_validator

from scx_contracts.tolerant import ContractModel
from scx_contracts.vocabulary import OrganisationKind

SUBJECT_ROOT = "scx"


def new_event_id() -> str:
    """UUIDv7: time-ordered, so ids sort in the order events were made."""
    return str(uuid_utils.uuid7())


def utcnow() -> datetime:
    return datetime.now(UTC)


def subject_for(event_type: str, version: int) -> str:
    return f"{SUBJECT_ROOT}.{event_type}.v{version}"


def subject_filter(event_type: str) -> str:
    """The subject filter matching every version of one event type."""
    return f"{SUBJECT_ROOT}.{event_type}.>"


class Actor(ContractModel):
    """Who caused the event: an organisation, acting in a role, through a user (or a service)."""

    organisation_id: str
    organisation_kind: OrganisationKind | Literal["system"]
    role: str
    user: str


class Envelope(ContractModel):
    """The one envelope every scx event travels in (docs/architecture.md, Events). Consumers read it with
    `model_validate_json(payload, context=TOLERANT)`, so an envelope field added later does not break them."""

    model_config = ConfigDict(extra="forbid", frozen=False)

    # A UUID (v7 from our producers): what the inbox and dead-letter columns hold, and nothing a log could trip on.
    event_id: str = Field(default_factory=new_event_id, pattern=r"^[0-9A-Za-z-]{1,36}$")
    type: str = Field(pattern=r"^[a-z_]+\.[a-z_]+$")
    version: int = Field(ge=1)
    occurred_at: AwareDatetime = Field(default_factory=utcnow)
    recorded_at: AwareDatetime = Field(default_factory=utcnow)
    producer: str
    actor: Actor
    journey_id: str | None = None
    claimant_ref: str | None = None
    correlation_id: str | None = None
    causation_id: str | None = None
    data: dict[str, Any]

    @field_validator("occurred_at", "recorded_at")
    @classmethod
    def _in_utc(cls, value: datetime) -> datetime:
        return value.astimezone(UTC)

    @property
    def subject(self) -> str:
        return subject_for(self.type, self.version)

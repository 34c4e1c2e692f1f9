"""Strict writers, tolerant readers (ARCHITECTURE.md, Events; ADR 0005).

Every contract model forbids fields its schema lacks, so a producer cannot record an event its schema does not
describe. A consumer reads with the validation context `{"tolerant": True}`: then unknown keys are dropped before
validation, at every level (envelope, actor, data, nested terms), so a newer producer adding an optional field never
dead-letters an older consumer during a rolling deploy. Known fields are validated as strictly either way.
"""

from __future__ import annotations

import functools
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationInfo, model_validator

TOLERANT: dict[str, Any] = {"tolerant": True}


@functools.cache
def _known_keys(model: type[BaseModel]) -> frozenset[str]:
    fields = model.model_fields
    return frozenset([*fields, *(f.alias for f in fields.values() if f.alias)])


class ContractModel(BaseModel):
    """Base of every model in an event: strict when written, tolerant of unknown fields when read."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _drop_unknown_when_tolerant(cls, value: Any, info: ValidationInfo) -> Any:
        if isinstance(value, dict) and info.context and info.context.get("tolerant"):
            known = _known_keys(cls)
            if not known.issuperset(value):
                return {k: v for k, v in value.items() if k in known}
        return value

"""Shapes of tariff versions: a new version's request (the day it takes effect and its body, bounded and strict as
`rules.tariffs.TariffBody` is) and a version as it is shown."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from scx_claims.rules.tariffs import TariffBody
from scx_servicekit.strict import IsoDate, RequestModel

MODEL_PATTERN = r"^[a-z0-9][a-z0-9-]{1,46}[a-z0-9]$"


class AddTariffVersion(RequestModel):
    effective_from: IsoDate = Field(
        description="after today, and after the latest version's date: it decides what becomes payable from then on"
    )
    body: TariffBody


class TariffVersionOut(BaseModel):
    model: str = Field(description="the payment model a contract names at its award")
    version: int
    effective_from: date
    body: TariffBody
    body_digest: str = Field(description="SHA-256 of the body's canonical JSON: what a payment run freezes")
    source: str = Field(description="shipped (with the service) or dwp (added by a contract manager)")
    added_by: str
    added_at: datetime
    assumed_figures: list[str] = Field(description="the figures that are assumptions rather than published")

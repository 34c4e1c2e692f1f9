"""The tariffs the service ships, one TOML file per model and version (`<model>.v<version>.toml`) beside this
module, each checked as DWP's own new versions are (`rules.tariffs`). Migrations load them, inserting only the
versions a database lacks, so loading twice changes nothing and a version once loaded is never rewritten: a
corrected figure is a new version, effective from a date."""

from __future__ import annotations

import tomllib
from datetime import date
from importlib import resources

from scx_claims.rules.tariffs import TariffBody, TariffVersion, faults


def shipped() -> list[TariffVersion]:
    """Every shipped tariff version, by model and version; raises ValueError naming a file that is not usable."""
    found = []
    for entry in sorted(resources.files(__package__).iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".toml"):
            continue
        data = tomllib.loads(entry.read_text(encoding="utf-8"))
        body = TariffBody.model_validate(data["body"])
        if problems := faults(body):
            raise ValueError(f"{entry.name}: {problems}")
        version = TariffVersion(
            model=data["model"], version=data["version"], effective_from=date.fromisoformat(data["effective_from"]),
            body=body,
        )
        if entry.name != f"{version.model}.v{version.version}.toml":
            raise ValueError(f"{entry.name} holds {version.model} version {version.version}")
        found.append(version)
    return sorted(found, key=lambda v: (v.model, v.version))

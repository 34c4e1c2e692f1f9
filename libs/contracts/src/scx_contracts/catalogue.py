"""Exports the JSON Schema of every event and a Markdown catalogue generated from them.

`python -m scx_contracts.catalogue docs/events` writes the files; a test fails when the checked-in copies are stale.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, create_model

from scx_contracts import REGISTRY, Envelope


def event_model(event_type: str, version: int) -> type[BaseModel]:
    data_model = REGISTRY.model_for(event_type, version)
    return create_model(
        f"{data_model.__name__}V{version}Event",
        __base__=Envelope,
        type=(Literal[event_type], ...),  # type: ignore[arg-type]
        version=(Literal[version], ...),  # type: ignore[arg-type]
        data=(data_model, ...),
    )


def schema_for(event_type: str, version: int) -> dict[str, Any]:
    schema = event_model(event_type, version).model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://scx.example/events/{event_type}.v{version}.json"
    schema["title"] = f"{event_type} v{version}"
    doc = (REGISTRY.model_for(event_type, version).__doc__ or "").strip()
    if doc:
        schema["description"] = doc
    return schema


def render_files() -> dict[str, str]:
    files: dict[str, str] = {}
    rows = []
    for (event_type, version), model in REGISTRY.items():
        name = f"{event_type}.v{version}.json"
        files[name] = json.dumps(schema_for(event_type, version), indent=2, sort_keys=True) + "\n"
        producer = model.__module__.rsplit(".", 1)[-1]
        fields = ", ".join(f"`{f}`" for f in model.model_fields)
        summary = " ".join((model.__doc__ or "").split())
        rows.append(
            f"| `{event_type}` | {version} | `scx.{event_type}.v{version}` | {producer} | {fields} | {summary} |"
        )
    files["README.md"] = "\n".join(
        [
            "# Event catalogue",
            "",
            "Generated from the schemas in `libs/contracts` by `make events`; do not edit by hand.",
            "Every event travels in the envelope of `docs/architecture.md` (see any schema file for its fields).",
            "",
            "| type | version | subject | producer | data fields | notes |",
            "| --- | --- | --- | --- | --- | --- |",
            *rows,
            "",
        ]
    )
    return files


def write(directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("*.json"):
        stale.unlink()
    for name, text in render_files().items():
        (directory / name).write_text(text)


if __name__ == "__main__":
    write(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/events"))

"""Every example event pushed to its bounds: the largest integers, the longest strings, the fullest lists its schema
allows. A producer may record any of these, so every consumer must apply them."""

from __future__ import annotations

import re
from typing import Any

from scx_contracts import REGISTRY, Envelope
from scx_testing.examples import EXAMPLES, example_envelope

# Three bytes in UTF-8, one character: a column that counts bytes rather than characters would show it.
WIDE = "名"


def _resolve(schema: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = defs[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _pad(value: str, schema: dict[str, Any]) -> str:
    longest = schema.get("maxLength")
    pattern = schema.get("pattern")
    if longest is None or len(value) >= longest:
        return value
    for filler in (WIDE, "x"):
        padded = value + filler * (longest - len(value))
        if pattern is None or re.fullmatch(pattern, padded):
            return padded
    return value


def _districts(count: int) -> list[str]:
    letters = [chr(c) for c in range(ord("A"), ord("Z") + 1)]
    return [f"{a}{b}{n}" for a in letters for b in letters for n in range(10)][:count]


def _months(count: int) -> list[str]:
    return [f"{2025 + i // 12}-{i % 12 + 1:02d}" for i in range(count)]


def at_bounds(value: Any, schema: dict[str, Any], defs: dict[str, Any]) -> Any:
    schema = _resolve(schema, defs)
    if "anyOf" in schema:
        branches = [_resolve(b, defs) for b in schema["anyOf"] if b.get("type") != "null"]
        first = branches[0] if branches else {}
        scalar = first.get("type") in ("integer", "string") and "format" not in first and "enum" not in first
        if value is None and scalar:
            value = 0 if first["type"] == "integer" else "x"
        return value if value is None else at_bounds(value, branches[0], defs)
    kind = schema.get("type")
    if kind == "integer":
        return schema.get("maximum", value)
    if kind == "string" and "enum" not in schema and "const" not in schema and "format" not in schema:
        return _pad(value, schema)
    if kind == "object":
        properties = schema.get("properties", {})
        return {k: at_bounds(v, properties[k], defs) if k in properties else v for k, v in value.items()}
    if kind == "array":
        return _fill(value, schema, defs)
    return value


def _fill(items: list[Any], schema: dict[str, Any], defs: dict[str, Any]) -> list[Any]:
    most = schema.get("maxItems")
    item = _resolve(schema.get("items", {}), defs)
    if most is None:
        return [at_bounds(v, item, defs) for v in items]
    if "enum" in item:
        return list(item["enum"])[:most]
    if item.get("type") == "string" and item.get("pattern", "").startswith("^[A-Z]{1,2}[0-9]"):
        return _districts(most)
    if item.get("type") == "object":
        first = at_bounds(items[0], item, defs) if items else _made(item, defs)
        filled = [dict(first) for _ in range(most)]
        if "month" in first:
            for entry, month in zip(filled, _months(most), strict=True):
                entry["month"] = month
        return filled
    return [at_bounds(v, item, defs) for v in items]


def _made(schema: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    """An object of the largest scalars its schema allows, for a list the example leaves empty."""
    made: dict[str, Any] = {}
    for name, prop in schema.get("properties", {}).items():
        prop = _resolve(prop, defs)
        if prop.get("type") == "integer":
            made[name] = prop.get("maximum", 0)
        elif prop.get("type") == "string" and "enum" not in prop:
            made[name] = _pad("", prop)
    return made


def example_at_bounds(event_type: str, version: int = 1, *, keep: frozenset[str] = frozenset()) -> Envelope:
    """`keep` names the fields left as in the example: those that order events (a variation's number) would
    otherwise make a consumer wait for predecessors that never come."""
    model = REGISTRY.model_for(event_type, version)
    schema = model.model_json_schema()
    example = EXAMPLES[(event_type, version)]
    data = at_bounds(example, schema, schema.get("$defs", {}))
    data.update({name: example[name] for name in keep if name in example})
    model.model_validate(data)  # still inside the schema, or the test itself is wrong
    return example_envelope(event_type, version, data=data)


def examples_at_bounds(*, keep: frozenset[str] = frozenset({"variation"})) -> list[Envelope]:
    """In the examples' order, which is causal (an agreement before its variation)."""
    return [example_at_bounds(event_type, version, keep=keep) for event_type, version in EXAMPLES]

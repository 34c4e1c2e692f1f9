import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from scx_contracts import REGISTRY
from scx_contracts.catalogue import render_files, schema_for, write
from scx_testing import EXAMPLES, example_envelope

EVENTS_DIR = Path(__file__).resolve().parents[3] / "docs" / "events"
REGENERATE = "docs/events is stale: run `make events` (python -m scx_contracts.catalogue docs/events) and commit it"
REGISTERED = [key for key, _ in REGISTRY.items()]


def differences(directory: Path) -> dict[str, list[str]]:
    expected = render_files()
    present = {p.name for p in directory.glob("*.json")} | {p.name for p in directory.glob("README.md")}
    return {
        "missing": sorted(set(expected) - present),
        "extra": sorted(present - set(expected)),
        "changed": sorted(n for n in set(expected) & present if (directory / n).read_text() != expected[n]),
    }


def test_checked_in_catalogue_matches_the_schemas():
    found = differences(EVENTS_DIR)

    assert not any(found.values()), f"{REGENERATE}; {found}"


def test_the_staleness_check_sees_missing_extra_and_changed_files(tmp_path):
    write(tmp_path)
    assert not any(differences(tmp_path).values())

    (tmp_path / "referral.allocated.v1.json").write_text("{}")
    (tmp_path / "referral.received.v1.json").unlink()
    (tmp_path / "referral.retired.v1.json").write_text("{}")

    assert differences(tmp_path) == {
        "missing": ["referral.received.v1.json"],
        "extra": ["referral.retired.v1.json"],
        "changed": ["referral.allocated.v1.json"],
    }


@pytest.mark.parametrize(("event_type", "version"), REGISTERED, ids=[f"{t}.v{v}" for t, v in REGISTERED])
def test_exported_schema_is_valid_json_schema(event_type, version):
    schema = schema_for(event_type, version)

    Draft202012Validator.check_schema(schema)
    assert schema["properties"]["type"]["const"] == event_type
    assert schema["properties"]["version"]["const"] == version


def test_every_registered_event_has_an_example():
    missing = sorted(set(REGISTERED) - set(EXAMPLES))

    assert not missing, f"add an example of {missing} to libs/testing/src/scx_testing/examples.py"


@pytest.mark.parametrize(("event_type", "version"), sorted(EXAMPLES), ids=[f"{t}.v{v}" for t, v in sorted(EXAMPLES)])
def test_example_validates_against_its_exported_schema(event_type, version):
    event = json.loads(example_envelope(event_type, version).model_dump_json())

    Draft202012Validator(schema_for(event_type, version)).validate(event)
    REGISTRY.parse_data(example_envelope(event_type, version))


def test_schema_refuses_a_missing_field_and_an_extra_one():
    event = json.loads(example_envelope("referral.allocated").model_dump_json())
    validator = Draft202012Validator(schema_for("referral.allocated", 1))

    without = {**event, "data": {k: v for k, v in event["data"].items() if k != "prime_id"}}
    with pytest.raises(ValidationError, match="prime_id"):
        validator.validate(without)
    with pytest.raises(ValidationError, match="claimant_name"):
        validator.validate({**event, "data": {**event["data"], "claimant_name": "A Person"}})
    with pytest.raises(ValidationError):
        validator.validate({**event, "type": "referral.started"})

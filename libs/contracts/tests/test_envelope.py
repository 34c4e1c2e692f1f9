from datetime import UTC, datetime, timedelta, timezone

import pytest
import uuid_utils
from pydantic import ValidationError

from scx_contracts import Actor, Envelope, new_event_id, subject_for
from scx_testing import EXAMPLE_ACTOR


def envelope(**overrides: object) -> Envelope:
    fields: dict[str, object] = {
        "type": "referral.allocated",
        "version": 1,
        "producer": "referral",
        "actor": EXAMPLE_ACTOR,
        "data": {},
    }
    return Envelope(**{**fields, **overrides})


def test_subject_is_scx_type_and_version():
    assert subject_for("referral.allocated", 1) == "scx.referral.allocated.v1"
    assert envelope(type="contract.profile_set", version=3).subject == "scx.contract.profile_set.v3"


def test_defaults_give_a_uuid7_event_id_and_utc_times():
    made = envelope()

    assert uuid_utils.UUID(made.event_id).version == 7
    assert made.occurred_at.tzinfo == UTC
    assert made.recorded_at.tzinfo == UTC
    assert made.occurred_at <= made.recorded_at


def test_event_ids_sort_in_the_order_they_were_made():
    ids = [new_event_id() for _ in range(50)]

    assert ids == sorted(ids)
    assert len(set(ids)) == 50


def test_times_in_another_zone_are_converted_to_utc():
    paris = timezone(timedelta(hours=2))

    made = envelope(occurred_at=datetime(2025, 6, 1, 12, 0, tzinfo=paris))

    assert made.occurred_at == datetime(2025, 6, 1, 10, 0, tzinfo=UTC)
    assert made.occurred_at.utcoffset() == timedelta(0)


def test_naive_times_are_refused():
    with pytest.raises(ValidationError, match="occurred_at"):
        envelope(occurred_at=datetime(2025, 6, 1, 12, 0))


@pytest.mark.parametrize("event_type", ["referral", "Referral.Allocated", "referral.allocated.v1", "referral-x.y", ""])
def test_type_must_be_a_lowercase_pair(event_type):
    with pytest.raises(ValidationError, match="type"):
        envelope(type=event_type)


def test_version_starts_at_one():
    with pytest.raises(ValidationError, match="version"):
        envelope(version=0)


def test_unknown_envelope_fields_are_refused():
    with pytest.raises(ValidationError, match="national_insurance_number"):
        envelope(national_insurance_number="QQ123456C")


def test_actor_kind_is_an_organisation_kind_or_system():
    Actor(organisation_id="scx", organisation_kind="system", role="service", user="scx")
    with pytest.raises(ValidationError, match="organisation_kind"):
        Actor(organisation_id="x", organisation_kind="charity", role="manager", user="u")


def test_json_round_trip_keeps_every_field():
    made = envelope(journey_id="referral-1", claimant_ref="c-1", correlation_id="corr", causation_id="cause")

    assert Envelope.model_validate_json(made.model_dump_json()) == made

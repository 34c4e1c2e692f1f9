import pytest
from pydantic import BaseModel, ValidationError

from scx_contracts import REGISTRY, EventRegistry, UnknownEventType
from scx_contracts.referral import ReferralAllocated
from scx_contracts.registry import EventData
from scx_testing import example_envelope


def test_every_producer_module_registered_its_events():
    types = {event_type for (event_type, _), _ in REGISTRY.items()}

    assert {"referral.received", "referral.allocated", "organisation.registered", "subcontract.agreed"} <= types


def test_lookup_by_type_and_version():
    assert REGISTRY.model_for("referral.allocated", 1) is ReferralAllocated
    assert ReferralAllocated.EVENT_TYPE == "referral.allocated"
    assert ReferralAllocated.EVENT_VERSION == 1
    assert REGISTRY.latest_version("referral.allocated") == 1


def test_items_are_sorted_by_type_then_version():
    keys = [key for key, _ in REGISTRY.items()]

    assert keys == sorted(keys)


@pytest.mark.parametrize(("event_type", "version"), [("referral.allocated", 2), ("referral.teleported", 1)])
def test_unknown_type_or_version_raises(event_type, version):
    with pytest.raises(UnknownEventType, match=event_type):
        REGISTRY.model_for(event_type, version)


def test_latest_version_of_an_unknown_type_raises():
    with pytest.raises(UnknownEventType):
        REGISTRY.latest_version("referral.teleported")


def test_parse_data_validates_against_the_schema():
    parsed = REGISTRY.parse_data(example_envelope("referral.allocated"))

    assert isinstance(parsed, ReferralAllocated)
    assert parsed.partner_id == "partner-1"


def test_parse_data_refuses_fields_the_schema_lacks():
    with pytest.raises(ValidationError, match="claimant_name"):
        REGISTRY.parse_data(example_envelope("referral.allocated", data={"claimant_name": "A Person"}))


def test_a_type_and_version_cannot_be_registered_to_two_models():
    registry = EventRegistry()

    class First(EventData):
        a: int

    class Second(EventData):
        a: int

    registry.register("thing.happened", 1, First)
    registry.register("thing.happened", 1, First)  # the same model again is harmless (module reloads)
    with pytest.raises(ValueError, match="registered twice"):
        registry.register("thing.happened", 1, Second)


def test_event_data_is_frozen():
    data = REGISTRY.parse_data(example_envelope("referral.started"))

    with pytest.raises(ValidationError):
        data.referral_id = "other"  # type: ignore[attr-defined]


def test_models_are_pydantic():
    assert all(issubclass(model, BaseModel) for _, model in REGISTRY.items())

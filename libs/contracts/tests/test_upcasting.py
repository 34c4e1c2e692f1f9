"""An upcaster in a throwaway registry: v1 named the partner `provider_id`; v2 renamed it and added `delivery`."""

import pytest

from scx_contracts import EventRegistry, UnknownEventType
from scx_contracts.registry import EventData
from scx_testing import example_envelope


class ThingAllocatedV1(EventData):
    thing_id: str
    provider_id: str


class ThingAllocatedV2(EventData):
    thing_id: str
    partner_id: str
    delivery: str


class ThingAllocatedV3(EventData):
    thing_id: str
    partner_id: str
    delivery: str
    priority: int


def v1_to_v2(data: dict) -> dict:
    data = dict(data)
    data["partner_id"] = data.pop("provider_id")
    data["delivery"] = "partner"
    return data


def v2_to_v3(data: dict) -> dict:
    return {**data, "priority": 0}


@pytest.fixture
def registry() -> EventRegistry:
    registry = EventRegistry()
    registry.register("thing.allocated", 1, ThingAllocatedV1)
    registry.register("thing.allocated", 2, ThingAllocatedV2)
    registry.register_upcaster("thing.allocated", 1, v1_to_v2)
    return registry


def v1_envelope():
    return example_envelope("referral.started").model_copy(
        update={"type": "thing.allocated", "version": 1, "data": {"thing_id": "t-1", "provider_id": "p-9"}}
    )


def test_an_old_version_is_upcast_to_the_latest(registry):
    old = v1_envelope()

    upcast = registry.upcast(old)

    assert (upcast.version, upcast.subject) == (2, "scx.thing.allocated.v2")
    assert upcast.data == {"thing_id": "t-1", "partner_id": "p-9", "delivery": "partner"}
    assert upcast.event_id == old.event_id
    assert old.version == 1 and "provider_id" in old.data


def test_parse_data_returns_the_latest_model(registry):
    parsed = registry.parse_data(v1_envelope())

    assert parsed == ThingAllocatedV2(thing_id="t-1", partner_id="p-9", delivery="partner")


def test_the_latest_version_passes_through_unchanged(registry):
    current = v1_envelope().model_copy(
        update={"version": 2, "data": {"thing_id": "t-1", "partner_id": "p-9", "delivery": "in_house"}}
    )

    assert registry.upcast(current) is current


def test_upcasters_chain_one_version_at_a_time(registry):
    registry.register("thing.allocated", 3, ThingAllocatedV3)
    registry.register_upcaster("thing.allocated", 2, v2_to_v3)

    parsed = registry.parse_data(v1_envelope())

    assert parsed == ThingAllocatedV3(thing_id="t-1", partner_id="p-9", delivery="partner", priority=0)


def test_a_missing_step_is_an_error_not_a_guess(registry):
    registry.register("thing.allocated", 3, ThingAllocatedV3)

    with pytest.raises(UnknownEventType, match="from v2 to v3"):
        registry.upcast(v1_envelope())


def test_the_global_registry_is_untouched(registry):
    from scx_contracts import REGISTRY

    with pytest.raises(UnknownEventType):
        REGISTRY.model_for("thing.allocated", 1)

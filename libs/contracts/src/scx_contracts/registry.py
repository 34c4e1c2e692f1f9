from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from scx_contracts.envelope import Envelope
from scx_contracts.tolerant import TOLERANT, ContractModel

Upcaster = Callable[[dict[str, Any]], dict[str, Any]]
M = TypeVar("M", bound=type["EventData"])

__all__ = ["ContractModel", "EventData", "EventRegistry", "UnknownEventType", "event", "upcaster"]


class EventData(ContractModel):
    """Base of every event's `data`: strict, so a producer cannot slip in a field the schema lacks; read with
    `tolerant=True`, fields the schema does not know are ignored (`scx_contracts.tolerant`)."""

    EVENT_TYPE: ClassVar[str]
    EVENT_VERSION: ClassVar[int]


class UnknownEventType(LookupError):
    pass


class EventRegistry:
    """Maps (type, version) to the pydantic model of its data, and holds the upcasters between versions."""

    def __init__(self) -> None:
        self._models: dict[tuple[str, int], type[EventData]] = {}
        self._upcasters: dict[tuple[str, int], Upcaster] = {}

    def register(self, event_type: str, version: int, model: type[EventData]) -> None:
        key = (event_type, version)
        if key in self._models and self._models[key] is not model:
            raise ValueError(f"event {event_type} v{version} is registered twice")
        self._models[key] = model

    def register_upcaster(self, event_type: str, from_version: int, upcaster: Upcaster) -> None:
        self._upcasters[(event_type, from_version)] = upcaster

    def model_for(self, event_type: str, version: int) -> type[EventData]:
        try:
            return self._models[(event_type, version)]
        except KeyError:
            raise UnknownEventType(f"no schema for event {event_type} v{version}") from None

    def latest_version(self, event_type: str) -> int:
        versions = [v for (t, v) in self._models if t == event_type]
        if not versions:
            raise UnknownEventType(f"no schema for event {event_type}")
        return max(versions)

    def items(self) -> list[tuple[tuple[str, int], type[EventData]]]:
        return sorted(self._models.items())

    def upcast(self, envelope: Envelope) -> Envelope:
        """Bring an old version up to the latest, one registered step at a time."""
        latest = self.latest_version(envelope.type)
        data, version = dict(envelope.data), envelope.version
        while version < latest:
            step = self._upcasters.get((envelope.type, version))
            if step is None:
                raise UnknownEventType(
                    f"no upcaster for event {envelope.type} from v{version} to v{version + 1}"
                )
            data, version = step(data), version + 1
        if version == envelope.version:
            return envelope
        return envelope.model_copy(update={"data": data, "version": version})

    def parse_data(self, envelope: Envelope, *, tolerant: bool = False) -> EventData:
        """Validate an envelope's data against its schema, upcasting first; raises if it does not fit.

        Consumers pass `tolerant=True`: fields added by a newer producer are then ignored, not refused."""
        current = self.upcast(envelope)
        model = self.model_for(current.type, current.version)
        return model.model_validate(current.data, context=TOLERANT if tolerant else None)


REGISTRY = EventRegistry()


def event(event_type: str, version: int) -> Callable[[M], M]:
    """Class decorator: registers a data model as the schema of one event type and version."""

    def decorate(model: M) -> M:
        model.EVENT_TYPE = event_type
        model.EVENT_VERSION = version
        REGISTRY.register(event_type, version, model)
        return model

    return decorate


def upcaster(event_type: str, from_version: int) -> Callable[[Upcaster], Upcaster]:
    def decorate(fn: Upcaster) -> Upcaster:
        REGISTRY.register_upcaster(event_type, from_version, fn)
        return fn

    return decorate

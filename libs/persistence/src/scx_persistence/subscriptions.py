"""What a service consumes: each handler keyed by the event class it applies, and typed by it.

`on(ContractAwarded, contract_awarded)` is checked by mypy: the handler must take a `ContractAwarded`. A service
lists its subscriptions once, in `handlers.py`, as `SUBSCRIPTIONS = Subscriptions(on(...), ...)`; a library that
brings handlers of its own (the registry read model) exports a `Subscriptions` to add to the service's with `+`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from scx_contracts import REGISTRY, Envelope
from scx_contracts.envelope import subject_filter
from scx_contracts.registry import EventData
from scx_persistence.uow import UnitOfWork

E = TypeVar("E", bound=EventData)
Handler = Callable[[UnitOfWork, Envelope, E], Awaitable[None]]


@dataclass(frozen=True)
class Subscription(Generic[E]):
    event: type[E]
    handler: Handler[E]

    @property
    def event_type(self) -> str:
        return self.event.EVENT_TYPE


def on(event: type[E], handler: Handler[E]) -> Subscription[E]:
    """Apply events of class `event` (its latest version: older ones are upcast first) with `handler`."""
    return Subscription(event, handler)


class Subscriptions(Mapping[str, Subscription[Any]]):
    """The events a consumer applies, by event type; at most one handler each."""

    def __init__(self, *subscriptions: Subscription[Any]) -> None:
        self._by_type: dict[str, Subscription[Any]] = {}
        for subscription in subscriptions:
            latest = REGISTRY.model_for(subscription.event_type, REGISTRY.latest_version(subscription.event_type))
            if subscription.event is not latest:
                # Events are upcast to their latest version before a handler sees them.
                raise TypeError(f"subscribe to {latest.__name__}, the latest {subscription.event_type}, not "
                                f"{subscription.event.__name__}")
            if subscription.event_type in self._by_type:
                raise ValueError(f"{subscription.event_type} is subscribed twice")
            self._by_type[subscription.event_type] = subscription

    def __getitem__(self, event_type: str) -> Subscription[Any]:
        return self._by_type[event_type]

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_type)

    def __len__(self) -> int:
        return len(self._by_type)

    def __add__(self, other: Subscriptions) -> Subscriptions:
        return Subscriptions(*self._by_type.values(), *other._by_type.values())

    @property
    def subjects(self) -> list[str]:
        """The JetStream filter subjects: every version of each subscribed type."""
        return [subject_filter(event_type) for event_type in sorted(self._by_type)]

from scx_messaging.bus import (
    Bus,
    BusSettings,
    Delivery,
    Outcome,
    Outgoing,
    PublishFailed,
    connect,
)
from scx_messaging.consumer import DurableConsumer
from scx_messaging.local import LocalNatsServer

__all__ = [
    "Bus",
    "BusSettings",
    "Delivery",
    "DurableConsumer",
    "LocalNatsServer",
    "Outcome",
    "Outgoing",
    "PublishFailed",
    "connect",
]

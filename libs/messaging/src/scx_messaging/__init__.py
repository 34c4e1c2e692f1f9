from scx_messaging.bus import (
    Bus,
    BusSettings,
    Delivery,
    Outcome,
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
    "PublishFailed",
    "connect",
]

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
from scx_messaging.reader import StreamReader

__all__ = [
    "Bus",
    "BusSettings",
    "Delivery",
    "DurableConsumer",
    "LocalNatsServer",
    "Outcome",
    "Outgoing",
    "PublishFailed",
    "StreamReader",
    "connect",
]

"""Durable pull consumers: one per service, shared by its replicas, acknowledging only what was applied."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence

from nats.aio.msg import Msg
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.errors import FetchTimeoutError

from scx_messaging.bus import Bus, Delivery, Outcome

log = logging.getLogger("scx.messaging.consumer")

Processor = Callable[[Delivery], Awaitable[Outcome]]
BatchProcessor = Callable[[Sequence[Delivery]], Awaitable[list[Outcome]]]


class DurableConsumer:
    """Pulls events for the given subjects in stream order and hands each to `process`.

    `process` decides: APPLIED or DUPLICATE is acked; RETRY is nak'ed with a delay (redelivered later, up to
    `max_deliver` times); DEAD_LETTER is terminated (the processor has recorded it). An exception in `process`
    counts as RETRY, so a crash between effect and ack only ever leads to a redelivery, which the inbox absorbs.

    With `process_batch`, what one fetch returned is handed over at once (in stream order) and each message is
    settled by its outcome after the batch's commit; `process` still serves single deliveries.
    """

    def __init__(
        self,
        bus: Bus,
        *,
        durable: str,
        subjects: list[str],
        process: Processor,
        process_batch: BatchProcessor | None = None,
        ack_wait_seconds: float = 30.0,
        max_deliver: int = 10,
        retry_delay_seconds: float = 1.0,
        batch: int = 256,
    ) -> None:
        self.bus = bus
        self.durable = durable
        self.subjects = subjects
        self.process = process
        self.process_batch = process_batch
        self.ack_wait = ack_wait_seconds
        self.max_deliver = max_deliver
        self.retry_delay = retry_delay_seconds
        self.batch = batch
        self._stopping = asyncio.Event()

    def config(self) -> ConsumerConfig:
        return ConsumerConfig(
            durable_name=self.durable,
            ack_policy=AckPolicy.EXPLICIT,
            deliver_policy=DeliverPolicy.ALL,
            ack_wait=self.ack_wait,
            max_deliver=self.max_deliver,
            filter_subjects=self.subjects,
            # Room for a full fetch beside messages nak'ed with a delay, which stay pending until redelivered.
            max_ack_pending=max(1000, 4 * self.batch),
        )

    async def run(self) -> None:
        """Consume until stopped. A consumer that cannot be set up yet (JetStream starting, NATS away) retries
        with backoff rather than ending: a service that has quietly stopped consuming is the worst outcome."""
        backoff = 0.5
        while not self._stopping.is_set():
            try:
                sub = await self._subscribe()
            except Exception as exc:
                log.warning("consumer %s cannot subscribe yet: %r; retrying in %.1fs", self.durable, exc, backoff)
                await self._pause(backoff)
                backoff = min(backoff * 2, 10.0)
                continue
            backoff = 0.5
            try:
                await self._consume(sub)
            except Exception:
                log.exception("consumer %s failed; subscribing again", self.durable)
                await self._pause(0.5)
            finally:
                # The server keeps a pull request alive after its fetch is cancelled; while we stay subscribed
                # it delivers into a subscription no one reads (held until ack_wait) and draining hangs.
                with contextlib.suppress(Exception):
                    await sub.unsubscribe()

    async def _subscribe(self) -> JetStreamContext.PullSubscription:
        js = self.bus.js
        stream = self.bus.settings.stream
        try:
            await js.add_consumer(stream, self.config())
        except Exception as exc:  # an existing consumer whose config we may update
            log.info("consumer %s exists, updating: %r", self.durable, exc)
            await js.update_consumer(stream, self.config())
        return await js.pull_subscribe_bind(durable=self.durable, stream=stream)

    async def _pause(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), timeout=seconds)

    async def _consume(self, sub: JetStreamContext.PullSubscription) -> None:
        busy = False
        while not self._stopping.is_set():
            try:
                # nats-py's fetch(n) waits out its whole timeout for the n-th message once the first has come.
                # Idle, we wait for one message (returned the moment it lands); busy, we take what is already
                # there with a short deadline. Latency stays low either way, throughput stays batched.
                if busy:
                    messages = await sub.fetch(self.batch, timeout=0.05)
                else:
                    messages = await sub.fetch(1, timeout=1.0)
            except (FetchTimeoutError, NatsTimeoutError, TimeoutError):
                busy = False
                continue
            except Exception as exc:
                if self._stopping.is_set():
                    break
                log.warning("fetch failed on %s: %r", self.durable, exc)
                await asyncio.sleep(0.5)
                continue
            busy = bool(messages)
            if self._stopping.is_set():
                await self._hand_back(messages)
                return
            if self.process_batch is not None:
                deliveries = [self._delivery(msg) for msg in messages]
                keep_alive = asyncio.create_task(self._in_progress(messages), name="batch_in_progress")
                try:
                    outcomes = await self.process_batch(deliveries)
                except asyncio.CancelledError:
                    raise
                except Exception:
                    first = deliveries[0].stream_sequence
                    log.exception("processing a batch of %d from #%s failed", len(messages), first)
                    outcomes = [Outcome.RETRY] * len(messages)
                finally:
                    keep_alive.cancel()
                for msg, delivery, outcome in zip(messages, deliveries, outcomes, strict=True):
                    await self._settle(msg, delivery, outcome)
                continue
            for index, msg in enumerate(messages):
                if self._stopping.is_set():
                    await self._hand_back(messages[index:])
                    return
                delivery = self._delivery(msg)
                try:
                    outcome = await self.process(delivery)
                except asyncio.CancelledError:
                    raise
                except Exception:
                    log.exception("processing %s #%s failed", delivery.subject, delivery.stream_sequence)
                    outcome = Outcome.RETRY
                await self._settle(msg, delivery, outcome)

    def _delivery(self, msg: Msg) -> Delivery:
        meta = msg.metadata
        return Delivery(
            subject=msg.subject,
            payload=msg.data,
            stream_sequence=meta.sequence.stream,
            num_delivered=meta.num_delivered,
            last_delivery=meta.num_delivered >= self.max_deliver,
        )

    async def _in_progress(self, messages: Sequence[Msg]) -> None:
        """Tell the server a batch is still being worked on, every third of the ack wait, for as long as it is: a batch
        that falls back to one event at a time under a slow database must not be delivered again meanwhile (to
        another replica, or as one more delivery towards the dead letters). A batch that commits in milliseconds
        never sends one."""
        while True:
            await asyncio.sleep(self.ack_wait / 3)
            for msg in messages:
                with contextlib.suppress(Exception):
                    await msg.in_progress()

    @staticmethod
    async def _hand_back(messages: Sequence[Msg]) -> None:
        """Nak at once, so a restarting replica need not wait out ack_wait for them."""
        for msg in messages:
            with contextlib.suppress(Exception):
                await msg.nak()

    async def _settle(self, msg: Msg, delivery: Delivery, outcome: Outcome) -> None:
        try:
            if outcome is Outcome.RETRY:
                await msg.nak(delay=self.retry_delay * min(delivery.num_delivered, 10))
            elif outcome is Outcome.DEAD_LETTER:
                await msg.term()
            else:
                await msg.ack()
        except Exception as exc:  # the ack was lost: the event comes back and the inbox absorbs it
            log.warning("ack of #%s failed: %r", delivery.stream_sequence, exc)

    def stop(self) -> None:
        self._stopping.set()

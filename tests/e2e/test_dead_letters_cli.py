"""`scx dead-letters` against the real referral process: an event it cannot read is dead-lettered, `/ready` reports
it (still 200), the CLI lists it, and a replay that would still fail is refused and leaves it outstanding."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from scx_cli.main import app
from scx_cli.stack import LocalStack, ServiceSpec
from scx_messaging import BusSettings, connect
from scx_messaging.local import free_port
from scx_testing import example_envelope

pytestmark = pytest.mark.e2e


@pytest.fixture
def referral(tmp_path: Path) -> Iterator[ServiceSpec]:
    spec = ServiceSpec("referral", free_port())
    stack = LocalStack(data_dir=tmp_path / "data", services=[spec], nats_port=free_port())
    try:
        stack.start()
        assert stack.nats is not None
        asyncio.run(publish_off_schema(stack.nats.url))
        yield spec
    finally:
        stack.stop()


async def publish_off_schema(url: str) -> None:
    event = example_envelope("contract.awarded")
    document = json.loads(event.model_dump_json())
    document["data"]["value_pence"] = -1  # a known field off its schema: unreadable, however tolerant the reader
    bus = await connect(BusSettings(servers=[url]))
    try:
        await bus.publish(event.subject, json.dumps(document).encode(), msg_id=event.event_id)
    finally:
        await bus.close()


def outstanding(spec: ServiceSpec) -> dict:
    ready = httpx.get(f"{spec.url}/ready", timeout=5)
    assert ready.status_code == 200
    return dict(ready.json()["dead_letters"])


def test_an_operator_lists_dead_letters_and_a_replay_that_would_fail_is_refused(referral: ServiceSpec):
    runner = CliRunner()
    for _ in range(400):
        if outstanding(referral)["count"] == 1:
            break
        time.sleep(0.05)  # polling until the consumer has dead-lettered it
    assert outstanding(referral)["status"] == "degraded"

    listed = runner.invoke(app, ["dead-letters", "list", "referral", "--url", referral.url])
    assert listed.exit_code == 0, listed.output
    assert "scx.contract.awarded.v1" in listed.output
    letter_id = listed.output.split()[0]

    refused = runner.invoke(app, ["dead-letters", "replay", "referral", letter_id, "--url", referral.url])
    assert refused.exit_code == 1
    assert "still unreadable" in refused.output
    assert outstanding(referral)["count"] == 1

"""`scx up` with real processes: a killed service comes back and answers while the rest keep running, and a
second stack on the same data folder, or on the same ports, is refused with a message that says why."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from scx_cli.stack import LocalStack, ServiceSpec
from scx_cli.supervise import Supervisor
from scx_messaging.local import free_port

pytestmark = pytest.mark.e2e
SCX = [sys.executable, "-m", "scx_cli.main"]


def answers(url: str) -> bool:
    try:
        return httpx.get(f"{url}/ready", timeout=1.0).status_code == 200
    except httpx.HTTPError:
        return False


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[LocalStack]:
    services = [ServiceSpec("subcontracts", free_port()), ServiceSpec("referral", free_port())]
    running = LocalStack(data_dir=tmp_path / "data", services=services, nats_port=free_port())
    try:
        running.start()
        yield running
    finally:
        running.stop()


def test_a_killed_service_comes_back_and_answers_while_the_others_keep_running(stack: LocalStack) -> None:
    lines: list[str] = []
    supervisor = Supervisor(stack, echo=lines.append, first_delay=0.2)
    subcontracts, referral = stack.services
    untouched, killed = stack.processes["subcontracts"].pid, stack.processes["referral"].pid
    stack.processes["referral"].send_signal(signal.SIGKILL)
    stack.processes["referral"].wait()
    deadline = time.monotonic() + 60
    while not (stack.processes["referral"].pid != killed and answers(referral.url)):
        assert time.monotonic() < deadline, f"referral did not come back: {lines}"
        supervisor.tick()
        time.sleep(0.1)
    assert lines[0].startswith("referral exited with code -9; restarting it in 0.2 s")
    assert stack.processes["subcontracts"].pid == untouched and answers(subcontracts.url)


def test_a_second_stack_is_refused_on_the_same_data_folder_or_the_same_ports(tmp_path: Path) -> None:
    data = tmp_path / "data"
    nats, sub, ref = free_port(), free_port(), free_port()
    ports = ["--nats-port", str(nats), "--port", f"subcontracts={sub}", "--port", f"referral={ref}"]
    first = subprocess.Popen(
        [*SCX, "up", "--no-demo", "--data-dir", str(data), *ports],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env={**os.environ},
    )
    try:
        assert first.stdout is not None
        seen = []
        for line in first.stdout:
            seen.append(line)
            if line.startswith("scx is up"):
                break
        assert first.poll() is None, "".join(seen)

        other_ports = ["--nats-port", str(free_port()), "--port", f"subcontracts={free_port()}",
                       "--port", f"referral={free_port()}"]
        same_data = subprocess.run([*SCX, "up", "--no-demo", "--data-dir", str(data), *other_ports],
                                   capture_output=True, text=True, timeout=60)
        assert same_data.returncode == 1
        assert f"scx up will not start: another scx stack (pid {first.pid}, or a process it started) is running on " \
            f"{data}" in same_data.stderr

        same_ports = subprocess.run([*SCX, "up", "--no-demo", "--data-dir", str(tmp_path / "other"), *ports],
                                    capture_output=True, text=True, timeout=60)
        assert same_ports.returncode == 1
        assert f"already in use: nats-server (port {nats}), subcontracts (port {sub}), referral (port {ref})" in (
            same_ports.stderr
        )
        assert not (tmp_path / "other").exists()  # refused before it started: nothing left behind

        down = subprocess.run([*SCX, "down", "--data-dir", str(data)], capture_output=True, text=True, timeout=60)
        assert down.returncode == 1 and data.exists()
        assert answers(f"http://127.0.0.1:{sub}") and answers(f"http://127.0.0.1:{ref}")
    finally:
        first.send_signal(signal.SIGINT)
        first.wait(30)


def test_the_claim_outlives_a_killed_scx_up_while_its_processes_run_and_down_removes_only_a_stacks_data(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "notes.txt").write_text("not ours to delete")
    ports = ["--nats-port", str(free_port()), "--port", f"subcontracts={free_port()}", "--port",
             f"referral={free_port()}"]
    # Its own session, so the test can end every process it started once `scx up` itself is gone.
    first = subprocess.Popen([*SCX, "up", "--no-demo", "--data-dir", str(data), *ports], stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        assert first.stdout is not None
        for line in first.stdout:
            if line.startswith("scx is up"):
                break
        first.send_signal(signal.SIGKILL)  # no chance to stop what it started
        first.wait(10)

        down = subprocess.run([*SCX, "down", "--data-dir", str(data)], capture_output=True, text=True, timeout=60)
        assert down.returncode == 1, down.stdout
        assert "will not remove" in down.stderr and (data / "referral.db").exists()
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(first.pid, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while True:
        down = subprocess.run([*SCX, "down", "--data-dir", str(data)], capture_output=True, text=True, timeout=60)
        if down.returncode == 0 or time.monotonic() > deadline:
            break
        time.sleep(0.2)  # the orphans take a moment to exit and release the claim
    assert down.returncode == 0, down.stderr
    assert sorted(p.name for p in data.iterdir()) == ["notes.txt"]

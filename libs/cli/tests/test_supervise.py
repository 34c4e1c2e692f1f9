"""`scx up` keeps the stack running: a dead process is started again after a back-off that doubles while it keeps
failing, and the others are left alone. With fakes for the timing; with real processes in test_up_e2e.py."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scx_cli.stack import ServiceSpec
from scx_cli.supervise import Supervisor


@dataclass
class FakeProcess:
    pid: int
    code: int | None = None

    def poll(self) -> int | None:
        return self.code


@dataclass
class FakeNats:
    process: FakeProcess


@dataclass
class FakeStack:
    services: list[ServiceSpec]
    processes: dict[str, FakeProcess] = field(default_factory=dict)
    nats: Any = None
    started: list[str] = field(default_factory=list)
    fail_to_start: bool = False
    next_pid: int = 100

    def log_of(self, name: str) -> Path:
        return Path("logs") / f"{name}.log"

    def start_service(self, spec: ServiceSpec) -> None:
        self.next_pid += 1
        self.started.append(spec.name)
        self.processes[spec.name] = FakeProcess(self.next_pid, code=3 if self.fail_to_start else None)

    def start_nats(self) -> None:
        self.next_pid += 1
        self.started.append("nats")
        self.nats = FakeNats(FakeProcess(self.next_pid))


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def stack_of(*names: str) -> FakeStack:
    stack = FakeStack([ServiceSpec(n, 9000 + i) for i, n in enumerate(names)])
    for i, name in enumerate(names):
        stack.processes[name] = FakeProcess(i + 1)
    stack.nats = FakeNats(FakeProcess(50))
    return stack


def test_a_dead_service_restarts_after_its_delay_and_the_others_are_untouched() -> None:
    stack, clock, lines = stack_of("subcontracts", "referral"), Clock(), []
    supervisor = Supervisor(stack, echo=lines.append, clock=clock)  # type: ignore[arg-type]
    stack.processes["referral"].code = -9
    supervisor.tick()
    assert lines == [
        "referral exited with code -9; restarting it in 1 s (failure 1 in a row; see logs/referral.log)"
    ]
    clock.now = 0.5
    supervisor.tick()
    assert stack.started == []
    clock.now = 1.0
    supervisor.tick()
    assert stack.started == ["referral"]
    assert lines[-1] == "referral started again (pid 101)"
    assert stack.processes["subcontracts"].pid == 1


def test_the_delay_doubles_while_it_keeps_failing_and_resets_once_it_stays_up() -> None:
    stack, clock, lines = stack_of("referral"), Clock(), []
    supervisor = Supervisor(stack, echo=lines.append, clock=clock, max_delay=4.0)  # type: ignore[arg-type]
    stack.fail_to_start = True
    stack.processes["referral"].code = 1
    delays = []
    for _ in range(5):
        supervisor.tick()  # notices the exit
        delays.append(supervisor.watches["referral"].retry_at - clock.now)  # type: ignore[operator]
        clock.now = supervisor.watches["referral"].retry_at  # type: ignore[assignment]
        supervisor.tick()  # restarts; the fake dies at once
    assert delays == [1.0, 2.0, 4.0, 4.0, 4.0]
    stack.fail_to_start = False
    supervisor.tick()
    clock.now = supervisor.watches["referral"].retry_at  # type: ignore[assignment]
    supervisor.tick()
    clock.now += 61
    supervisor.tick()
    assert supervisor.watches["referral"].failures == 0


def test_nats_is_restarted_too() -> None:
    stack, clock, lines = stack_of("referral"), Clock(), []
    supervisor = Supervisor(stack, echo=lines.append, clock=clock)  # type: ignore[arg-type]
    stack.nats.process.code = 1
    supervisor.tick()
    clock.now = 1.0
    supervisor.tick()
    assert stack.started == ["nats"]
    assert lines[0].startswith("nats exited with code 1; restarting it in 1 s")

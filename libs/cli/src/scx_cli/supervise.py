"""`scx up` keeps the stack running: a process that dies (a service or nats-server) is started again after a
back-off, and the others keep running meanwhile.

The delay doubles with each failure in a row (1 s, 2 s, 4 s ... at most 30 s) so that a service that cannot start
(a bad migration, a port taken) does not spin; a process that has stayed up for a while is forgiven its past.
Services reconnect to NATS by themselves, so nats-server going away costs them only the time it is away.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from scx_cli.stack import LocalStack

NATS = "nats"


@dataclass
class _Watch:
    started_at: float
    failures: int = 0
    retry_at: float | None = None  # set while the process is down and waiting out its back-off


class Supervisor:
    def __init__(
        self,
        stack: LocalStack,
        *,
        echo: Callable[[str], None],
        clock: Callable[[], float] = time.monotonic,
        first_delay: float = 1.0,
        max_delay: float = 30.0,
        healthy_after: float = 60.0,
    ) -> None:
        self.stack, self.echo, self.clock = stack, echo, clock
        self.first_delay, self.max_delay, self.healthy_after = first_delay, max_delay, healthy_after
        now = clock()
        self.watches = {name: _Watch(now) for name in [NATS, *(spec.name for spec in stack.services)]}

    def tick(self) -> None:
        """Notice what died since the last tick and restart what has waited out its back-off."""
        now = self.clock()
        for name, watch in self.watches.items():
            if watch.retry_at is None:
                code = self._exit_code(name)
                if code is None:
                    if watch.failures and now - watch.started_at >= self.healthy_after:
                        watch.failures = 0
                    continue
                watch.failures += 1
                delay = min(self.max_delay, self.first_delay * 2 ** (watch.failures - 1))
                watch.retry_at = now + delay
                self.echo(
                    f"{name} exited with code {code}; restarting it in {delay:g} s "
                    f"(failure {watch.failures} in a row; see {self.stack.log_of(name)})"
                )
            elif now >= watch.retry_at:
                watch.retry_at, watch.started_at = None, now
                self._restart(name)

    def _exit_code(self, name: str) -> int | None:
        if name == NATS:
            process = self.stack.nats.process if self.stack.nats else None
        else:
            process = self.stack.processes.get(name)
        return None if process is None else process.poll()

    def _restart(self, name: str) -> None:
        try:
            if name == NATS:
                self.stack.start_nats()
                pid = self.stack.nats.process.pid if self.stack.nats and self.stack.nats.process else "?"
            else:
                spec = next(s for s in self.stack.services if s.name == name)
                self.stack.start_service(spec)
                pid = self.stack.processes[name].pid
        except (OSError, RuntimeError, TimeoutError) as exc:
            # Whatever it left behind is dead or will be noticed dead on the next tick, which backs off again.
            self.echo(f"{name} did not start again: {exc}")
            return
        self.echo(f"{name} started again (pid {pid})")

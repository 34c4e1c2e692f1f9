"""Runs the local stack as child processes: one nats-server and one uvicorn per service, each on its own port."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from scx_cli import manifest
from scx_cli.claim import DataDirLock, StackBusy, ports_in_use
from scx_messaging import LocalNatsServer


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    port: int

    @property
    def package(self) -> str:
        return f"scx_{self.name}"

    @property
    def env_prefix(self) -> str:
        return f"SCX_{self.name.upper()}_"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def repo_root() -> Path:
    """The checkout whose services run (services.toml's folder), for alembic.ini and data/."""
    return manifest.find_root()


def service_specs(listed: manifest.Manifest, ports: Mapping[str, int] | None = None) -> list[ServiceSpec]:
    """Every service in the manifest, on its port there unless `ports` names another."""
    ports = ports or {}
    unknown = set(ports) - set(listed.names)
    if unknown:
        known = ", ".join(listed.names)
        raise manifest.ManifestError(f"no such service: {', '.join(sorted(unknown))} (there are: {known})")
    return [ServiceSpec(s.name, ports.get(s.name, s.port)) for s in listed.services]


@dataclass
class LocalStack:
    data_dir: Path
    services: list[ServiceSpec]
    nats_port: int = 4222
    extra_env: dict[str, str] = field(default_factory=dict)
    nats: LocalNatsServer | None = None
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    lock: DataDirLock | None = None

    @property
    def logs(self) -> Path:
        return self.data_dir / "logs"

    def database_url(self, spec: ServiceSpec) -> str:
        return f"sqlite+aiosqlite:///{(self.data_dir / f'{spec.name}.db').resolve()}"

    def env_for(self, spec: ServiceSpec) -> dict[str, str]:
        assert self.nats is not None
        shared_secret = os.environ.get("SCX_JWT_SECRET")
        return {
            **os.environ,
            f"{spec.env_prefix}DATABASE_URL": self.database_url(spec),
            f"{spec.env_prefix}NATS_SERVERS": f'["{self.nats.url}"]',
            **({f"{spec.env_prefix}JWT_SECRET": shared_secret} if shared_secret else {}),
            **self.extra_env,
        }

    def start_nats(self) -> None:
        self.logs.mkdir(parents=True, exist_ok=True)
        self.nats = LocalNatsServer(self.data_dir / "nats", port=self.nats_port, log_file=self.logs / "nats.log")
        self.nats.start(pass_fds=self._inherited())

    def migrate(self, spec: ServiceSpec) -> None:
        ini = repo_root() / "services" / spec.name / "alembic.ini"
        subprocess.run(
            [sys.executable, "-m", "alembic", "-c", str(ini), "upgrade", "head"],
            env=self.env_for(spec),
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def start_service(self, spec: ServiceSpec) -> None:
        log = open(self.logs / f"{spec.name}.log", "ab")  # noqa: SIM115 - closed below, once the child has it
        self.processes[spec.name] = subprocess.Popen(
            [
                sys.executable, "-m", "uvicorn", f"{spec.package}.app:create_app", "--factory",
                "--host", "127.0.0.1", "--port", str(spec.port), "--no-access-log",
            ],
            env=self.env_for(spec),
            stdout=log,
            stderr=log,
            pass_fds=self._inherited(),
        )
        log.close()  # the child has its own copy

    def _inherited(self) -> tuple[int, ...]:
        """The data folder's claim, held by every process of the stack (see claim.py)."""
        return (self.lock.fileno,) if self.lock is not None else ()

    def wait_ready(self, spec: ServiceSpec, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            process = self.processes[spec.name]
            if process.poll() is not None:
                raise RuntimeError(f"{spec.name} exited with {process.returncode}; see {self.logs / spec.name}.log")
            try:
                if httpx.get(f"{spec.url}/ready", timeout=1.0).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise TimeoutError(f"{spec.name} not ready after {timeout}s; see {self.logs / spec.name}.log")

    def claim(self) -> None:
        """Take the data folder and check every port is free, before anything starts; StackBusy says why not."""
        if self.lock is not None:
            return
        lock = DataDirLock(self.data_dir)
        lock.acquire()
        wanted = [("nats-server", self.nats_port), *((spec.name, spec.port) for spec in self.services)]
        taken = ports_in_use(wanted)
        if taken:
            lock.release(tidy=True)  # leave the folder as we found it
            raise StackBusy(
                f"already in use: {', '.join(taken)}. Another stack (or another program) is listening there; "
                "stop it, or choose other ports with --nats-port and --port NAME=PORT"
            )
        self.lock = lock

    def start(self) -> None:
        self.claim()
        self.start_nats()
        for spec in self.services:
            self.migrate(spec)
        for spec in self.services:
            self.start_service(spec)
        for spec in self.services:
            self.wait_ready(spec)

    def log_of(self, name: str) -> Path:
        return self.logs / f"{name}.log"

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
        if self.nats:
            self.nats.stop()
        if self.lock is not None:
            self.lock.release()
            self.lock = None


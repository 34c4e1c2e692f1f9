"""The baseline the bench compares against: `scx_cli.baseline` (a bare insert-and-publish endpoint) in a uvicorn
process of its own, on the bench's nats-server."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx


class BaselineProcess:
    def __init__(self, *, port: int, data_dir: Path, logs: Path, nats_url: str, engine: str) -> None:
        self.port, self.data_dir, self.logs, self.nats_url, self.engine = port, data_dir, logs, nats_url, engine
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        log = open(self.logs / "baseline.log", "ab")  # noqa: SIM115 - the child owns it until it exits
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "uvicorn", "scx_cli.baseline:create_app", "--factory",
                "--host", "127.0.0.1", "--port", str(self.port), "--no-access-log",
            ],
            env={
                **os.environ,
                "SCX_BASELINE_DATABASE": str(self.data_dir / "baseline.db"),
                "SCX_BASELINE_NATS": self.nats_url,
                "SCX_BASELINE_ENGINE": self.engine,
            },
            stdout=log,
            stderr=log,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the baseline exited with {self.process.returncode}; see {log.name}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.url}/ready", timeout=1.0).status_code == 200:
                    return
            time.sleep(0.1)
        raise TimeoutError(f"the baseline was not ready within 60s; see {log.name}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

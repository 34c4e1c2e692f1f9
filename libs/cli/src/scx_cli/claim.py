"""One stack per data folder and per port: `scx up` claims both before it starts anything.

The data folder is claimed with an exclusive `flock` on a file inside it. The lock's descriptor is inherited by
every process the stack starts (nats-server and the services), so the folder stays claimed while any of them
runs, even when `scx up` itself was killed; the kernel releases it when the last one exits, so a crash never
leaves a stale claim behind. Two nats-servers on one JetStream store would corrupt it, and two services on one
SQLite file would fight over its writer.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import socket
from collections.abc import Iterable
from pathlib import Path
from typing import IO

LOCK_FILE = "scx-up.lock"


class StackBusy(RuntimeError):
    """Another stack holds the data folder or a port this one needs."""


class DataDirLock:
    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / LOCK_FILE
        self._file: IO[str] | None = None
        self._made_folder = False

    def acquire(self) -> None:
        self._made_folder = not self.path.parent.exists()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        file = open(self.path, "a+")  # noqa: SIM115 - held open for as long as the stack runs
        try:
            fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            file.seek(0)
            holder = file.read().strip() or "unknown"
            file.close()
            raise StackBusy(
                f"another scx stack (pid {holder}, or a process it started) is running on {self.path.parent}: stop "
                f"it first (Ctrl-C in its terminal, or kill {holder}), or give this one its own --data-dir"
            ) from None
        file.seek(0)
        file.truncate()
        file.write(f"{os.getpid()}\n")
        file.flush()
        self._file = file

    @property
    def fileno(self) -> int:
        """The descriptor to hand down to every child, so that the claim outlives this process only as they do."""
        assert self._file is not None, "acquire() first"
        return self._file.fileno()

    def release(self, *, tidy: bool = False) -> None:
        """Let the folder go; `tidy` also removes the lock file, and the folder if this claim made it and it is
        empty (a stack that was refused before it started leaves nothing behind)."""
        if self._file is not None:
            if tidy:
                self.path.unlink(missing_ok=True)
            fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
            self._file.close()
            self._file = None
            if tidy and self._made_folder:
                with contextlib.suppress(OSError):
                    self.path.parent.rmdir()


# What `scx down` removes from a data folder: what a stack writes there, and nothing else someone put in it.
DATA_ENTRIES = ("*.db", "*.db-wal", "*.db-shm", "nats", "logs", LOCK_FILE)


def remove_data(data_dir: Path) -> list[Path]:
    """Remove a stack's data from `data_dir` while holding its claim, so no stack can start on it meanwhile; the
    folder itself goes only if nothing else is left in it. StackBusy if a stack (or one of its processes) runs."""
    lock = DataDirLock(data_dir)
    lock.acquire()
    removed: list[Path] = []
    try:
        for pattern in DATA_ENTRIES:
            for path in sorted(data_dir.glob(pattern)):
                if path.name == LOCK_FILE:
                    continue
                shutil.rmtree(path) if path.is_dir() else path.unlink()
                removed.append(path)
    finally:
        lock.path.unlink(missing_ok=True)
        lock.release()
    with contextlib.suppress(OSError):
        data_dir.rmdir()  # only if empty
    return removed


def ports_in_use(ports: Iterable[tuple[str, int]]) -> list[str]:
    """`what (port N)` for each port something already listens on, checked as uvicorn and nats-server will bind."""
    taken = []
    for what, port in ports:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            # As the servers do: a port left in TIME_WAIT by a stack that just stopped is free to take.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                taken.append(f"{what} (port {port})")
    return taken

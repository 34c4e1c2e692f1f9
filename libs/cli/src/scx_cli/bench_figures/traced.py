"""`python -m scx_cli.bench_figures.traced FACTORY PORT LOG`: uvicorn serving FACTORY, with every SQL statement any
engine runs written to LOG (its text, parameters and milliseconds, a JSON line each). The bench starts the service
this way only after timing it, to find which query makes a slow report slow; the timed runs are plain uvicorn."""

from __future__ import annotations

import json
import sys
import time
from typing import Any

import uvicorn
from sqlalchemy import event
from sqlalchemy.engine import Engine


def main() -> None:
    factory, port, log = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    out = open(log, "a", buffering=1)  # noqa: SIM115 - open for the life of the process

    @event.listens_for(Engine, "before_cursor_execute")
    def _before(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        conn.info.setdefault("scx_bench_began", []).append(time.perf_counter())

    @event.listens_for(Engine, "after_cursor_execute")
    def _after(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        began = conn.info["scx_bench_began"].pop()
        out.write(json.dumps({"ms": (time.perf_counter() - began) * 1000, "sql": statement,
                              "parameters": parameters}, default=str) + "\n")

    uvicorn.run(factory, factory=True, host="127.0.0.1", port=port, access_log=False)


if __name__ == "__main__":
    main()

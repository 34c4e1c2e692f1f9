"""`scx bench`: refer → start → allocate at rising concurrency against a local stack of its own, beside a bare
FastAPI endpoint (one ORM insert, one JetStream publish) driven the same way, and the lag from commit to the
events being seen downstream. Not a test: a measurement, printed and optionally written to docs/benchmarks.md.

Everything runs on this machine at once: nats-server, the services, the baseline and this load generator
(whose NATS listener runs in a process of its own so the load does not delay its clock readings). CPU time
is read from /proc for each process, so the report can say where the time went.

`load` generates the load, `lag` measures event and read-model lag, `case_tracking` the case tracking phase,
`report` writes the results, and
`baseline_process` runs the yardstick; `run` puts them together.
"""

from scx_cli.bench.report import (
    case_tracking_section,
    cpu_table,
    kept_notes,
    lag_lines,
    markdown,
    reading,
    table,
    write_report,
)
from scx_cli.bench.results import BenchOptions, Level, Report, Run, ms, percentile
from scx_cli.bench.run import run_bench

__all__ = [
    "BenchOptions", "Level", "Report", "Run", "case_tracking_section", "cpu_table", "kept_notes", "lag_lines",
    "markdown", "ms", "percentile", "reading", "run_bench", "table", "write_report",
]

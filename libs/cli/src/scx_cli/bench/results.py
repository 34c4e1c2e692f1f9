"""What a bench run measured: the options, each timed run, each concurrency level, the report; and the two
statistics everything else prints."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100); NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(q / 100 * len(ordered))))
    return ordered[rank - 1]


def ms(seconds: float) -> str:
    return "-" if math.isnan(seconds) else f"{seconds * 1000:.1f}"



@dataclass(frozen=True)
class BenchOptions:
    levels: tuple[int, ...] = (1, 4, 16, 32)
    seconds: float = 8.0
    journeys: int = 0  # when > 0, a fixed number of journeys per level instead of `seconds`
    warmup: int = 30
    lag_samples: int = 10
    case_requests: int = 400  # attended appointments per concurrency level in the case tracking phase
    baseline_engine: str = "stock"  # stock: SQLAlchemy's aiosqlite; inline: scx's SQLite writer (ADR 0011)


@dataclass
class Run:
    """One timed run of journeys (ours) or their equivalent (baseline) at one concurrency."""

    concurrency: int
    journeys: int = 0
    requests: int = 0
    errors: int = 0
    elapsed: float = 0.0
    latencies: list[float] = field(default_factory=list)
    journey_latencies: list[float] = field(default_factory=list)
    committed: dict[str, float] = field(default_factory=dict)  # event key -> when the response arrived
    cpu: dict[str, float] = field(default_factory=dict)  # process -> CPU seconds during the run
    other_cores: float = 0.0  # CPUs kept busy by processes that are not the bench's, on average
    first_errors: list[str] = field(default_factory=list)

    @property
    def rps(self) -> float:
        return self.requests / self.elapsed if self.elapsed else 0.0

    @property
    def jps(self) -> float:
        return self.journeys / self.elapsed if self.elapsed else 0.0

    def error(self, what: str) -> None:
        self.errors += 1
        if len(self.first_errors) < 5:
            self.first_errors.append(what)


@dataclass
class Level:
    ours: Run
    baseline: Run
    event_lags: list[float] = field(default_factory=list)
    events_missing: int = 0

    @property
    def ratio(self) -> float:
        return self.ours.rps / self.baseline.rps if self.baseline.rps else 0.0


@dataclass
class Report:
    started: datetime
    machine: dict[str, str]
    options: BenchOptions
    levels: list[Level] = field(default_factory=list)
    organisation_lags: list[float] = field(default_factory=list)
    subcontract_lags: list[float] = field(default_factory=list)
    case_levels: list[Level] = field(default_factory=list)  # case tracking's write path: an attended appointment
    case_open_lags: list[float] = field(default_factory=list)  # referral.started answered → case visible
    wall: float = 0.0

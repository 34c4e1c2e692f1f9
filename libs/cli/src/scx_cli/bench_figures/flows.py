"""The referral flows' roll-up of the history (`flow_tallies`, `flow_delays`, `flow_awaiting_days`), as the
subcontracts service keeps it in the history's own transaction: each journey's change to its referral-cohort
tallies summed over payment groups, its change to the delay histogram summed over organisations, and the clocks it
awaits. A row exists once a change touched it; by the same reasoning as the history's tallies (`projection`):

- a flow tally (contract, organisation, referral month) for every organisation a journey was delivered by;
- a delay (contract, referral month, days) for every first-WFI delay a journey had: moving the journey to another
  organisation changes no sum over organisations;
- an awaiting day (clock, the day it started, contract, referral month) for every clock a journey awaited.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scx_cli.bench_figures.projection import Figures

TABLES = ("flow_tallies", "flow_delays", "flow_awaiting_days")
FLOW_MEASURES: tuple[str, ...] = (
    "referred", "rejected", "started", "first_wfi", "job_start", "job_outcome", "dropped_out",
    "acknowledgement_breached", "first_meeting_breached", "assessment_breached",
)
CLOCKS = ("acknowledgement", "first_meeting", "assessment")


def flow_rows(figures: Figures, prime_of: Mapping[str, str]) -> dict[str, list[dict[str, Any]]]:
    tallies: dict[tuple[str, str, str], dict[str, int]] = {}
    for (contract, who, _group, cohort, month, measure), n in figures.cohorts.items():
        if cohort == "referral":
            row = tallies.setdefault((contract, who, month), {})
            if measure in FLOW_MEASURES:
                row[measure] = row.get(measure, 0) + n
    for (contract, who, month, clock), n in figures.awaiting.items():
        row = tallies.setdefault((contract, who, month), {})
        row[f"{clock}_awaiting"] = row.get(f"{clock}_awaiting", 0) + n
    delays: dict[tuple[str, str, int], int] = {}
    for (contract, _who, month, _measure, days), n in figures.delays.items():
        delays[contract, month, days] = delays.get((contract, month, days), 0) + n
    columns = (*FLOW_MEASURES, *(f"{clock}_awaiting" for clock in CLOCKS))
    return {
        "flow_tallies": [
            {"contract_id": c, "organisation_id": who, "month": month, "prime_id": prime_of[c],
             **{column: row.get(column, 0) for column in columns}}
            for (c, who, month), row in tallies.items()
        ],
        "flow_delays": [
            {"contract_id": c, "month": month, "days": days, "prime_id": prime_of[c], "count": n}
            for (c, month, days), n in delays.items()
        ],
        "flow_awaiting_days": [
            {"clock": clock, "since_on": since, "contract_id": c, "month": month, "prime_id": prime_of[c], "count": n}
            for (c, clock, since, month), n in figures.awaiting_days.items()
        ],
    }

"""The demo's figures (in the subcontracts service, after the journeys): Northstar sets when its partners' weekly
returns are due, DWP sets minimum performance levels, and Tynebridge posts its weekly returns for the weeks of the
demo's journeys, the last ended week excepted (the README's walkthrough posts it).

Tynebridge's figures are the history's own, as a partner's records would be if they were complete, except in one
week where its spreadsheet missed a fail-to-attend (or, in a week without one, a WFI): there the reconciliation
names the difference and the journey behind it. Every return is posted when the demo loads, so all but the most
recent are late against Northstar's deadline.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import httpx

# Illustrative levels (basis points: 1/100 of a %) of a monthly referral cohort with a job outcome within 12
# months, per payment group, in the spirit of the Work Programme's (JSA groups highest, ESA ex-IB lowest). An
# assumption of the demo, not DWP's figures.
MINIMUM_PERFORMANCE_LEVELS = {1: 2750, 2: 2750, 3: 2200, 4: 1000, 5: 1000, 6: 1000, 7: 500, 8: 500, 9: 1500}
DEADLINE = {"days_after_week_end": 1, "at_local_time": "17:00"}  # the Tuesday after the week, 5 pm London time
PARTNER = "partner-tynebridge"


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}"


def last_ended_week(today: date) -> str:
    return iso_week(today - timedelta(days=7))


class DemoFigures:
    def __init__(
        self, sub: httpx.Client, headers: Callable[[str], dict[str, str]], ok: Callable[[httpx.Response], Any]
    ) -> None:
        self.sub, self._h, self._ok = sub, headers, ok

    def load(self, contracts: dict[str, str], first_day: date, today: date) -> dict[str, Any]:
        northstar = contracts["prime-northstar"]
        self._ok(self.sub.put(f"/contracts/{northstar}/weekly-return-deadline", headers=self._h("prime-northstar"),
                              json=DEADLINE))
        for contract_id in contracts.values():
            self._ok(self.sub.put(
                f"/contracts/{contract_id}/minimum-performance-levels", headers=self._h("dwp"),
                json={"levels": [{"payment_group": group, "level_basis_points": level}
                                 for group, level in MINIMUM_PERFORMANCE_LEVELS.items()]},
            ))
        weeks = self._settled_weeks(northstar, iso_week(first_day), last_ended_week(today))
        posted = []
        to_post = [w for w in weeks if w["iso_week"] != last_ended_week(today) and any(w["derived"].values())]
        missed_in = to_post[len(to_post) // 2]["iso_week"] if to_post else None
        for week in to_post:
            figures = dict(week["derived"])
            if week["iso_week"] == missed_in:
                figure = "fail_to_attends" if figures["fail_to_attends"] else "wfis_delivered"
                figures[figure] = max(0, figures[figure] - 1)
            posted.append(self._ok(self.sub.post("/weekly-returns", headers=self._h(PARTNER), json={
                "subcontract_id": week["subcontract_id"], "iso_week": week["iso_week"], "figures": figures,
            }))["return_id"])
        return {"weekly_returns": posted, "return_with_a_difference": missed_in}

    def _settled_weeks(self, contract_id: str, week_from: str, week_to: str, timeout: float = 30.0) -> list[Any]:
        """Tynebridge's weeks as the subcontracts service derives them from the events: it learns of the journeys
        from events, so wait until two readings a second apart agree (and hold something)."""
        deadline = time.monotonic() + timeout
        previous: list[Any] | None = None
        while True:
            page = self._ok(self.sub.get("/reconciliation", headers=self._h("prime-northstar"), params={
                "contract_id": contract_id, "partner_id": PARTNER, "week_from": week_from, "week_to": week_to,
                "limit": 100,
            }))
            weeks = [w for w in page["items"] if w["partner_id"] == PARTNER]
            if weeks == previous and any(any(w["derived"].values()) for w in weeks):
                return weeks
            if time.monotonic() > deadline:
                raise RuntimeError(f"the subcontracts service's figures for {PARTNER} did not settle in {timeout:g} s")
            previous = weeks
            time.sleep(1.0)

"""The flows and health migration on a database that already holds the history and the registry: it writes the flow
tallies the projection would have kept (checked against the history's rules and against `rebuild_from_history`),
and records the agreed terms of each subcontract not yet varied as its variation 0."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import insert, select

from scx_persistence import UnitOfWorkFactory, create_engine
from scx_subcontracts.models.flows import TALLIED, flow_awaiting_days, flow_delays, flow_tallies
from scx_subcontracts.models.history import Journey, cohort_tallies, delay_tallies, journeys
from scx_subcontracts.models.registry import contracts, organisations, subcontract_variations, subcontracts
from scx_subcontracts.repository.flows import rebuild_from_history
from scx_subcontracts.rules import flows as flow_rules
from scx_subcontracts.rules import history as rules
from scx_testing.databases import upgrade

from .builders import ALEMBIC_INI

BEFORE = "2224d8324361"
CONTRACT = "01900000-0000-7000-8000-00000000c001"
SUBCONTRACT = "01900000-0000-7000-8000-00000000s001"
NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)


def journey(n: int, **milestones: Any) -> Journey:
    return Journey(
        referral_id=f"01900000-0000-7000-8000-{n:012d}", claimant_ref=f"clm_{n:032d}", contract_id=CONTRACT,
        prime_id="prime-north", referrer_id="jcp-leeds", payment_group=1 + n % 2,
        referral_date=milestones.pop("referral_date", date(2026, 3, 2)),
        organisation_id=milestones.pop("organisation_id", "partner-whole"), **milestones,
    )


JOURNEYS = [
    journey(1, started_on=date(2026, 3, 3), first_meeting_on=date(2026, 3, 5), first_wfi_on=date(2026, 3, 5)),
    journey(2, started_on=date(2026, 3, 3), first_meeting_on=date(2026, 3, 30), first_wfi_on=date(2026, 3, 30),
            assessment_on=date(2026, 3, 30), action_plan_on=date(2026, 3, 30)),
    journey(3, organisation_id="prime-north"),  # not started: awaiting acknowledgement and a first meeting
    journey(4, organisation_id="prime-north", rejected_on=date(2026, 3, 3)),
    journey(5, started_on=date(2026, 3, 3), withdrawn_on=date(2026, 4, 20)),
    journey(6, referral_date=date(2026, 4, 1), started_on=date(2026, 4, 2), first_meeting_on=date(2026, 4, 9),
            first_wfi_on=date(2026, 4, 9), first_job_on=date(2026, 5, 1)),
]


async def test_the_migration_writes_the_flows_the_projection_would_have(empty_database_url: str) -> None:
    upgrade(ALEMBIC_INI, empty_database_url, BEFORE)
    cohorts: Counter[tuple[Any, ...]] = Counter()
    delays: Counter[tuple[Any, ...]] = Counter()
    for j in JOURNEYS:
        cohorts.update(rules.cohort_measures(j))
        delays.update(rules.delays(j))
    engine = create_engine(empty_database_url)
    try:
        async with engine.begin() as conn:
            await conn.execute(insert(organisations), [
                {"organisation_id": o, "name": o, "kind": k, "registered_at": NOW}
                for o, k in (("prime-north", "prime"), ("partner-whole", "partner"))
            ])
            await conn.execute(insert(contracts), [{
                "contract_id": CONTRACT, "prime_id": "prime-north", "contract_package_area": "West Yorkshire",
                "start_date": date(2026, 1, 1), "end_date": date(2028, 12, 31), "value_pence": 1,
                "payment_model": "pathways-30-50-20", "profile_revision": 0, "awarded_at": NOW,
            }])
            await conn.execute(insert(subcontracts), [{
                "subcontract_id": SUBCONTRACT, "contract_id": CONTRACT, "prime_id": "prime-north",
                "partner_id": "partner-whole", "model": "end_to_end", "terms": {"share_of_targets_percent": 25},
                "start_date": date(2026, 1, 1), "end_date": date(2028, 12, 31), "status": "live", "variation": 0,
                "ended_on": None, "end_reason": None, "end_note": None, "agreed_at": NOW,
            }])
            await conn.execute(insert(journeys), [{f: getattr(j, f) for f in j.__dataclass_fields__} for j in JOURNEYS])
            await conn.execute(insert(cohort_tallies), [
                {"contract_id": CONTRACT, "organisation_id": o, "payment_group": g, "cohort": c, "month": m,
                 "measure": measure, "count": n}
                for (o, g, c, m, measure), n in cohorts.items()
            ])
            await conn.execute(insert(delay_tallies), [
                {"contract_id": CONTRACT, "organisation_id": o, "month": m, "measure": measure, "days": d, "count": n}
                for (o, m, measure, d), n in delays.items()
            ])
        await engine.dispose()

        upgrade(ALEMBIC_INI, empty_database_url)
        engine = create_engine(empty_database_url)
        migrated = await read(engine)
        assert migrated[0][("partner-whole", "2026-03")] == {
            "referred": 3, "started": 3, "first_wfi": 2, "dropped_out": 1, "first_meeting_breached": 2,
            "assessment_breached": 1, "assessment_awaiting": 1,
        }
        assert migrated[0][("prime-north", "2026-03")] == {
            "referred": 2, "rejected": 1, "acknowledgement_awaiting": 1, "first_meeting_awaiting": 1,
        }
        assert migrated[0][("partner-whole", "2026-04")] == {
            "referred": 1, "started": 1, "first_wfi": 1, "job_start": 1, "assessment_awaiting": 1,
        }
        assert migrated[1] == {("2026-03", 3): 1, ("2026-03", 28): 1, ("2026-04", 8): 1}
        assert migrated[2] == {
            ("acknowledgement", date(2026, 3, 2), "2026-03"): 1, ("first_meeting", date(2026, 3, 2), "2026-03"): 1,
            ("assessment", date(2026, 3, 3), "2026-03"): 1, ("assessment", date(2026, 4, 2), "2026-04"): 1,
        }
        expected: Counter[tuple[str, str, str]] = Counter()
        for j in JOURNEYS:
            for (who, month), columns in flow_rules.awaiting_change(None, j).columns.items():
                expected.update({(who, month, c): n for c, n in columns.items()})
        assert dict(expected) == {
            (o, m, c): n for (o, m), counts in migrated[0].items() for c, n in counts.items() if "awaiting" in c
        }

        async with UnitOfWorkFactory(engine)() as uow:
            await rebuild_from_history(uow)
            await uow.commit()
        assert await read(engine) == migrated

        async with engine.connect() as conn:
            agreed = (await conn.execute(select(subcontract_variations))).mappings().one()
        assert (agreed["subcontract_id"], agreed["variation"], agreed["reason"]) == (SUBCONTRACT, 0, "the terms agreed")
        assert agreed["terms"] == {"share_of_targets_percent": 25}
    finally:
        await engine.dispose()


async def read(engine: Any) -> tuple[dict[Any, dict[str, int]], dict[Any, int], dict[Any, int]]:
    async with engine.connect() as conn:
        tallies = {
            (row["organisation_id"], row["month"]): {c: row[c] for c in TALLIED if row[c]}
            for row in (await conn.execute(select(flow_tallies))).mappings()
        }
        delays = {
            (row["month"], row["days"]): row["count"] for row in (await conn.execute(select(flow_delays))).mappings()
        }
        days = {
            (row["clock"], row["since_on"], row["month"]): row["count"]
            for row in (await conn.execute(select(flow_awaiting_days))).mappings() if row["count"]
        }
    return tallies, delays, days

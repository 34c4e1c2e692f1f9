"""The money, as properties (hypothesis, no database): instalments sum to exactly the share, no amount is negative,
reassessing is idempotent; and the shipped tariffs say what the published figures say, assumptions marked."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from scx_claims.models.entitlements import Entitlement
from scx_claims.rules import entitlements as rules
from scx_claims.rules import tariffs
from scx_claims.tariffs import shipped

from .entitlements_builders import PATHWAYS, START, WORK_PROGRAMME, versions

FEW = settings(max_examples=60, deadline=None)
NOW = datetime(2030, 1, 1, tzinfo=UTC)

values = st.integers(min_value=0, max_value=10**13)
starts = st.dates(min_value=date(2010, 1, 1), max_value=date(2040, 12, 31))


@FEW
@given(value=values, basis_points=st.integers(1, 10_000), start=starts, months=st.integers(1, 120))
def test_instalments_sum_exactly_to_the_share_and_differ_by_a_penny_at_most(
    value: int, basis_points: int, start: date, months: int
) -> None:
    end = date(start.year + (start.month - 1 + months - 1) // 12, (start.month - 1 + months - 1) % 12 + 1, 1)
    listed = tariffs.contract_months(start, end)
    assert len(listed) == months
    paid = tariffs.instalments(tariffs.share_of(value, basis_points), listed)
    amounts = [a for _, a in paid]
    assert sum(amounts) == value * basis_points // 10_000
    assert min(amounts) >= 0 and max(amounts) - min(amounts) <= 1
    assert amounts == sorted(amounts, reverse=True)  # the remainder pennies go to the earliest months
    assert [m for m, _ in paid] == listed


def test_the_pathways_service_fee_is_30_percent_in_24_instalments() -> None:
    months = tariffs.contract_months(date(2027, 4, 1), date(2029, 3, 31))
    paid = tariffs.instalments(tariffs.share_of(12_000_000_01, 3000), months)
    assert len(paid) == 24 and sum(a for _, a in paid) == 3_600_000_00
    assert paid[0] == ("2027-04", 15_000_000) and paid[-1] == ("2029-03", 15_000_000)


@FEW
@given(value=values, basis_points=st.integers(1, 10_000), profiled=st.integers(0, 100_000))
def test_a_share_per_outcome_never_pays_more_than_the_share(value: int, basis_points: int, profiled: int) -> None:
    price = tariffs.share_per_outcome(value, basis_points, profiled)
    if profiled == 0:
        assert price is None
    else:
        assert price is not None and 0 <= price * profiled <= tariffs.share_of(value, basis_points)


hours = st.integers(min_value=0, max_value=6000)
journeys = st.lists(st.tuples(st.integers(0, 120), hours), max_size=80)


def _weeks(reports: list[tuple[int, int]]) -> list[rules.Week]:
    return rules.weeks_worked([(START + timedelta(weeks=n), h) for n, h in reports], START)


def _apply(existing: list[Entitlement], changes: rules.Changes) -> list[Entitlement]:
    by_key = {(e.kind, e.sequence): e for e in existing}
    for e in [*changes.updated, *changes.withdrawn]:
        by_key[(e.kind, e.sequence)] = e
    for p in changes.added:
        by_key[(p.kind, p.sequence)] = Entitlement(
            entitlement_id=f"{p.kind}-{p.sequence}", case_id="case", contract_id="contract", prime_id="prime",
            kind=p.kind, sequence=p.sequence, amount_pence=p.amount_pence, tariff_model=p.tariff_model,
            tariff_version=p.tariff_version, payable_from=p.payable_from, evidence_weeks=rules.evidence_of(p),
            status=rules.PAYABLE, computed_at=NOW,
        )
    return list(by_key.values())


def _assess(model: str, worked: list[rules.Week], group: int) -> list[rules.Payable]:
    from .entitlements_builders import PATHWAYS_TERMS, WP_TERMS

    return rules.assess(started_on=START, payment_group=group, weeks=worked, versions=versions(model),
                        terms=PATHWAYS_TERMS if model == PATHWAYS else WP_TERMS)


@FEW
@given(model=st.sampled_from([PATHWAYS, WORK_PROGRAMME]), group=st.integers(1, 9), first=journeys, second=journeys)
def test_reassessing_is_idempotent_and_nothing_is_negative_or_unsupported(
    model: str, group: int, first: list[tuple[int, int]], second: list[tuple[int, int]]
) -> None:
    recorded = _apply([], rules.reconcile([], _assess(model, _weeks(first), group), now=NOW))
    assert not rules.reconcile(recorded, _assess(model, _weeks(first), group), now=NOW)
    for e in recorded:
        assert e.amount_pence > 0 and e.payable_from >= START
        weeks_worked = {w.week_commencing.isoformat() for w in _weeks(first) if w.hundredths > 0}
        assert set(e.evidence_weeks) <= weeks_worked  # every evidence week was reported with hours
    # The journey changes (corrections, more weeks): one reconciliation brings it in line, a second changes nothing.
    corrected = _weeks(first + second)
    recorded = _apply(recorded, rules.reconcile(recorded, _assess(model, corrected, group), now=NOW))
    assert not rules.reconcile(recorded, _assess(model, corrected, group), now=NOW)
    wanted = {(p.kind, p.sequence) for p in _assess(model, corrected, group)}
    assert {(e.kind, e.sequence) for e in recorded if e.status == rules.PAYABLE} == wanted


# The shipped tariffs


def test_the_shipped_tariffs_load_and_are_usable() -> None:
    loaded = shipped()
    assert [(v.model, v.version) for v in loaded] == [(PATHWAYS, 1), (WORK_PROGRAMME, 1)]
    assert all(tariffs.faults(v.body) == [] for v in loaded)
    assert shipped() == loaded  # loading again gives the same


def test_pathways_is_30_50_20_with_its_thresholds() -> None:
    body = versions(PATHWAYS)[0].body
    assert body.service_fee and body.job_outcome and body.sustained_job_outcome
    assert (body.service_fee.share_of_value_basis_points, body.job_outcome.share_of_value_basis_points,
            body.sustained_job_outcome.share_of_value_basis_points) == (3000, 5000, 2000)
    assert (body.job_outcome.week_min_hundredths, body.sustained_job_outcome.week_min_hundredths,
            body.sustained_job_outcome.weeks, body.sustained_job_outcome.within_weeks) == (800, 1600, 13, 26)


def test_the_work_programme_marks_every_unpublished_figure_as_an_assumption() -> None:
    body = versions(WORK_PROGRAMME)[0].body
    assumed = {a.figure for a in body.assumptions}
    for group in (6, 7, 8, 9):
        for figure in ("attachment_fee_by_year_pence", "job_outcome_pence", "sustainment_pence",
                       "sustainment_cap_pence"):
            assert f"groups.{group}.{figure}" in assumed
    for group in (1, 2, 3, 4, 5):
        assert f"groups.{group}.sustainment_pence" in assumed
        assert f"groups.{group}.sustainment_cap_pence" not in assumed  # published
    for g in body.groups:
        assert g.attachment_fee_by_year_pence == [40_000, 30_000, 20_000]
        assert g.sustainment_cap_pence is not None and g.sustainment_pence
        assert g.sustainment_cap_pence % g.sustainment_pence == 0


def test_faults_name_the_figure() -> None:
    body = versions(WORK_PROGRAMME)[0].body
    uneven = body.groups[0].model_copy(update={"sustainment_cap_pence": 221_001})
    broken = body.model_copy(update={"groups": [uneven, *body.groups[1:]]})
    assert tariffs.faults(broken) == [
        ("groups.0.sustainment_cap_pence", "must be a whole number of sustainment payments (a multiple of "
                                           "sustainment_pence)"),
    ]
    missing = body.model_copy(update={"groups": body.groups[1:]})
    assert [f for f, _ in tariffs.faults(missing)] == ["groups", "groups", "assumptions.2.figure"]
    stray = replace(versions(PATHWAYS)[0]).body.model_copy(update={"assumptions": [
        tariffs.Assumption(figure="groups.3.job_outcome_pence", note="no such figure here"),
    ]})
    assert tariffs.faults(stray) == [("assumptions.0.figure", "groups.3.job_outcome_pence is not a figure of this "
                                                               "tariff")]


def test_a_contract_year_turns_on_the_anniversary() -> None:
    assert [tariffs.contract_year(date(2028, 2, 29), d) for d in (
        date(2028, 2, 28), date(2028, 2, 29), date(2029, 2, 28), date(2029, 3, 1), date(2030, 3, 1),
    )] == [1, 1, 1, 2, 3]

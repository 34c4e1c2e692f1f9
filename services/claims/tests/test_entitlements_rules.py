"""The eligibility rules alone, at every boundary: 7.99 vs 8 hours, 15.99 vs 16, 12 vs 13 of 26 weeks, week 25 vs
26 (Work Programme groups 1-2) and 12 vs 13 (the others), a job end and a restart inside the window, concurrent
jobs, corrections, tariff versions taking effect."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from scx_claims.models.entitlements import Entitlement
from scx_claims.rules import entitlements as rules

from .entitlements_builders import (
    CONTRACT_START,
    JOB_OUTCOME_PENCE,
    PATHWAYS,
    START,
    SUSTAINED_PENCE,
    WORK_PROGRAMME,
    assess,
    versions,
    weeks,
)

W = timedelta(weeks=1)
NOW = datetime(2028, 1, 1, tzinfo=UTC)


# PL Pathways: the job outcome


def test_a_week_of_7_99_hours_is_not_entering_work_and_8_is() -> None:
    assert assess(PATHWAYS, weeks(["7.99"] * 30)) == {}
    found = assess(PATHWAYS, weeks(["7.99", "8"]))
    job = found[("job_outcome", 1)]
    assert (job.amount_pence, job.payable_from, job.evidence_weeks) == (JOB_OUTCOME_PENCE, START + 2 * W,
                                                                        (START + W,))
    assert (job.tariff_model, job.tariff_version) == (PATHWAYS, 1)


def test_concurrent_jobs_add_up_in_a_week() -> None:
    two_jobs = rules.weeks_worked([(START, 400), (START, 400), (START + W, 799)], START)
    assert [w.hundredths for w in two_jobs] == [800, 799]
    assert assess(PATHWAYS, two_jobs)[("job_outcome", 1)].evidence_weeks == (START,)


def test_weeks_before_the_start_count_for_nothing() -> None:
    assert rules.weeks_worked([(START - W, 4000), (START, 100)], START + timedelta(days=3)) == [rules.Week(START, 100)]


def test_one_job_outcome_per_referral_however_many_jobs() -> None:
    found = assess(PATHWAYS, weeks(["20", "0", "30", "9"]))
    assert [k for k in found if k[0] == "job_outcome"] == [("job_outcome", 1)]


# PL Pathways: the sustained job outcome


def test_13_weeks_of_16_hours_within_26_make_a_sustained_outcome_and_12_do_not() -> None:
    alternate = ["16", "10"] * 12 + ["16"]  # 13 weeks of 16 in weeks 1..25
    sustained = assess(PATHWAYS, weeks(alternate))[("sustained_job_outcome", 1)]
    assert sustained.amount_pence == SUSTAINED_PENCE
    assert len(sustained.evidence_weeks) == 13 and sustained.payable_from == START + 25 * W
    assert ("sustained_job_outcome", 1) not in assess(PATHWAYS, weeks(["16", "10"] * 12))


def test_15_99_hours_is_not_a_sustained_week() -> None:
    assert ("sustained_job_outcome", 1) not in assess(PATHWAYS, weeks(["16"] * 12 + ["15.99"] * 14))
    assert ("sustained_job_outcome", 1) in assess(PATHWAYS, weeks(["16"] * 12 + ["15.99"] * 13 + ["16"]))


def test_13_weeks_spread_over_27_weeks_are_not_within_26() -> None:
    spread = ["16"] + ["0"] * 14 + ["16"] * 12  # weeks 1 and 16-27: 27 weeks from first to last
    assert ("sustained_job_outcome", 1) not in assess(PATHWAYS, weeks(spread))
    assert ("sustained_job_outcome", 1) in assess(PATHWAYS, weeks(["16"] + ["0"] * 13 + ["16"] * 12))  # 26


def test_a_job_end_and_a_restart_inside_the_window_still_sustain() -> None:
    first_job = [(START + n * W, 2000) for n in range(7)]
    second_job = [(START + (12 + n) * W, 1600) for n in range(6)]  # after a gap of five weeks
    worked = rules.weeks_worked([*first_job, *second_job], START)
    sustained = assess(PATHWAYS, worked)[("sustained_job_outcome", 1)]
    assert sustained.evidence_weeks[0] == START and sustained.payable_from == START + 18 * W


def test_a_sustained_outcome_is_never_payable_before_the_job_outcome() -> None:
    found = assess(PATHWAYS, weeks(["16"] * 13))
    assert found[("sustained_job_outcome", 1)].payable_from >= found[("job_outcome", 1)].payable_from


def test_no_profile_no_share_priced_outcome() -> None:
    found = rules.assess(
        started_on=START, payment_group=6, weeks=weeks(["40"] * 30), versions=versions(PATHWAYS),
        terms=rules.ContractTerms(start_date=CONTRACT_START, value_pence=10**9, profiled_job_outcomes=0,
                                  profiled_sustained_job_outcomes=0),
    )
    assert found == []


# The Work Programme


@pytest.mark.parametrize(("group", "needed"), [(1, 26), (2, 26), (3, 13), (5, 13), (6, 13), (9, 13)])
def test_the_job_outcome_after_26_weeks_in_work_for_groups_1_2_and_13_for_the_others(group: int, needed: int) -> None:
    assert ("job_outcome", 1) not in assess(WORK_PROGRAMME, weeks(["1"] * (needed - 1)), group=group)
    job = assess(WORK_PROGRAMME, weeks(["0.01"] * needed), group=group)[("job_outcome", 1)]
    assert len(job.evidence_weeks) == needed and job.payable_from == START + needed * W
    assert job.amount_pence == (100_000 if group == 5 else 120_000)


def test_weeks_in_work_add_up_over_a_job_end_and_a_restart() -> None:
    worked = weeks(["20"] * 6 + [0] * 10 + ["20"] * 7)
    job = assess(WORK_PROGRAMME, worked, group=6)[("job_outcome", 1)]
    assert job.payable_from == START + 23 * W and len(job.evidence_weeks) == 13


@pytest.mark.parametrize(("group", "each", "payments"), [
    (1, 11_050, 20), (2, 10_750, 26), (3, 25_000, 20), (4, 25_000, 20), (5, 11_500, 20),
])
def test_sustainment_every_4_weeks_up_to_the_published_cap(group: int, each: int, payments: int) -> None:
    needed = 26 if group in (1, 2) else 13
    found = assess(WORK_PROGRAMME, weeks(["30"] * (needed + 4 * payments + 7)), group=group)
    paid = [p for (kind, _), p in found.items() if kind == "sustainment_payment"]
    assert len(paid) == payments and {p.amount_pence for p in paid} == {each}
    assert sum(p.amount_pence for p in paid) == {1: 221_000, 2: 279_500, 3: 500_000, 4: 500_000, 5: 230_000}[group]
    second = found[("sustainment_payment", 2)]
    assert second.payable_from == START + (needed + 8) * W and len(second.evidence_weeks) == 4
    partial = assess(WORK_PROGRAMME, weeks(["30"] * (needed + 3)), group=group)
    assert ("sustainment_payment", 1) not in partial


def test_esa_ex_ib_reproduces_the_published_total_of_13_720_pounds() -> None:
    found = assess(WORK_PROGRAMME, weeks(["30"] * 200), group=7, started_on=START)
    assert sum(p.amount_pence for p in found.values()) == 1_372_000


@pytest.mark.parametrize(("started_on", "fee"), [
    (CONTRACT_START, 40_000), (date(2028, 3, 31), 40_000), (date(2028, 4, 1), 30_000), (date(2029, 4, 1), 20_000),
    (date(2030, 3, 31), 20_000), (date(2030, 4, 1), None),
])
def test_the_attachment_fee_falls_by_contract_year_then_nil(started_on: date, fee: int | None) -> None:
    found = assess(WORK_PROGRAMME, [], group=2, started_on=started_on)
    assert (found[("attachment_fee", 1)].amount_pence if fee else None) == fee
    if fee:
        assert found[("attachment_fee", 1)].payable_from == started_on


# Versions


def _version_2(effective_from: date) -> list:
    first = versions(PATHWAYS)[0]
    job = first.body.job_outcome
    assert job is not None
    harder = first.body.model_copy(update={"job_outcome": job.model_copy(update={"week_min_hundredths": 1000})})
    return [first, replace(first, version=2, effective_from=effective_from, body=harder)]


def test_a_new_version_decides_only_what_becomes_payable_from_its_date() -> None:
    worked = weeks(["9"] * 10)
    before = assess(PATHWAYS, worked, tariffs=_version_2(START + 5 * W))[("job_outcome", 1)]
    assert (before.tariff_version, before.payable_from) == (1, START + W)  # earned under v1 before v2
    after = assess(PATHWAYS, worked, tariffs=_version_2(START))
    assert after == {}  # 9 hours is not enough under v2, in force from the start


# Reconciling with what is recorded


def _recorded(payable: rules.Payable, status: str = rules.PAYABLE) -> Entitlement:
    return Entitlement(
        entitlement_id=f"{payable.kind}-{payable.sequence}", case_id="case-1", contract_id="contract-1",
        prime_id="prime-north", kind=payable.kind, sequence=payable.sequence, amount_pence=payable.amount_pence,
        tariff_model=payable.tariff_model, tariff_version=payable.tariff_version, payable_from=payable.payable_from,
        evidence_weeks=rules.evidence_of(payable), status=status, computed_at=NOW,
    )


def test_a_correction_lowering_hours_withdraws_what_is_only_payable_and_leaves_what_is_claimed() -> None:
    wanted = list(assess(PATHWAYS, weeks(["16"] * 13)).values())
    job, sustained = (_recorded(p) for p in wanted)
    claimed = replace(sustained, status="claimed")
    corrected = list(assess(PATHWAYS, weeks(["7.99"] * 13)).values())
    changes = rules.reconcile([job, claimed], corrected, now=NOW)
    assert changes.added == [] and changes.updated == []
    assert [(e.kind, e.status) for e in changes.withdrawn] == [("job_outcome", "withdrawn")]


def test_a_withdrawn_entitlement_supported_again_is_payable_again() -> None:
    wanted = list(assess(PATHWAYS, weeks(["8"])).values())
    withdrawn = _recorded(wanted[0], rules.WITHDRAWN)
    changes = rules.reconcile([withdrawn], wanted, now=NOW)
    assert [e.status for e in changes.updated] == ["payable"] and not changes.added


def test_a_payable_entitlement_keeps_its_price_when_its_weeks_move() -> None:
    recorded = replace(_recorded(next(iter(assess(PATHWAYS, weeks(["8"])).values()))), amount_pence=1)
    moved = list(assess(PATHWAYS, weeks(["7", "8"])).values())
    (updated,) = rules.reconcile([recorded], moved, now=NOW).updated
    assert updated.amount_pence == 1 and updated.payable_from == START + 2 * W
    assert updated.evidence_weeks == [(START + W).isoformat()]

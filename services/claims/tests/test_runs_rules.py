"""A run's arithmetic alone (`rules.runs`): statements' lines sum to their totals, recoveries never net more than is
outstanding nor more than a statement's gross, and the same inputs make the same digest and the same bytes in
whatever order they are read."""

from __future__ import annotations

import csv
import io
import json
import random
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from scx_claims.rules.runs import (
    OutstandingRecovery,
    PayableInput,
    inputs_digest,
    last_day_of,
    net,
    plan_run,
    render_csv,
    render_json,
)

PRIMES = ("prime-north", "prime-south")
CONTRACTS = {"prime-north": ("c-north-1", "c-north-2"), "prime-south": ("c-south-1",)}
KINDS = ("attachment_fee", "job_outcome", "sustained_job_outcome", "sustainment_payment")
pence = st.integers(min_value=0, max_value=10**9)


@st.composite
def payable(draw: st.DrawFn, n: int) -> PayableInput:
    prime = draw(st.sampled_from(PRIMES))
    contract = draw(st.sampled_from(CONTRACTS[prime]))
    if draw(st.booleans()):
        month = f"2026-{draw(st.integers(1, 12)):02d}"
        return PayableInput(source="instalment", source_id=f"{contract}:{month}:{n}", prime_id=prime,
                            contract_id=contract, case_id=None, kind="service_fee", sequence=1, month=month,
                            payable_from=None, tariff_model="pathways-30-50-20", tariff_version=1,
                            amount_pence=draw(pence))
    kind = draw(st.sampled_from(KINDS))
    return PayableInput(
        source="entitlement" if kind == "attachment_fee" else "claim", source_id=f"src-{n}", prime_id=prime,
        contract_id=contract, case_id=f"case-{draw(st.integers(1, 50))}", kind=kind,
        sequence=draw(st.integers(1, 5)), month=None,
        payable_from=date(2026, 1, 1) + timedelta(days=draw(st.integers(0, 365))),
        tariff_model="work-programme-2011", tariff_version=draw(st.integers(1, 3)), amount_pence=draw(pence),
        approved_by=None if kind == "attachment_fee" else "officer-val",
    )


@st.composite
def run_inputs(draw: st.DrawFn) -> tuple[list[PayableInput], list[OutstandingRecovery]]:
    inputs = [draw(payable(n)) for n in range(draw(st.integers(0, 25)))]
    recoveries = []
    for n in range(draw(st.integers(0, 6))):
        prime = draw(st.sampled_from(PRIMES))
        recoveries.append(OutstandingRecovery(
            recovery_id=f"rec-{n}", prime_id=prime, contract_id=draw(st.sampled_from(CONTRACTS[prime])),
            reason=draw(st.sampled_from(["failed_validation", "overpaid_outcome", "extrapolated_from_sample"])),
            raised_on=date(2026, 1, 1) + timedelta(days=draw(st.integers(0, 30))),
            outstanding_pence=draw(st.integers(1, 10**9)),
        ))
    return inputs, recoveries


@settings(max_examples=60, deadline=None)
@given(run_inputs())
def test_a_statements_lines_sum_to_its_totals_and_recoveries_never_net_more_than_owed(
    given_inputs: tuple[list[PayableInput], list[OutstandingRecovery]],
) -> None:
    inputs, recoveries = given_inputs
    planned = plan_run("2026-12", inputs, recoveries)
    assert sum(len(s.lines) for s in planned.statements) == len(inputs)
    for s in planned.statements:
        assert s.gross_pence == sum(i.amount_pence for _, i in s.lines)
        assert [n for n, _ in s.lines] == list(range(1, len(s.lines) + 1))
        assert 0 <= s.recoveries_pence <= s.gross_pence
        assert s.net_pence == s.gross_pence - s.recoveries_pence >= 0
        for netted in s.recoveries:
            assert 0 <= netted.netted_pence <= netted.outstanding_pence
            assert netted.carried_forward_pence == netted.outstanding_pence - netted.netted_pence
        document = json.loads(render_json("2026-12", s.prime_id, [s]))["statements"][0]
        assert sum(line["amount_pence"] for line in document["lines"]) == document["gross_pence"]
        rows = list(csv.DictReader(io.StringIO(render_csv("2026-12", s.prime_id, [s]).decode())))
        assert sum(int(r["amount_pence"]) for r in rows) == s.net_pence
    # Every outstanding recovery is shown once, on its own prime's and contract's statement.
    shown = [(s.prime_id, s.contract_id, n.recovery_id) for s in planned.statements for n in s.recoveries]
    assert sorted(shown) == sorted((r.prime_id, r.contract_id, r.recovery_id) for r in recoveries)
    assert planned.net_pence == planned.gross_pence - planned.recoveries_pence


@settings(max_examples=40, deadline=None)
@given(run_inputs(), st.randoms(use_true_random=False))
def test_the_same_inputs_in_any_order_make_the_same_digest_and_bytes(
    given_inputs: tuple[list[PayableInput], list[OutstandingRecovery]], shuffler: random.Random,
) -> None:
    inputs, recoveries = given_inputs
    first = plan_run("2026-12", inputs, recoveries)
    shuffled_inputs, shuffled_recoveries = list(inputs), list(recoveries)
    shuffler.shuffle(shuffled_inputs)
    shuffler.shuffle(shuffled_recoveries)
    again = plan_run("2026-12", shuffled_inputs, shuffled_recoveries)
    assert again.inputs_digest == first.inputs_digest
    assert [s.statement_id for s in again.statements] == [s.statement_id for s in first.statements]
    for prime in PRIMES:
        mine = [s for s in first.statements if s.prime_id == prime]
        theirs = [s for s in again.statements if s.prime_id == prime]
        assert render_json("2026-12", prime, theirs) == render_json("2026-12", prime, mine)
        assert render_csv("2026-12", prime, theirs) == render_csv("2026-12", prime, mine)


@settings(max_examples=40, deadline=None)
@given(run_inputs(), st.data())
def test_any_change_to_an_input_changes_the_digest(
    given_inputs: tuple[list[PayableInput], list[OutstandingRecovery]], data: st.DataObject,
) -> None:
    inputs, recoveries = given_inputs
    before = inputs_digest("2026-12", inputs, recoveries)
    assert inputs_digest("2026-11", inputs, recoveries) != before
    if inputs:
        n = data.draw(st.integers(0, len(inputs) - 1))
        changed = list(inputs)
        old = changed[n]
        changed[n] = PayableInput(**{**{f: getattr(old, f) for f in old.__slots__},  # type: ignore[attr-defined]
                                     "amount_pence": old.amount_pence + 1})
        assert inputs_digest("2026-12", changed, recoveries) != before
        assert inputs_digest("2026-12", inputs[:n] + inputs[n + 1:], recoveries) != before
    if recoveries:
        r = recoveries[0]
        fewer = [OutstandingRecovery(recovery_id=r.recovery_id, prime_id=r.prime_id, contract_id=r.contract_id,
                                     reason=r.reason, raised_on=r.raised_on,
                                     outstanding_pence=r.outstanding_pence + 1), *recoveries[1:]]
        assert inputs_digest("2026-12", inputs, fewer) != before


def test_recoveries_are_netted_oldest_first_up_to_the_gross() -> None:
    owed = [
        OutstandingRecovery(recovery_id="b", prime_id="p", contract_id="c", reason="other",
                            raised_on=date(2026, 2, 1), outstanding_pence=700),
        OutstandingRecovery(recovery_id="a", prime_id="p", contract_id="c", reason="other",
                            raised_on=date(2026, 3, 1), outstanding_pence=500),
        OutstandingRecovery(recovery_id="z", prime_id="p", contract_id="c", reason="other",
                            raised_on=date(2026, 1, 1), outstanding_pence=200),
    ]
    netted = net(1_000, owed)
    assert [(n.recovery_id, n.netted_pence, n.carried_forward_pence) for n in netted] == [
        ("z", 200, 0), ("b", 700, 0), ("a", 100, 400),
    ]
    assert [n.netted_pence for n in net(0, owed)] == [0, 0, 0]


def test_a_periods_last_day() -> None:
    assert last_day_of("2026-02") == date(2026, 2, 28)
    assert last_day_of("2028-02") == date(2028, 2, 29)
    assert last_day_of("2026-12") == date(2026, 12, 31)

"""The sampling rules alone (no database): the same seed and population draw the same claims whatever their
order; the size is ceil(population x rate / 10,000) within its bounds; the extrapolation rounds down and never
exceeds what was not drawn."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scx_claims.rules import sampling as rules

seeds = st.text(alphabet="0123456789abcdef", min_size=16, max_size=64)
claim_ids = st.lists(st.uuids().map(str), max_size=60, unique=True)
rates = st.integers(min_value=1, max_value=10_000)
EXAMPLES = settings(max_examples=60, deadline=None)


@EXAMPLES
@given(seed=seeds, population=claim_ids, rate=rates, order=st.randoms(use_true_random=False))
def test_the_same_seed_and_population_draw_the_same_claims(seed: str, population: list[str], rate: int,
                                                          order: object) -> None:
    shuffled = list(population)
    order.shuffle(shuffled)  # type: ignore[attr-defined]
    assert rules.draw(seed, population, rate) == rules.draw(seed, shuffled, rate)
    assert rules.population_digest(population) == rules.population_digest(shuffled)


@EXAMPLES
@given(seed=seeds, population=claim_ids, rate=rates)
def test_the_sample_is_a_subset_of_the_right_size(seed: str, population: list[str], rate: int) -> None:
    drawn = rules.draw(seed, population, rate)
    assert len(drawn) == len(set(drawn)) and set(drawn) <= set(population)
    size = len(drawn)
    assert size * 10_000 >= len(population) * rate > (size - 1) * 10_000 or size == len(population) == 0
    assert (size >= 1) == (len(population) >= 1)


@EXAMPLES
@given(seed=seeds, population=claim_ids, rate=rates, extra=st.uuids().map(str))
def test_a_new_claim_only_ever_pushes_one_out(seed: str, population: list[str], rate: int, extra: str) -> None:
    before = set(rules.draw(seed, population, rate))
    after = set(rules.draw(seed, [*population, extra], rate))
    assert len(before - after) <= 1


def test_rates_at_their_bounds() -> None:
    population = [f"claim-{n:03d}" for n in range(240)]
    assert rules.sample_size(240, 500) == 12  # 5% exactly
    assert rules.sample_size(240, 1) == 1  # 0.024 claims rounds up to one
    assert rules.sample_size(10_001, 1) == 2  # just over one claim's worth
    assert rules.sample_size(10_000, 1) == 1
    assert sorted(rules.draw("ab" * 8, population, 10_000)) == population
    assert rules.draw("ab" * 8, [], 10_000) == []
    for bad in (0, 10_001, -1):
        with pytest.raises(ValueError):
            rules.sample_size(240, bad)


def test_another_seed_draws_other_claims() -> None:
    population = [f"claim-{n:03d}" for n in range(100)]
    assert rules.draw("0" * 32, population, 1_000) != rules.draw("1" * 32, population, 1_000)


@EXAMPLES
@given(undrawn=st.integers(min_value=0, max_value=10**13), checked=st.integers(min_value=1, max_value=10_000),
       data=st.data())
def test_the_extrapolation_rounds_down_within_the_undrawn(undrawn: int, checked: int, data: st.DataObject) -> None:
    failed = data.draw(st.integers(min_value=0, max_value=checked))
    recovery = rules.extrapolated_recovery(undrawn, checked, failed)
    assert 0 <= recovery <= undrawn
    assert recovery * checked <= undrawn * failed < (recovery + 1) * checked  # floor, to the penny
    assert (recovery == 0) == (failed == 0 or undrawn * failed < checked)


def test_extrapolation_at_its_edges() -> None:
    assert rules.extrapolated_recovery(1_000_000, 12, 0) == 0
    assert rules.extrapolated_recovery(1_000_000, 12, 12) == 1_000_000
    assert rules.extrapolated_recovery(1_000_000, 12, 1) == 83_333  # 83,333.33 rounds down
    assert rules.extrapolated_recovery(100, 3, 2) == 66  # 66.67 rounds down, never up
    with pytest.raises(ValueError):
        rules.extrapolated_recovery(100, 0, 0)

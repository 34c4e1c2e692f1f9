"""Free text shaped like it holds an NI number: anywhere in it, as `looks_like_nino` judges a whole value, with
spaces, separators and case ignored; never a longer run of letters or digits that only contains the shape."""

from __future__ import annotations

import pytest

from scx_contracts.claimant import looks_like_nino, mentions_nino


@pytest.mark.parametrize("text", [
    "Claimant AB123456C John Smith phoned", "AB123456C", "ab123456c", "re ab 12 34 56 c", "AB-12-34-56-C.",
    "AB 123456", "(QQ123456)", "A B 1 2 3 4 5 6 C", "called about AB123456D, then AB123456",
    "corrected on 12.03.26",  # a date after a two-letter word has the shape too: a refusal says what the shape is
])
def test_text_holding_an_ni_number_s_shape_mentions_one(text: str) -> None:
    assert mentions_nino(text)


@pytest.mark.parametrize("text", [
    "two missed, one counted twice", "week 2026-W05 corrected", "AB1234567", "XAB123456C", "AB123456CD",
    "figures 123456", "AB12345", "on 12.03.2026 the starts were 123", "",
])
def test_text_without_the_shape_mentions_none(text: str) -> None:
    assert not mentions_nino(text)


def test_a_value_that_looks_like_an_ni_number_is_one_mentioned() -> None:
    for value in ("AB123456C", "ab 12 34 56 c", "AB-123456", "AB.12.34.56.D"):
        assert looks_like_nino(value) and mentions_nino(value)

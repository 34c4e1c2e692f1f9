"""The NI number: validated and normalised, pseudonymised with a keyed hash, masked, and sealed (no app needed)."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet, InvalidToken

from scx_referral.claimant import InvalidNino, NinoVault, claimant_ref, mask, normalise_nino
from scx_referral.config import ReferralSettings


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("AB123456C", "AB123456C"),
        ("ab 12 34 56 c", "AB123456C"),
        ("  Jk 00 00 01\tb ", "JK000001B"),
        ("ZA999999D", "ZA999999D"),
    ],
)
def test_a_valid_number_is_normalised(raw: str, normalised: str) -> None:
    assert normalise_nino(raw) == normalised


@pytest.mark.parametrize(
    "raw",
    [
        "AB12345C",  # five digits
        "AB1234567C",  # seven digits
        "AB123456E",  # suffix beyond D
        "AB123456",  # no suffix
        "A1234567C",  # one prefix letter
        "DA123456C",  # D is never a prefix letter
        "AD123456C",
        "FA123456C", "IA123456C", "QA123456C", "UA123456C", "VA123456C",
        "AO123456C",  # O is never the second letter
        "AB-12-34-56-C",
    ],
)
def test_a_number_of_the_wrong_shape_is_refused_without_echoing_it(raw: str) -> None:
    with pytest.raises(InvalidNino) as raised:
        normalise_nino(raw)
    assert raw not in str(raised.value)
    assert "123456" not in str(raised.value)


@pytest.mark.parametrize("prefix", ["BG", "GB", "KN", "NK", "NT", "TN", "ZZ"])
def test_a_prefix_never_allocated_is_refused(prefix: str) -> None:
    with pytest.raises(InvalidNino, match=f"prefix {prefix} is never allocated"):
        normalise_nino(f"{prefix}123456A")


def test_the_claimant_ref_is_stable_keyed_and_reveals_nothing() -> None:
    ref = claimant_ref("AB123456C", b"key-one")

    assert ref == claimant_ref("AB123456C", b"key-one")
    assert ref.startswith("clm_") and len(ref) == 4 + 32
    assert "AB123456C" not in ref
    assert ref != claimant_ref("AB123456D", b"key-one")
    assert ref != claimant_ref("AB123456C", b"key-two")


def test_a_masked_number_keeps_only_the_prefix_and_suffix() -> None:
    assert mask("AB123456C") == "AB******C"


def test_the_vault_seals_so_that_only_its_key_opens() -> None:
    settings = ReferralSettings()
    vault = NinoVault(settings.nino_encryption_key.get_secret_value(), settings.claimant_ref_key.get_secret_value())

    sealed = vault.seal("AB123456C")

    assert "AB123456C" not in sealed
    assert sealed != vault.seal("AB123456C")  # a fresh IV each time: equal numbers do not look equal
    assert vault.open(sealed) == "AB123456C"
    assert vault.ref("AB123456C") == claimant_ref("AB123456C", settings.claimant_ref_key.get_secret_value().encode())
    other = NinoVault(Fernet.generate_key().decode(), "another-ref-key")
    with pytest.raises(InvalidToken):
        other.open(sealed)


@pytest.mark.parametrize("raw", [
    "JT\u0661\u0662\u0663\u0664\u0665\u0666A",  # Arabic-Indic digits
    "JT\uff11\uff12\uff13\uff14\uff15\uff16A",  # full-width digits
    "\uff2a\uff34123456A",  # full-width letters
    "JT 12\u00a034 56 A",  # a no-break space
])
def test_only_the_ascii_spelling_is_a_national_insurance_number(raw: str) -> None:
    with pytest.raises(InvalidNino):
        normalise_nino(raw)

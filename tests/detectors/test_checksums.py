from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sentinel_cli.detectors.checksums import (
    IBAN_LENGTHS,
    card_brand,
    iban_ok,
    luhn_ok,
    shannon_entropy,
    ssn_ok,
)


def luhn_complete(prefix: str) -> str:
    """``prefix`` plus the check digit that makes it Luhn-valid."""
    return next(prefix + digit for digit in "0123456789" if luhn_ok(prefix + digit))


def iban_complete(country: str, bban: str) -> str:
    """A valid IBAN for ``country`` and ``bban`` (computes the two check digits)."""
    rearranged = bban + country + "00"
    remainder = int("".join(str(int(char, 36)) for char in rearranged)) % 97
    return f"{country}{98 - remainder:02d}{bban}"


def test_luhn_accepts_known_test_numbers_and_rejects_one_digit_off() -> None:
    for number in ("4111111111111111", "5500005555555559", "378282246310005", "6011111111111117"):
        assert luhn_ok(number)
        assert not luhn_ok(number[:-1] + str((int(number[-1]) + 1) % 10))


@given(st.text(alphabet="0123456789", min_size=11, max_size=18), st.integers(min_value=0, max_value=17))
def test_luhn_catches_every_single_digit_error(prefix: str, position: int) -> None:
    number = luhn_complete(prefix)
    index = position % len(number)
    changed = number[:index] + str((int(number[index]) + 3) % 10) + number[index + 1 :]
    assert luhn_ok(number) and not luhn_ok(changed)


@pytest.mark.parametrize(
    ("number", "brand"),
    [
        ("4111111111111111", "visa"),
        ("4222222222222", "visa"),
        ("5500005555555559", "mastercard"),
        ("2223000048400011", "mastercard"),
        ("378282246310005", "amex"),
        ("6011111111111117", "discover"),
        ("3530111333300000", "jcb"),
        ("30569309025904", "diners"),
        ("6304000000000000", "maestro"),
        ("9111111111111111", None),
        ("411111111111111", None),  # Visa has no 15-digit numbers
    ],
)
def test_card_brand_by_issuer_range_and_length(number: str, brand: str | None) -> None:
    assert card_brand(number) == brand


def test_iban_checks_country_length_and_mod97() -> None:
    assert iban_ok("GB82WEST12345698765432")
    assert iban_ok("gb82west12345698765432")  # case does not matter
    assert iban_ok("DE89370400440532013000")
    assert not iban_ok("GB82WEST12345698765433")  # check digits do not match
    assert not iban_ok("GB82WEST1234569876543")  # one character short for GB
    assert not iban_ok("XX82WEST12345698765432")  # no such country


@given(st.sampled_from(sorted(IBAN_LENGTHS)), st.data())
def test_every_country_length_is_honoured(country: str, data: st.DataObject) -> None:
    length = IBAN_LENGTHS[country]
    bban = data.draw(st.text(alphabet="0123456789", min_size=length - 4, max_size=length - 4))
    iban = iban_complete(country, bban)
    assert iban_ok(iban)
    assert not iban_ok(iban + "0")


@pytest.mark.parametrize(
    ("ssn", "valid"),
    [
        ("123-45-6789", True),
        ("000-12-3456", False),
        ("666-12-3456", False),
        ("900-12-3456", False),
        ("999-12-3456", False),
        ("123-00-4567", False),
        ("123-45-0000", False),
        ("078-05-1120", False),  # the Woolworth wallet number, voided by the SSA
        ("219-09-9999", False),
    ],
)
def test_ssn_ranges(ssn: str, valid: bool) -> None:
    area, group, serial = ssn.split("-")
    assert ssn_ok(area, group, serial) is valid


def test_shannon_entropy() -> None:
    assert shannon_entropy("") == 0.0
    assert shannon_entropy("aaaa") == 0.0
    assert shannon_entropy("abcd") == pytest.approx(2.0)
    assert shannon_entropy("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY") > 4.0

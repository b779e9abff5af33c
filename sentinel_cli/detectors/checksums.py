"""Checksums and number-plan facts that keep the PII and secrets detectors precise.

Pure functions on strings: Luhn, card issuer ranges (IIN) and lengths, IBAN
country lengths and mod-97, US SSN validity, and Shannon entropy.
"""

from __future__ import annotations

import math
from collections import Counter


def luhn_ok(digits: str) -> bool:
    """True when ``digits`` (only 0-9) passes the Luhn check used by payment cards."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if position % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


# (brand, IIN prefix ranges as (low, high) on the first 2-6 digits, allowed lengths)
_CARD_BRANDS: tuple[tuple[str, tuple[tuple[int, int], ...], frozenset[int]], ...] = (
    ("amex", ((34, 34), (37, 37)), frozenset({15})),
    ("visa", ((4, 4),), frozenset({13, 16, 19})),
    ("mastercard", ((51, 55), (2221, 2720)), frozenset({16})),
    ("mir", ((2200, 2204),), frozenset({16, 17, 18, 19})),
    ("discover", ((6011, 6011), (644, 649), (65, 65), (622126, 622925)), frozenset({16, 17, 18, 19})),
    ("unionpay", ((62, 62), (81, 81)), frozenset({16, 17, 18, 19})),
    ("jcb", ((3528, 3589),), frozenset({16, 17, 18, 19})),
    ("diners", ((300, 305), (3095, 3095), (36, 36), (38, 39)), frozenset({14, 15, 16, 17, 18, 19})),
    ("jcb", ((1800, 1800), (2131, 2131)), frozenset({15})),
    ("maestro", ((50, 50), (56, 58), (639, 639), (6304, 6304), (67, 67)), frozenset(range(12, 20))),
)

MAJOR_BRANDS = frozenset({"amex", "visa", "mastercard", "discover", "jcb", "diners", "unionpay", "mir"})
"""Brands whose numbers are distinctive enough to report without a context word."""


def card_brand(digits: str) -> str | None:
    """The card scheme a number belongs to by issuer range and length, or None."""
    length = len(digits)
    for brand, ranges, lengths in _CARD_BRANDS:
        if length not in lengths:
            continue
        for low, high in ranges:
            width = len(str(low))
            if low <= int(digits[:width]) <= high:
                return brand
    return None


# Official IBAN lengths by country (SWIFT IBAN registry).
IBAN_LENGTHS: dict[str, int] = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22,
    "BI": 27, "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27,
    "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27,
    "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22,
    "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32,
    "LI": 21, "LT": 20, "LU": 20, "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19,
    "MN": 20, "MR": 27, "MT": 31, "MU": 30, "NI": 28, "NL": 18, "NO": 15, "OM": 23, "PK": 24,
    "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33, "SA": 24, "SC": 31,
    "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25, "SV": 28, "TL": 23,
    "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
}  # fmt: skip


def iban_ok(compact: str) -> bool:
    """True for an IBAN (no spaces, any case) of its country's length with a valid mod-97."""
    iban = compact.upper()
    if IBAN_LENGTHS.get(iban[:2]) != len(iban) or not iban[2:4].isdigit() or not iban.isalnum():
        return False
    rearranged = iban[4:] + iban[:4]
    number = "".join(str(int(char, 36)) for char in rearranged)
    return int(number) % 97 == 1


# Numbers the Social Security Administration voided after they were printed in public.
_VOIDED_SSNS = frozenset({"078051120", "219099999"})


def ssn_ok(area: str, group: str, serial: str) -> bool:
    """True unless the SSA never issues it: area 000, 666 or 900-999, group 00, serial 0000."""
    if area in ("000", "666") or area[0] == "9" or group == "00" or serial == "0000":
        return False
    return area + group + serial not in _VOIDED_SSNS


def shannon_entropy(value: str) -> float:
    """Bits of entropy per character of ``value`` (0 for an empty string)."""
    if not value:
        return 0.0
    length = len(value)
    return -sum(n / length * math.log2(n / length) for n in Counter(value).values())

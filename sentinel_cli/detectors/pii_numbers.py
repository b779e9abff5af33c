"""Recognisers for numeric personal data: payment cards, IBANs, US SSNs (and phone numbers).

Every pattern is linear (separators are mandatory between bounded groups, so a
digit run splits only one way); checksums and context words decide the rest.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from sentinel_cli.detectors.checksums import IBAN_LENGTHS, MAJOR_BRANDS, card_brand, iban_ok, luhn_ok, ssn_ok
from sentinel_cli.detectors.pii_cues import CARD_CUES, SSN_CUES, is_reference
from sentinel_cli.detectors.pii_phone import phones
from sentinel_cli.detectors.spans import Hit, Scan, lazy

# Seven or more digits close together: every number these recognisers report contains one, so
# one scan for clusters replaces a scan per type (a pattern costs ~10 µs per KB of text).
_CLUSTER = lazy(r"[0-9](?:[ ().-]{0,3}+[0-9]){6,40}+")

_DATE_OR_IP = lazy(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{1,2}[./-][0-9]{1,2}[./-][0-9]{2,4}|[0-9]{1,3}(?:\.[0-9]{1,3}){3}"
)
_CARD = lazy(r"(?<![\w.,/+-])[0-9](?:[ -]?[0-9]){11,18}(?!\w|[.,/-]?[0-9])")
_IBAN_START = lazy(r"(?<![A-Za-z0-9])[A-Za-z]{2}[0-9]{2}")
_IBAN = lazy(
    r"[A-Za-z]{2}[0-9]{2}(?:[A-Za-z0-9]{11,30}|(?: [A-Za-z0-9]{4}){2,7}(?: [A-Za-z0-9]{1,3})?)(?![A-Za-z0-9])"
)
_SSN = lazy(r"(?<![\w-])([0-9]{3})([- ]?)([0-9]{2})\2([0-9]{4})(?!\w|[.,-][0-9])")


def numbers(scan: Scan) -> Iterator[Hit]:
    """Cards, IBANs, SSNs and phone numbers, looked for only around clusters of digits."""
    if not scan.digits:
        return
    text, lower = scan.text, scan.lower
    for cluster in _CLUSTER().finditer(text):
        group = cluster.group()
        if _DATE_OR_IP().fullmatch(group):
            continue  # the commonest clusters in logs and documents, and never a card or a phone
        start, end = cluster.span()
        digits = sum(map(group.count, "0123456789"))
        # Room for a leading "+(" and a trailing extension ("x4587").
        low, high = max(0, start - 2), min(len(text), end + 12)
        if digits >= 12:
            yield from cards(text, lower, low, high)
        if digits >= 9 and ("-" in group or " " in group or digits == 9):
            yield from ssns(text, lower, low, high)
        yield from phones(scan, low, high)
        before = text[max(0, start - 2) : start]
        if not (before[-1:].isalpha() or (before[-1:] == " " and before[:1].isalnum())):
            continue  # an IBAN's digits follow its letters or an earlier group
        iban_start = _IBAN_START().search(text, max(0, start - 15), start + 4)
        if iban_start is not None:
            yield from ibans(text, iban_start.start(), min(len(text), end + 20))


def cards(text: str, lower: str, pos: int, endpos: int) -> Iterator[Hit]:
    for match in _CARD().finditer(text, pos, endpos):
        span = _valid_card_prefix(match.group())
        if span is None:
            yield from _mistyped_card(match, lower)
            continue
        digits, length = span
        if len(set(digits)) == 1:
            continue
        brand = card_brand(digits)
        start, end = match.start(), match.start() + length
        context = CARD_CUES.near(lower, start, end, before=48, after=24)
        if not context and is_reference(text, lower, start, end):
            continue  # "order number 4532...": a reference that happens to pass Luhn
        if context:
            # A cue plus a valid Luhn digit is enough: issuers' ranges change faster than any table.
            yield Hit("PII-CREDIT-CARD", start, end, 0.95, f"{brand or 'card'}, {len(digits)} digits")
        elif brand in MAJOR_BRANDS and len(digits) >= 14:
            yield Hit("PII-CREDIT-CARD", start, end, 0.9, f"{brand}, {len(digits)} digits")


def _mistyped_card(match: re.Match[str], lower: str) -> Iterator[Hit]:
    """16 digits of a major issuer, grouped like a card, right after "card": mistyped or made up,
    still a card number someone meant to share (reported with lower confidence)."""
    candidate = match.group()
    digits = candidate.replace(" ", "").replace("-", "")
    grouped = len(candidate) == 16 or (
        len(candidate) == 19 and len({candidate[4], candidate[9], candidate[14]}) == 1
    )
    if len(digits) != 16 or not grouped or len(set(digits)) == 1:
        return
    brand = card_brand(digits)
    if brand in MAJOR_BRANDS and CARD_CUES.near(lower, match.start(), match.end(), before=24):
        yield Hit("PII-CREDIT-CARD", match.start(), match.end(), 0.6, f"{brand}, 16 digits, fails Luhn")


def _valid_card_prefix(candidate: str) -> tuple[str, int] | None:
    """The longest Luhn-valid, sensibly grouped prefix (whole groups only): its digits and length."""
    separators = {char for char in candidate if not char.isdigit()}
    if len(separators) > 1:
        return None
    if not separators:
        return (candidate, len(candidate)) if luhn_ok(candidate) else None
    groups = candidate.split(separators.pop())
    while groups:
        digits = "".join(groups)
        if 12 <= len(digits) <= 19 and _card_grouping(groups) and luhn_ok(digits):
            return digits, sum(map(len, groups)) + len(groups) - 1
        groups = groups[:-1]
    return None


def _card_grouping(groups: list[str]) -> bool:
    sizes = [len(group) for group in groups]
    if sizes[:3] in ([4, 6, 5], [4, 6, 4]) and len(sizes) == 3:
        return True
    return all(size == 4 for size in sizes[:-1]) and 1 <= sizes[-1] <= 4


def ibans(text: str, pos: int, endpos: int) -> Iterator[Hit]:
    for match in _IBAN().finditer(text, pos, endpos):
        raw = match.group()
        country = raw[:2].upper()
        expected = IBAN_LENGTHS.get(country)
        if expected is None:
            continue
        compact = raw.replace(" ", "")
        if " " in raw and any(len(group) != 4 for group in raw.split(" ")[:-1]):
            continue
        if len(compact) < expected:
            continue
        # Keep only the country's length; a longer run is accepted when the cut falls on a group edge.
        end, seen = match.start(), 0
        while seen < expected:
            if text[end] != " ":
                seen += 1
            end += 1
        if end < match.end() and text[end] != " ":
            continue
        if iban_ok(compact[:expected]):
            yield Hit("PII-IBAN", match.start(), end, 0.98, f"{country}, {expected} characters")


def ssns(text: str, lower: str, pos: int, endpos: int) -> Iterator[Hit]:
    for match in _SSN().finditer(text, pos, endpos):
        area, separator, group, serial = match.groups()
        if not ssn_ok(area, group, serial):
            continue
        if SSN_CUES.near(lower, match.start(), match.end(), before=48, after=16):
            yield Hit("PII-US-SSN", match.start(), match.end(), 0.95)
        elif separator == "-":
            yield Hit("PII-US-SSN", match.start(), match.end(), 0.75)

"""Phone numbers: international, North American, or any plausible grouping next to a cue.

A number is reported without a cue only in a form that is hard to mistake
("+44 20 7946 0958", "(415) 555-0134", "020 7946 0958"); other groupings need a word such as
"phone", "call" or "fax" before them, or a label ("office", "fax") after them.
Dates, decimals, thousands-grouped amounts and IPv4 addresses are excluded,
as are numbers that follow a reference word ("order", "invoice", "#").
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from sentinel_cli.detectors.pii_cues import PHONE_CUES, is_reference
from sentinel_cli.detectors.spans import Hit, Scan, lazy

_PHONE = lazy(
    r"(?<![\w+/.-])"
    r"(?:\+[0-9]{1,14}|\(\+?[0-9]{1,5}\)|[0-9]{1,12})"
    r"(?:(?:[ .-]|(?<=\)))(?:\([0-9]{1,5}\)|[0-9]{1,12})){0,6}"
    r"(?:[ ]?(?:x|ext\.?|extension)[ ]?[0-9]{1,6})?"
    r"(?!\w|[.,/:-][0-9])"
)
_PHONE_LABEL_AFTER = lazy(r"(?i)[ -]{0,2}(?:office|fax|mobile|cell|home|work|desk|phone|tel)\b")
_NANP = lazy(r"(?:\+?1[ .-]?)?(?:\([2-9]\d\d\) ?|[2-9]\d\d[ .-])\d{3}[ .-]\d{4}(?:[ ]?(?:x|ext\.?)[ ]?\d+)?")
_TRUNK = lazy(r"(?:\(0[0-9]{1,4}\) ?|0[0-9]{1,4}[ .-])[0-9]{2,8}(?:[ .-][0-9]{2,8}){0,3}")
_SSN_SHAPE = lazy(r"[0-9]{3}-[0-9]{2}-[0-9]{4}")
_EXTENSION = lazy(r"[ ]?(?:x|ext\.?|extension)[ ]?\d{1,6}$")
_GROUP_SPLIT = lazy(r"[ .\-()+]+")


def phones(scan: Scan, pos: int, endpos: int) -> Iterator[Hit]:
    text, lower = scan.text, scan.lower
    for match in _PHONE().finditer(text, pos, endpos):
        candidate = match.group()
        start, end = match.start(), match.end()
        core = _EXTENSION().sub("", candidate) if "x" in candidate else candidate
        digits = sum(map(core.count, "0123456789"))
        if not 7 <= digits <= 15:
            continue
        nanp = _NANP().fullmatch(candidate) is not None
        if not nanp and _looks_like_other_number(core):
            continue
        if nanp or (core.startswith(("+", "(+")) and digits >= 8):
            # A form hard to mistake: only a reference word before it ("order", "#") argues against.
            if not is_reference(text, lower, start, end) or PHONE_CUES.near(lower, start, end, before=40):
                yield Hit("PII-PHONE", start, end, 0.85)
        elif PHONE_CUES.near(lower, start, end, before=40) or _PHONE_LABEL_AFTER().match(text, end, end + 16):
            yield Hit("PII-PHONE", start, end, 0.8)
        elif _trunk_format(core, digits) and not is_reference(text, lower, start, end):
            yield Hit("PII-PHONE", start, end, 0.7)


def _trunk_format(core: str, digits: int) -> bool:
    """A national number with its trunk 0 ("020 7946 0958", "07911 123456", "0049 30 1234567")."""
    if not _TRUNK().fullmatch(core) or not 9 <= digits <= (15 if core.startswith("00") else 12):
        return False
    groups = [group for group in _GROUP_SPLIT().split(core) if group]
    # Two groups only when the second is long: "03262 2437" is a postcode and a house number.
    return (len(groups) >= 3 or len(groups[-1]) >= 6) and not _SSN_SHAPE().fullmatch(core)


def _looks_like_other_number(core: str) -> bool:
    """Dates, decimals and thousands-grouped amounts share a phone number's shape."""
    groups = [group for group in _GROUP_SPLIT().split(core) if group]
    separators = set(re.sub(r"[\d()+]", "", core))
    if len(groups) == 3 and len(separators) == 1 and _date_like(groups):
        return True
    for index in range(len(groups) - 2):  # "01 02 2023 10": a date and an hour
        triple = groups[index : index + 3]
        if (len(triple[0]) == 4 or len(triple[2]) == 4) and _date_like(triple):
            return True
    if len(set(core) - set(" .-()+")) == 1:
        return True  # "000 000 0000"
    if separators == {"."}:
        if len(groups) == 2 or all(len(group) == 3 for group in groups[1:]):
            return True
        if len(groups) == 4 and all(len(group) <= 3 and int(group) <= 255 for group in groups):
            return True  # an IPv4 address
    return len(groups) > 1 and len(groups[0]) == 1 and not core.startswith(("+", "("))


def _date_like(groups: list[str]) -> bool:
    numbers = [int(group) for group in groups]
    if len(groups[0]) == 4:
        year, month, day = numbers
    elif len(groups[2]) in (2, 4):
        year = numbers[2]
        month, day = (numbers[0], numbers[1]) if numbers[0] <= 12 else (numbers[1], numbers[0])
    else:
        return False
    year_ok = len(str(year)) == 2 or 1800 <= year <= 2200
    return year_ok and 1 <= month <= 12 and 1 <= day <= 31

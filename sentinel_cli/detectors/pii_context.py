"""Recognisers for PII that only its context makes reliable.

Dates of birth, passport and driving-licence numbers and person names are
reported only right after a cue ("born", "passport no.", "my name is"). The
cue's anchor ("birth", "pass", "name") is found with ``str.find`` and the
pattern runs only on a short window around it, which keeps long texts cheap.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from sentinel_cli.detectors.spans import Hit, Scan, lazy


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
# Anchors: a substring of every cue, found with str.find; the cue pattern then runs nearby.
_DOB_ANCHORS = ("born", "birth", "dob", "d.o.b", "geb", "né", "naiss", "nacim", "nasc")
_DOB = lazy(
    r"(?i)(?<![\w.])(?:born(?: on)?|date of birth|d\.?o\.?b\.?|birth ?date|birthday|geburtsdatum"
    r"|geboren(?: am)?|n[ée]e? le|date de naissance|fecha de nacimiento|data di nascita|data de nascimento)"
    r"[\s:,-]{0,4}(?:is |was |on |am |le )?"
    rf"([0-9]{{1,4}}[./-][0-9]{{1,2}}[./-][0-9]{{1,4}}"
    rf"|[0-9]{{1,2}}(?:st|nd|rd|th)?(?: of)? {_MONTH},? [0-9]{{4}}"
    rf"|{_MONTH} [0-9]{{1,2}}(?:st|nd|rd|th)?,? [0-9]{{4}})(?!\w|[./-][0-9])"
)
_ID_LABEL = r"(?i:\s{0,2}(?:no\.?|number|num|nr\.?|#|id))?(?i:\s{0,2}(?:is|:|#|-))?\s{0,2}"
_PASSPORT_ANCHORS = ("pass", "pasaporte")
_PASSPORT = lazy(
    r"(?<!\w)(?i:passport|passeport|reisepass|pasaporte|passaporto)" + _ID_LABEL + r"([A-Z0-9]{6,9})\b"
)
_LICENCE_ANCHORS = ("driv", "hrerschein")
_LICENCE = lazy(
    r"(?<!\w)(?:(?i:driver[’']?s?[’']? ?licen[cs]e|driving licen[cs]e|f[üu]hrerschein)|DL)"
    + _ID_LABEL
    + r"([A-Z0-9][A-Z0-9-]{3,18}[A-Z0-9])\b"
)

_PERSON_ANCHORS = ("name", "dear", "sincerely", "ich hei", "appelle", "llamo", "chiamo", "nome", "naam")
_PERSON_CUE = lazy(
    r"(?i)(?<!\w)(?:my (?:full )?name(?: is|'s)|mein name ist|dear|sincerely,|ich hei(?:ß|ss)e|je m'appelle"
    r"|me llamo|mi chiamo|meu nome é|mijn naam is"
    r"|(?<![^\n,;(|])[ \t]{0,3}(?:full |first |last |your )?name ?:)"
)
_NAME = lazy(r"[ \t]{0,3}\n?[ \t]{0,3}([^\W\d_][^\W\d_'’-]{0,30}\.?(?: [^\W\d_][^\W\d_'’-]{0,30}\.?){0,3})")
_NOT_NAMES = _words(
    "sir madam madame customer customers team all colleagues friends friend hiring manager members "
    "user users client clients valued applicant recipient reader readers everyone there you your the a "
    "an and or of to in for is was not no mr mrs ms dr prof street road avenue suite apt unit company "
    "support admin service department editor professor doctor my our his her their this that ai assistant"
)


def _near_anchors(
    scan: Scan,
    anchors: tuple[str, ...],
    pattern: Callable[[], re.Pattern[str]],
    before: int,
    after: int,
    *,
    case_anchors: tuple[str, ...] = (),
) -> Iterator[re.Match[str]]:
    """Matches of ``pattern`` in a window around each anchor, each match reported once."""
    seen: set[int] = set()
    positions = scan.at(*anchors) + (scan.at(*case_anchors, case=True) if case_anchors else [])
    for at in positions:
        match = pattern().search(scan.text, max(0, at - before), min(len(scan.text), at + after))
        if match is not None and match.start() not in seen:
            seen.add(match.start())
            yield match


def dates_of_birth(scan: Scan) -> Iterator[Hit]:
    for match in _near_anchors(scan, _DOB_ANCHORS, _DOB, before=14, after=60):
        value = match.group(1)
        numeric = value[0].isdigit() and value[-1].isdigit() and " " not in value
        numbers = [int(part) for part in re.split(r"[./-]", value)] if numeric else []
        if not numbers or _plausible_date(numbers):
            yield Hit("PII-DATE-OF-BIRTH", match.start(1), match.end(1), 0.85)


def _plausible_date(numbers: list[int]) -> bool:
    if len(numbers) != 3:
        return False
    years = [n for n in numbers if n > 31]
    small = [n for n in numbers if n <= 31]
    return len(years) <= 1 and all(1800 <= y <= 2100 for y in years) and any(1 <= n <= 12 for n in small)


def passports(scan: Scan) -> Iterator[Hit]:
    for match in _near_anchors(scan, _PASSPORT_ANCHORS, _PASSPORT, before=6, after=40):
        if sum(char.isdigit() for char in match.group(1)) >= 4:
            yield Hit("PII-PASSPORT", match.start(1), match.end(1), 0.8)


def driver_licences(scan: Scan) -> Iterator[Hit]:
    for match in _near_anchors(scan, _LICENCE_ANCHORS, _LICENCE, before=3, after=56, case_anchors=("DL",)):
        if sum(char.isdigit() for char in match.group(1)) >= 4:
            yield Hit("PII-DRIVER-LICENSE", match.start(1), match.end(1), 0.8)


def persons(scan: Scan) -> Iterator[Hit]:
    for cue in _near_anchors(scan, _PERSON_ANCHORS, _PERSON_CUE, before=16, after=16):
        match = _NAME().match(scan.text, cue.end())
        hit = _person(scan.text, match) if match else None
        if hit is not None:
            yield hit


def _person(text: str, match: re.Match[str]) -> Hit | None:
    kept: list[str] = []
    for word in match.group(1).split(" "):
        bare = word.rstrip(".")
        if not bare[:1].isupper() or bare.lower() in _NOT_NAMES or (len(bare) < 2 and not kept):
            break
        kept.append(word)
    end = match.start(1) + len(" ".join(kept).rstrip(".-"))
    following = text[end : end + 2]
    if following[:1].isdigit() or (following[:1] == "-" and following[1:].isdigit()):
        return None  # "Spirit II E-210": a model name
    if not kept or (kept[0].isupper() and len(kept[0]) <= 3):
        return None
    return Hit("PII-PERSON", match.start(1), end, 0.7 if len(kept) > 1 else 0.6)

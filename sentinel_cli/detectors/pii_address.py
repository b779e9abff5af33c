"""Postal addresses in the usual street forms, and nothing vaguer.

- number + street + suffix, with optional unit, "City, ST 12345" or UK postcode:
  "1600 Pennsylvania Avenue", "221B Baker Street, London NW1 6XE";
- European compounds + number: "Hauptstraße 5", "Koskikatu 25", "Kerklaan 12";
- Romance forms: "12 rue de la Paix", "Via Roma 12", "Calle Mayor, 5";
- post-office and military boxes: "P.O. Box 123", "PSC 3294, Box 9168".

A street name without a house number is not reported: it is a place, not
where a person lives.
"""

from __future__ import annotations

from collections.abc import Iterator

from sentinel_cli.detectors.spans import Hit, Scan, lazy

_STREET_NAME = (
    r"(?: (?:de|du|des|la|le|del|della|dei|di|da|do|dos|das|l'|d'))?(?: (?:la|las|los|le))?"
    r" [A-Z][^\W\d_]{1,25}(?:[ -][A-Z][^\W\d_]{1,25}){0,3}"
)
_US_WORDS = (
    "Street", "St", "Avenue", "Ave", "Road", "Rd", "Boulevard", "Blvd", "Lane", "Ln", "Drive", "Dr", "Court",
    "Ct", "Place", "Pl", "Terrace", "Way", "Parkway", "Pkwy", "Circle", "Cir", "Highway", "Hwy", "Square",
    "Sq", "Close", "Crescent", "Grove", "Gardens", "Mews", "Row", "Walk", "Trail", "Alley", "Plaza", "Loop",
    "Pike", "Ridge", "Hill", "Forge", "Forges", "Rapids", "Junction", "Crossing", "Expressway", "Freeway",
    "Turnpike",
)  # fmt: skip
_ROMANCE_WORDS = (
    "Rue", "Avenue", "Calle", "Avenida", "Plaza", "Paseo", "Carrer", "Via", "Viale", "Piazza", "Corso", "Rua",
    "Praça", "Travessa", "Largo",
)  # fmt: skip
# One scan for both word lists: each extra scan of a long text costs as much as the matching.
_STREET_WORD = lazy(
    "(?:" + "|".join(sorted(set(_US_WORDS + _ROMANCE_WORDS), key=lambda w: (-len(w), w))) + r")\b\.?"
)
_ROMANCE_FIRST = lazy("(?:" + "|".join(_ROMANCE_WORDS) + ")" + _STREET_NAME + r",? [0-9]{1,5}[a-zA-Z]?\b")
_HOUSE_NUMBER = lazy(r"[0-9]{1,6}[A-Z]?")
_NAME_WORD = lazy(r"[A-Z][A-Za-z'’.-]{0,24}")
_UNIT_AND_CITY = lazy(
    r"(?:,? (?:Apt|Apartment|Suite|Ste|Unit|Flat|Floor|Fl|#)\.? ?#?[\w-]{1,6})?"
    r"(?:,? [A-Z][A-Za-z.'’ -]{1,30},? [A-Z]{2} [0-9]{5}(?:-[0-9]{4})?)?"
    r"(?:,?(?: [A-Z][a-z]{1,20}){0,2},? [A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}\b)?"
)
# "12 rue de la Paix": a house number, then a lower-case Romance street word (the anchor).
_ROMANCE_ANCHORS = (" rue ", " avenue ", " boulevard ", " bd ", " chemin ", " impasse ", " allée ", " quai ")
_NUMBER_BEFORE = lazy(r"(?<![\w.,/-])[0-9]{1,5}(?: ?bis| ?ter)?,?\Z")
_ROMANCE_REST = lazy(r"(?:rue|avenue|boulevard|bd|chemin|impasse|allée|quai)" + _STREET_NAME)
# "Koskikatu 25": a house number after a word; the word's ending is checked by hand.
_NUMBER_AFTER_WORD = lazy(r"[0-9](?<=[a-zäöüßåø] [0-9])[0-9]{0,4}[a-zA-Z]?\b")
_COMPOUND_SUFFIXES = (
    "straße", "strasse", "weg", "gasse", "platz", "allee", "damm", "ufer", "laan", "straat",
    "gracht", "plein", "kade", "vej", "gade", "gatan", "vägen", "veien", "gata", "katu", "tie", "utca",
)  # fmt: skip
_SHORT_STEM_RISK = frozenset({"gade", "tie", "weg", "vej", "gata"})
_BOX_ADDRESS = lazy(r"\b(?:P\.? ?O\.? Box|Post Office Box|(?:PSC|Unit) [0-9]{1,5},? Box) [0-9]{1,6}\b")


def addresses(scan: Scan) -> Iterator[Hit]:
    if not scan.digits:
        return  # every form has a house number or box number
    text = scan.text
    us_words, romance_words = frozenset(_US_WORDS), frozenset(_ROMANCE_WORDS)
    for word in _STREET_WORD().finditer(text):
        name = word.group().rstrip(".")
        if name in romance_words and (romance := _ROMANCE_FIRST().match(text, word.start())):
            yield Hit("PII-ADDRESS", romance.start(), romance.end(), 0.7)
        if name in us_words and word.start() >= 3 and text[word.start() - 1] == " ":
            start = _number_and_name(text, word.start() - 1)
            if start is not None:
                right = _UNIT_AND_CITY().match(text, word.end())
                yield Hit("PII-ADDRESS", start, right.end() if right else word.end(), 0.7)
    for at in scan.at(*_ROMANCE_ANCHORS):
        number = _NUMBER_BEFORE().search(text, max(0, at - 12), at)
        rest = _ROMANCE_REST().match(text, at + 1) if number else None
        if number and rest:
            yield Hit("PII-ADDRESS", number.start(), rest.end(), 0.7)
    yield from _compound(scan)
    if scan.at("box"):
        for match in _BOX_ADDRESS().finditer(text):
            yield Hit("PII-ADDRESS", match.start(), match.end(), 0.7)


def _number_and_name(text: str, end: int) -> int | None:
    """Where "<house number> <1-4 capitalised words>" ending at ``end`` starts, if it does."""
    tokens = text[max(0, end - 120) : end].rsplit(" ", 5)
    for count in range(1, min(4, len(tokens) - 1) + 1):
        number = tokens[-count - 1].rsplit("\n", 1)[-1].lstrip("\t")
        if not _HOUSE_NUMBER().fullmatch(number):
            continue
        if all(_NAME_WORD().fullmatch(token) for token in tokens[-count:]):
            return end - len(" ".join(tokens[-count:])) - 1 - len(number)
    return None


def _compound(scan: Scan) -> Iterator[Hit]:
    text, lower = scan.text, scan.lower
    for number in _NUMBER_AFTER_WORD().finditer(text):
        end_of_word = number.start() - 1
        if not lower.endswith(_COMPOUND_SUFFIXES, max(0, end_of_word - 7), end_of_word):
            continue  # most numbers follow an ordinary word: one C call rules them out
        start = end_of_word
        while start > 0 and end_of_word - start < 40 and text[start - 1].isalpha():
            start -= 1
        word = lower[start:end_of_word]
        suffix = next(s for s in _COMPOUND_SUFFIXES if word.endswith(s))
        if text[start].isupper() and len(word) - len(suffix) >= (5 if suffix in _SHORT_STEM_RISK else 3):
            yield Hit("PII-ADDRESS", start, number.end(), 0.7)

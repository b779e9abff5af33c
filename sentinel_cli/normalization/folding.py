"""Folding transformations: NFKC, look-alike letters, letter spacing and leetspeak.

Each returns the folded text with a ``SpanMap`` back to its input, or
``None`` when it would change nothing, so callers build no view for a text
that does not need one.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from sentinel_cli.lazyre import lazy
from sentinel_cli.normalization.chars import INVISIBLE_RE, is_invisible
from sentinel_cli.normalization.scan import Scanner
from sentinel_cli.normalization.spans import MapBuilder, Piecewise

# Letters of other scripts that render like Latin ones. Cyrillic and Greek
# letters are folded only inside words that mix them with Latin letters, or in
# all-look-alike words of a mostly Latin text, so Russian or Greek prose stays intact.
_SCRIPT_LOOKALIKES = {
    # Cyrillic
    "а": "a", "с": "c", "е": "e", "ё": "e", "һ": "h", "і": "i", "ї": "i", "ј": "j", "о": "o",
    "р": "p", "ѕ": "s", "у": "y", "х": "x", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ӏ": "l", "ɡ": "g",
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C",
    "Т": "T", "Х": "X", "У": "Y", "І": "I", "Ј": "J", "Ѕ": "S", "Ԛ": "Q", "Ԝ": "W", "Ӏ": "I",
    "Ү": "Y", "ү": "y", "Ь": "b", "Ꮃ": "W",
    # Greek
    "α": "a", "ο": "o", "ι": "i", "κ": "k", "ν": "v", "ρ": "p", "τ": "t", "υ": "u", "χ": "x",
    "γ": "y", "ε": "e", "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K",
    "Μ": "M", "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
    # Armenian
    "օ": "o", "ս": "u", "հ": "h", "ց": "g", "ո": "n", "զ": "q",
}  # fmt: skip
# Characters that are never ordinary letters of a language: always folded.
_SYMBOL_LOOKALIKES = dict(zip("ᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘǫʀꜱᴛᴜᴠᴡʏᴢ", "abcdefghijklmnopqrstuvwyz", strict=True))
for _offset in range(26):
    _letter = chr(ord("A") + _offset)
    for _base in (0x1F150, 0x1F170, 0x1F1E6):  # negative circled, negative squared, regional indicators
        _SYMBOL_LOOKALIKES[chr(_base + _offset)] = _letter

_SCRIPT_TABLE = str.maketrans(_SCRIPT_LOOKALIKES)
_SYMBOL_TABLE = str.maketrans(_SYMBOL_LOOKALIKES)
_ALL_TABLE = str.maketrans({**_SCRIPT_LOOKALIKES, **_SYMBOL_LOOKALIKES})
_LOOKALIKE_RE = Scanner("[" + "".join(_SCRIPT_LOOKALIKES) + "]")
_SYMBOL_RE = Scanner("[" + "".join(_SYMBOL_LOOKALIKES) + "]")


@lru_cache(maxsize=4096)
def _nfkc(cluster: str) -> str:
    return unicodedata.normalize("NFKC", cluster)


_ASCII_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ASCII_LETTER_BYTES = _ASCII_LETTERS.encode("ascii")
_LOOKALIKES = "".join(_SCRIPT_LOOKALIKES)
# Words mixing Latin letters with look-alikes ("pаypal" with a Cyrillic а), and
# words made only of look-alikes ("рау"), found in one RE2 pass each.
_MIXED_WORD_RE = Scanner(rf"\pL*(?:[A-Za-z]\pL*[{_LOOKALIKES}]|[{_LOOKALIKES}]\pL*[A-Za-z])\pL*")
_PURE_LOOKALIKE_WORD_RE = Scanner(rf"(?:^|[^\pL])([{_LOOKALIKES}]+)(?:[^\pL]|$)")


def _latin_dominant(text: str) -> bool:
    """More Latin letters than characters outside ASCII (C-speed counts, no loop)."""
    ascii_bytes = text.encode("ascii", "ignore")
    latin = len(ascii_bytes) - len(ascii_bytes.translate(None, _ASCII_LETTER_BYTES))
    return latin > len(text) - len(ascii_bytes)


def fold_lookalikes(text: str) -> str:
    """Replace look-alike letters with Latin ones; the result has the same length.

    Look-alikes are folded in words that mix them with Latin letters, and in
    words made only of look-alikes when the text is mostly Latin, so Russian or
    Greek prose keeps its letters.
    """
    if _SYMBOL_RE.search(text):
        text = text.translate(_SYMBOL_TABLE)
    if not _LOOKALIKE_RE.search(text):
        return text
    spans = _MIXED_WORD_RE.spans(text)
    if _latin_dominant(text):
        spans += _PURE_LOOKALIKE_WORD_RE.spans(text, 1)
    if not spans:
        return text
    pieces: list[str] = []
    cursor = 0
    for start, end in sorted(spans):
        if start < cursor:
            continue
        pieces.append(text[cursor:start])
        pieces.append(text[start:end].translate(_SCRIPT_TABLE))
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces)


def _classify(text: str) -> tuple[dict[str, str], str]:
    """For the distinct non-ASCII characters of ``text``: one-to-one NFKC replacements,
    and the characters that change length (expansions, invisible, combining marks)."""
    replacements: dict[str, str] = {}
    special = []
    for char in set(text):
        if char.isascii():
            continue
        if is_invisible(char) or unicodedata.combining(char):
            special.append(char)
            continue
        folded = _nfkc(char)
        if folded == char:
            continue
        if len(folded) == 1:
            replacements[char] = folded
        else:
            special.append(char)
    return replacements, "".join(special)


def _char_class(chars: str) -> re.Pattern[str]:
    return re.compile("[" + "".join(re.escape(char) for char in sorted(chars)) + "]+")


def normalize(text: str) -> tuple[str, Piecewise | None]:
    """Invisible characters removed, NFKC applied, look-alike letters folded.

    Characters NFKC maps one to one (fullwidth, mathematical letters, no-break
    spaces) are replaced in place; the few that change length (ligatures,
    ellipses, invisible characters, base letters with combining marks) go
    through an offset map, so every output character maps back to the input
    characters that produced it. Returns the map ``None`` when offsets are unchanged.
    """
    if text.isascii():
        return text, None
    if unicodedata.is_normalized("NFKC", text) and not INVISIBLE_RE.search(text):
        return fold_lookalikes(text), None
    replacements, special = _classify(text)
    # One-to-one replacements: str.translate does them in C, no pattern to compile per text.
    table = {ord(char): folded for char, folded in replacements.items()}
    translated = text.translate(table) if table else text
    if not special:
        return fold_lookalikes(translated), None
    builder = MapBuilder()
    cursor = 0
    for run in _char_class(special).finditer(text):
        start, end = run.span()
        index = start
        if start > cursor and unicodedata.combining(text[start]):
            base = start - 1  # the letter the combining marks belong to
            builder.copy(translated[cursor:base], cursor)
            index = start
            while index < end and unicodedata.combining(text[index]):
                index += 1
            builder.replace(_nfkc(text[base:index]), base, index)
        else:
            builder.copy(translated[cursor:start], cursor)
        for position in range(index, end):
            char = text[position]
            if is_invisible(char):
                continue
            folded = _nfkc(char)
            if folded == char:
                builder.copy(char, position)
            else:
                builder.replace(folded, position, position + 1)
        cursor = end
    builder.copy(translated[cursor:], cursor)
    folded, mapping = builder.build()
    return fold_lookalikes(folded), mapping


# Runs of four or more single letters or digits with separators between them
# ("i g n o r e", "i.g.n.o.r.e", "I - G - N - O - R - E"); group 1 is the run.
# These scans use RE2: on 10 KB documents Python's re is several times slower.
_SPACED_RUN_RE = Scanner(r"(?:^|[^\pL\pN])((?:[\pL\pN][ \t.\-_*·|/\\,+~]{1,3}){3,}[\pL\pN])(?:[^\pL\pN]|$)")
_SEPARATOR_RE = lazy(r"[ \t.\-_*·|/\\,+~]+")
# A word split by one separator next to a one- or two-letter fragment: "i-nstruction", "terminatio-n".
_SPLIT_WORD_RE = Scanner(r"(?:^|[^\pL])(\pL{1,2}[-_.·*]\pL{3})|(\pL{3}[-_.·*]\pL{1,2})(?:[^\pL]|$)")
# One call decides for most texts that neither applies.
_ANY_SPACING = Scanner(f"(?:{_SPACED_RUN_RE.pattern})|(?:{_SPLIT_WORD_RE.pattern})")


def _spaced(builder: MapBuilder, text: str, start: int, end: int) -> None:
    separators = list(_SEPARATOR_RE().finditer(text, start, end))
    narrow = min(len(sep.group()) for sep in separators)
    position = start
    for sep in separators:
        builder.copy(text[position : sep.start()], position)
        if len(sep.group()) > narrow:
            builder.replace(" ", sep.start(), sep.end())
        position = sep.end()
    builder.copy(text[position:end], position)


def _split(builder: MapBuilder, text: str, start: int, end: int) -> None:
    piece = text[start:end]
    cut = next(i for i, char in enumerate(piece) if char in "-_.·*")
    builder.copy(piece[:cut], start)
    builder.copy(piece[cut + 1 :], start + cut + 1)


def collapse_spacing(text: str) -> tuple[str, Piecewise] | None:
    """Letters spread out with separators joined into words (wider gaps become one space),
    and words split by a stray separator ("i-nstruction") joined again."""
    if not _ANY_SPACING.may_match(text):
        return None
    runs = [(start, end, _spaced) for start, end in _SPACED_RUN_RE.spans(text, 1)]
    runs += [(start, end, _split) for start, end in _SPLIT_WORD_RE.spans(text, 1, 2)]
    if not runs:
        return None
    builder = MapBuilder()
    cursor = 0
    for start, end, join in sorted(runs):
        if start < cursor:
            continue
        builder.copy(text[cursor:start], cursor)
        join(builder, text, start, end)
        cursor = end
    builder.copy(text[cursor:], cursor)
    return builder.build()


def _rewritten(text: str, edits: list[tuple[int, int, str]]) -> tuple[str, Piecewise]:
    """``text`` with each ``(start, end, new)`` span, in order and apart, replaced by ``new``
    (an empty ``new`` takes the span out); the rest is copied."""
    builder = MapBuilder()
    cursor = 0
    for start, end, new in edits:
        builder.copy(text[cursor:start], cursor)
        builder.replace(new, start, end)
        cursor = end
    builder.copy(text[cursor:], cursor)
    return builder.build()


# Emoji, dingbats and other symbols ("So", "Sk"), in runs.
_SYMBOL_RUN_RE = Scanner(r"[\p{So}\p{Sk}]+")


def strip_wedged_symbols(text: str) -> tuple[str, Piecewise] | None:
    """Symbols wedged between two letters taken out ("i🔥g🔥n🔥o🔥r🔥e", "ig😀no😀re"),
    when the text holds at least two such wedges (one is a typo or a name)."""
    if text.isascii():
        return None  # the symbols that matter here are emoji and dingbats
    last = len(text) - 1
    wedged = [
        (start, end)
        for start, end in _SYMBOL_RUN_RE.spans(text)
        if start > 0 and end <= last and text[start - 1].isalpha() and text[end].isalpha()
    ]
    if len(wedged) < 2:
        return None
    return _rewritten(text, [(start, end, "") for start, end in wedged])


# Combining marks stacked on Latin letters ("zalgo" text: "i̷̛g̸n̶o̵r̴e̶"), group 1. NFKC
# leaves the marks no precomposed letter takes; marks on other scripts (Devanagari vowel
# signs, Arabic vowel points) belong to their letters and are left alone.
_MARKED_LATIN_RE = Scanner(r"\p{Latin}(\p{Mn}+)")


def _bare(letter: str) -> str:
    base = unicodedata.normalize("NFD", letter)[0]
    return base if base.isascii() else letter


def strip_latin_marks(text: str) -> tuple[str, Piecewise] | None:
    """Latin letters that carry leftover combining marks, bare (marks taken out, the letter
    NFKC composed with some of them decomposed too), when at least three letters carry them."""
    if text.isascii():
        return None
    runs = _MARKED_LATIN_RE.spans(text, 1)
    if len(runs) < 3:
        return None
    return _rewritten(text, [(start - 1, end, _bare(text[start - 1])) for start, end in runs])


MAX_LEET_TOKEN = 24
"""Longer alphanumeric runs are identifiers or encoded data, not words in leetspeak."""
_LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g"}
_LEET |= {"@": "a", "$": "s", "!": "i"}
_LEET_TABLE = str.maketrans(_LEET)
# Tokens with a letter next to a digit or symbol used for a letter ("1gn0r3", "p@ss").
# Tokens with a letter next to a digit or symbol used for a letter ("1gn0r3", "p@ss"), group 1;
# tokens glued to "/", "+", "=", "_" or "-" are paths, identifiers or encoded data, not words.
_LEET_TOKEN_RE = Scanner(
    r"(?:^|[^A-Za-z0-9@$!+/=_-])([A-Za-z0-9@$!]*(?:[A-Za-z][01345789@$!]|[01345789@$][A-Za-z])[A-Za-z0-9@$!]*)"
)
_GLUE = frozenset("+/=_-")


def fold_leet(text: str) -> str | None:
    """Digits and symbols written for letters inside words ("1gn0r3") replaced; same length."""
    pieces: list[str] = []
    cursor = 0
    for start, end in _LEET_TOKEN_RE.spans(text, 1):
        word = text[start:end].rstrip("!")
        if word.isalpha() or not 3 <= len(word) <= MAX_LEET_TOKEN:
            continue
        if word[1:].lower() != word[1:] and word.upper() != word:
            continue  # mixed case inside a token: an identifier or encoded data, not a word
        after = text[start + len(word) : start + len(word) + 1]
        if after in _GLUE or ("@" in word and after == "."):
            continue  # glued to a path or identifier, or an email address
        folded = word.translate(_LEET_TABLE)
        if folded == word:
            continue
        pieces.append(text[cursor:start])
        pieces.append(folded)
        cursor = start + len(word)
    if not pieces:
        return None
    pieces.append(text[cursor:])
    return "".join(pieces)


_SPACE_RE = lazy(r"\s+")


def canonical(normalized: str) -> str:
    """The one-string form of a normalised text: whitespace collapsed, case folded."""
    return _SPACE_RE().sub(" ", normalized).strip().casefold()

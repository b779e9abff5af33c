"""Folding transformations: NFKC, look-alike letters, letter spacing and leetspeak.

Each returns the folded text with a ``SpanMap`` back to its input, or
``None`` when it would change nothing, so callers build no view for a text
that does not need one.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from sentinel_cli.normalization.chars import INVISIBLE_RE, is_invisible
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
_LOOKALIKE_RE = re.compile("[" + "".join(_SCRIPT_LOOKALIKES) + "]")
_SYMBOL_RE = re.compile("[" + "".join(_SYMBOL_LOOKALIKES) + "]")
_WORD_WITH_LOOKALIKE_RE = re.compile(r"[^\W\d_]*[" + "".join(_SCRIPT_LOOKALIKES) + r"][^\W\d_]*")
_ASCII_LETTER_RE = re.compile("[A-Za-z]")
_LETTER_RE = re.compile(r"[^\W\d_]")


@lru_cache(maxsize=4096)
def _nfkc(cluster: str) -> str:
    return unicodedata.normalize("NFKC", cluster)


def _latin_dominant(text: str) -> bool:
    letters = len(_LETTER_RE.findall(text))
    return letters > 0 and len(_ASCII_LETTER_RE.findall(text)) * 2 > letters


def fold_lookalikes(text: str) -> str:
    """Replace look-alike letters with Latin ones; the result has the same length."""
    if _SYMBOL_RE.search(text):
        text = text.translate(_SYMBOL_TABLE)
    if not _LOOKALIKE_RE.search(text):
        return text
    dominant: bool | None = None
    pieces: list[str] = []
    cursor = 0
    for match in _WORD_WITH_LOOKALIKE_RE.finditer(text):
        word = match.group()
        folded = word.translate(_SCRIPT_TABLE)
        if _ASCII_LETTER_RE.search(word) is None:
            if not folded.isascii():
                continue  # a letter without a Latin look-alike: a real word of that script
            if dominant is None:
                dominant = _latin_dominant(text)
            if not dominant:
                continue
        pieces.append(text[cursor : match.start()])
        pieces.append(folded)
        cursor = match.end()
    if not pieces:
        return text
    pieces.append(text[cursor:])
    return "".join(pieces)


_NON_ASCII_RUN_RE = re.compile(r"[^\x00-\x7f]+")


def _emit(builder: MapBuilder, cluster: str, start: int) -> None:
    folded = _nfkc(cluster)
    if folded == cluster:
        builder.copy(cluster, start)
    else:
        builder.replace(folded, start, start + len(cluster))


def normalize(text: str) -> tuple[str, Piecewise | None]:
    """Invisible characters removed, NFKC applied, look-alike letters folded.

    NFKC is applied per base character with its combining marks, so every
    output character maps back to the input characters that produced it.
    Returns the map ``None`` when the result has the same length and offsets.
    """
    if text.isascii():
        return text, None
    if unicodedata.is_normalized("NFKC", text) and not INVISIBLE_RE.search(text):
        return fold_lookalikes(text), None
    builder = MapBuilder()
    cursor = 0
    for run in _NON_ASCII_RUN_RE.finditer(text):
        start, end = run.span()
        cluster_start = -1
        if start > cursor and unicodedata.combining(text[start]):
            cluster_start = start - 1  # an ASCII base letter with combining marks after it
        builder.copy(text[cursor : cluster_start if cluster_start >= 0 else start], cursor)
        for index in range(start, end):
            char = text[index]
            if is_invisible(char):
                if cluster_start >= 0:
                    _emit(builder, text[cluster_start:index], cluster_start)
                    cluster_start = -1
                continue
            if cluster_start >= 0 and unicodedata.combining(char):
                continue
            if cluster_start >= 0:
                _emit(builder, text[cluster_start:index], cluster_start)
            cluster_start = index
        if cluster_start >= 0:
            _emit(builder, text[cluster_start:end], cluster_start)
        cursor = end
    builder.copy(text[cursor:], cursor)
    folded, mapping = builder.build()
    return fold_lookalikes(folded), mapping


# Runs of four or more single letters or digits with separators between them:
# "i g n o r e", "i.g.n.o.r.e", "I - G - N - O - R - E".
_SPACED_RUN_RE = re.compile(r"(?<![^\W_])(?:[^\W_][ \t.\-_*·|/\\,+~]{1,3}){3,}[^\W_](?![^\W_])")
_SEPARATOR_RE = re.compile(r"[ \t.\-_*·|/\\,+~]+")
# A word split by one separator next to a one- or two-letter fragment: "i-nstruction", "terminatio-n".
_SPLIT_WORD_RE = re.compile(
    r"(?<![^\W\d_])[^\W\d_]{1,2}[-_.·*](?=[^\W\d_]{3})|(?<=[^\W\d_]{3})[-_.·*][^\W\d_]{1,2}(?![^\W\d_])"
)


def _spaced(builder: MapBuilder, text: str, start: int, end: int) -> None:
    separators = list(_SEPARATOR_RE.finditer(text, start, end))
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
    runs = [(m.start(), m.end(), _spaced) for m in _SPACED_RUN_RE.finditer(text)]
    runs += [(m.start(), m.end(), _split) for m in _SPLIT_WORD_RE.finditer(text)]
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


MAX_LEET_TOKEN = 24
"""Longer alphanumeric runs are identifiers or encoded data, not words in leetspeak."""
_LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g"}
_LEET |= {"@": "a", "$": "s", "|": "l", "!": "i", "+": "t"}
_LEET_TABLE = str.maketrans(_LEET)
_LEET_HINT_RE = re.compile(r"[A-Za-z][01345789@$|!+]|[01345789@$|][A-Za-z]")
_LEET_TOKEN_RE = re.compile(r"[A-Za-z0-9@$|!+]*[A-Za-z][A-Za-z0-9@$|!+]*")


def fold_leet(text: str) -> str | None:
    """Digits and symbols written for letters inside words ("1gn0r3") replaced; same length."""
    if not _LEET_HINT_RE.search(text):
        return None
    pieces: list[str] = []
    cursor = 0
    for token in _LEET_TOKEN_RE.finditer(text):
        word = token.group().rstrip("!+")
        if word.isalpha() or not 3 <= len(word) <= MAX_LEET_TOKEN:
            continue
        folded = word.translate(_LEET_TABLE)
        if folded == word:
            continue
        pieces.append(text[cursor : token.start()])
        pieces.append(folded)
        cursor = token.start() + len(word)
    if not pieces:
        return None
    pieces.append(text[cursor:])
    return "".join(pieces)


_SPACE_RE = re.compile(r"\s+")


def canonical(normalized: str) -> str:
    """The one-string form of a normalised text: whitespace collapsed, case folded."""
    return _SPACE_RE.sub(" ", normalized).strip().casefold()

"""Character tables: invisible and format characters, and when they are legitimate.

Invisible characters hide text from people while models still read it
(Unicode tag "ASCII smuggling", zero-width characters inside words, bidi
overrides that reorder what a reviewer sees). Several of them also have
ordinary uses (ZWJ in emoji and Indic scripts, ZWNJ in Persian, variation
selectors after emoji, bidi marks in right-to-left text); those contexts are
not reported, though the characters are still removed from normalised views.
"""

from __future__ import annotations

import unicodedata
from enum import StrEnum
from functools import lru_cache

from sentinel_cli.frozen import frozen
from sentinel_cli.normalization.scan import Scanner

TAG_FIRST, TAG_LAST = 0xE0000, 0xE007F
VS_FIRST, VS_LAST = 0xFE00, 0xFE0F
VS_SUPP_FIRST, VS_SUPP_LAST = 0xE0100, 0xE01EF
BLACK_FLAG = 0x1F3F4

BIDI_CONTROLS = frozenset(range(0x202A, 0x202F)) | frozenset(range(0x2066, 0x206A))
BIDI_MARKS = frozenset({0x200E, 0x200F, 0x061C})
ZERO_WIDTH = frozenset({0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x180E})
FILLERS = frozenset({0x00AD, 0x034F, 0x115F, 0x1160, 0x3164, 0xFFA0, 0x17B4, 0x17B5, 0x2800})
# Format characters (category Cf) that render visibly and are not removed.
VISIBLE_FORMAT = frozenset({0x0600, 0x0601, 0x0602, 0x0603, 0x0604, 0x0605, 0x06DD, 0x070F, 0x08E2})
VISIBLE_FORMAT |= frozenset({0x0890, 0x0891, 0x110BD, 0x110CD})

_RANGES = (
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f"
    "\u2800\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e007f\U000e0100-\U000e01ef"
)
INVISIBLE_RE = Scanner(f"[{_RANGES}]")
"""Candidates for removal (RE2: Python's re scans large astral classes slowly);
``is_invisible`` has the final word (it also covers other Cf)."""


class HiddenKind(StrEnum):
    """Why a hidden character is suspicious; each kind is one rule of the unicode detector."""

    TAG = "tag"
    VARIATION_SELECTOR = "variation_selector"
    BIDI_CONTROL = "bidi_control"
    ZERO_WIDTH = "zero_width"
    OTHER = "other"


@frozen
class HiddenChar:
    index: int
    kind: HiddenKind


@lru_cache(maxsize=4096)
def is_invisible(char: str) -> bool:
    """True for characters normalised views drop: invisible, zero-width or format characters."""
    code = ord(char)
    if INVISIBLE_RE.compiled.fullmatch(char) is not None:
        return True
    return unicodedata.category(char) == "Cf" and code not in VISIBLE_FORMAT


def _script_of(char: str) -> str:
    """A coarse script tag from the character name (enough to tell legitimate joiners apart)."""
    if not char:
        return ""
    code = ord(char)
    if code < 0x80:
        return "ascii"
    name = unicodedata.name(char, "")
    return name.split(" ", 1)[0] if name else ""


_JOINING_SCRIPTS = frozenset(
    {"ARABIC", "SYRIAC", "DEVANAGARI", "BENGALI", "GURMUKHI", "GUJARATI", "ORIYA", "TAMIL", "TELUGU"}
    | {"KANNADA", "MALAYALAM", "SINHALA", "MONGOLIAN", "NKO", "HEBREW", "TIBETAN", "MYANMAR", "KHMER"}
)
_NO_SPACE_SCRIPTS = frozenset({"THAI", "LAO", "KHMER", "MYANMAR", "TIBETAN", "CJK", "HIRAGANA", "KATAKANA"})
_RTL_SCRIPTS = frozenset({"ARABIC", "HEBREW", "SYRIAC", "THAANA", "NKO"})


def _is_pictographic(char: str) -> bool:
    if not char:
        return False
    code = ord(char)
    return (
        code >= 0x1F000
        or 0x2190 <= code <= 0x2BFF
        or code in (0x00A9, 0x00AE, 0x203C, 0x2049, 0x2122, 0x2139, 0x20E3, 0x3030, 0x303D)
        or unicodedata.category(char) in ("So", "Sm", "Sk")
    )


def _is_vs_base(char: str) -> bool:
    """Characters a single variation selector legitimately follows (emoji, symbols, CJK, keycaps)."""
    if not char:
        return False
    return _is_pictographic(char) or char in "#*0123456789" or _script_of(char) == "CJK"


def _legit(text: str, index: int, code: int) -> bool:
    """Whether the invisible character at ``index`` is in an ordinary, benign context."""
    before = text[index - 1] if index > 0 else ""
    after = text[index + 1] if index + 1 < len(text) else ""
    if code == 0xFEFF:
        return index == 0
    if code == 0x200D:  # ZWJ: emoji sequences and joining scripts
        scripts = {_script_of(before), _script_of(after)}
        return (_is_pictographic(before) or ord(before or " ") in range(VS_FIRST, VS_LAST + 1)) or bool(
            scripts & _JOINING_SCRIPTS
        )
    if code == 0x200C:  # ZWNJ: Persian, Indic
        return bool({_script_of(before), _script_of(after)} & _JOINING_SCRIPTS)
    if code == 0x200B:  # ZWSP: word separation in scripts written without spaces
        return bool({_script_of(before), _script_of(after)} & _NO_SPACE_SCRIPTS)
    if code in BIDI_MARKS:
        return bool({_script_of(before), _script_of(after)} & _RTL_SCRIPTS) or not (
            before.isalpha() and after.isalpha()
        )
    if VS_FIRST <= code <= VS_LAST or VS_SUPP_FIRST <= code <= VS_SUPP_LAST:
        previous = ord(before) if before else 0
        is_vs = VS_FIRST <= previous <= VS_LAST or VS_SUPP_FIRST <= previous <= VS_SUPP_LAST
        next_is_vs = bool(after) and (
            VS_FIRST <= ord(after) <= VS_LAST or VS_SUPP_FIRST <= ord(after) <= VS_SUPP_LAST
        )
        return not is_vs and not next_is_vs and _is_vs_base(before)
    return False


def _kind(code: int) -> HiddenKind:
    if TAG_FIRST <= code <= TAG_LAST:
        return HiddenKind.TAG
    if VS_FIRST <= code <= VS_LAST or VS_SUPP_FIRST <= code <= VS_SUPP_LAST:
        return HiddenKind.VARIATION_SELECTOR
    if code in BIDI_CONTROLS:
        return HiddenKind.BIDI_CONTROL
    if code in ZERO_WIDTH:
        return HiddenKind.ZERO_WIDTH
    return HiddenKind.OTHER


def _in_flag_sequence(text: str, index: int) -> bool:
    """Tag characters spelling a subdivision flag after U+1F3F4 (England, Scotland, Wales)."""
    position = index
    while position > 0 and TAG_FIRST <= ord(text[position - 1]) <= TAG_LAST:
        position -= 1
    return position > 0 and ord(text[position - 1]) == BLACK_FLAG


def hidden_chars(text: str) -> list[HiddenChar]:
    """Every invisible character in ``text`` that is not in a benign context, in order."""
    if text.isascii():
        return []
    found = []
    for match in INVISIBLE_RE.compiled.finditer(text):
        index = match.start()
        code = ord(text[index])
        if TAG_FIRST <= code <= TAG_LAST:
            if _in_flag_sequence(text, index):
                continue
        elif _legit(text, index, code):
            continue
        found.append(HiddenChar(index, _kind(code)))
    return found

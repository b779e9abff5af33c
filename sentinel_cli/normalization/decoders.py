"""Finding and decoding embedded payloads: base64, base32, hex, binary, escapes,
URL encoding, HTML entities, ROT13, reversed text and Unicode smuggling.

Decoders work on one text and return payloads with a map back into it; the
caller (``normalize``) recurses into payloads up to a depth limit. Work is
bounded by a ``Budget``: when a limit stops decoding, it is recorded as a
``LimitHit`` so the scan can report it instead of skipping silently.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from sentinel_cli.frozen import frozen
from sentinel_cli.lazyre import lazy
from sentinel_cli.normalization.chars import TAG_FIRST, TAG_LAST, VS_FIRST, VS_LAST, VS_SUPP_FIRST
from sentinel_cli.normalization.scan import Scanner
from sentinel_cli.normalization.spans import Block, MapBuilder, Reversed, Shifted, SpanMap

MAX_DEPTH = 3
"""Nested encodings decoded (base64 inside hex inside URL encoding is depth 3)."""
MAX_PAYLOADS = 32
"""Payloads decoded per document, all depths together."""
MAX_DECODED_CHARS = 256 * 1024
"""Characters of decoded text per document, all payloads together."""
MAX_SEGMENT_CHARS = 512 * 1024
"""Longest encoded run that is decoded."""
MIN_RUN = 16
"""Shortest base64/base32/hex run worth decoding (shorter ones are ordinary tokens)."""

# Words an attack almost always contains; ROT13 and reversed text are decoded
# only when the encoded form of one of them is present (both transforms turn
# every ordinary text into noise, so decoding them blindly costs a view per prompt).
TRIGGER_WORDS = (
    "ignore", "instruction", "previous", "system prompt", "disregard", "forget", "reveal",
    "password", "secret", "jailbreak", "pretend", "developer mode", "bypass", "override",
    "unfiltered", "restriction", "do anything now", "print", "your prompt", "confidential",
)  # fmt: skip


# Scanning patterns run with RE2: linear, and an order of magnitude faster than
# Python's re on 10 KB documents for these character-class scans.
def _unescape_html(text: str) -> str:
    import html  # its entity table is large; only texts with entities need it

    return html.unescape(text)


def _trigger_pattern(words: Iterator[str]) -> str:
    # Words of a phrase may be joined by any short run of non-letters, not only a space:
    # "edom02%repoleved" is "developer mode" URL-encoded, then reversed.
    return "|".join("[^a-z]{1,3}".join(map(re.escape, word.split(" "))) for word in words)


# Common English words: text holding the encoded form of two of them is English in disguise,
# whatever it asks (a role-play jailbreak need not name any trigger word). Their plain forms
# seldom occur as words of their own ("gur", "lbh", "eht", "uoy"; not "and": "dna" is one).
COMMON_WORDS = ("the", "you", "your", "this", "with", "that", "from", "what", "will")


def _two_of(words: Iterator[str]) -> str:
    either = "(?:" + "|".join(map(re.escape, words)) + ")"
    return rf"\b{either}\b[\s\S]{{0,200}}?\b{either}\b"


def _scanner(*alternatives: str) -> Scanner:
    return Scanner("(?i)(?:" + "|".join(f"(?:{a})" for a in alternatives) + ")")


_ROT13_TRIGGERS = _scanner(
    _trigger_pattern(codecs.encode(w, "rot13") for w in TRIGGER_WORDS),
    _two_of(codecs.encode(w, "rot13") for w in COMMON_WORDS),
    r"\brot[ _-]?13\b",  # text that says it is ROT13 ("ROT13 encoded: ...")
)
_REVERSED_TRIGGERS = _scanner(
    _trigger_pattern(w[::-1] for w in TRIGGER_WORDS),
    _two_of(w[::-1] for w in COMMON_WORDS),
)


def caesar(text: str, shift: int) -> str:
    """ASCII letters moved ``shift`` places along the alphabet (ROT13 is ``shift=13``)."""
    lower = "abcdefghijklmnopqrstuvwxyz"
    moved = lower[shift % 26 :] + lower[: shift % 26]
    return text.translate(str.maketrans(lower + lower.upper(), moved + moved.upper()))


# Other Caesar shifts (CipherChat's shift of 3, ...): the text is decoded with the shift under
# which a trigger word or two common English words appear. Only the four-letter common words:
# three-letter ones shift to abbreviations ("the" to "max", "rfc", "aol"); three forms that are
# names are left out.
_SHIFTS = tuple(k for k in range(1, 26) if k != 13)
_NAMES = frozenset({"alex", "doha", "htes"})


def _shifted(shift: int) -> list[str]:
    forms = (caesar(word, shift) for word in COMMON_WORDS if len(word) == 4)
    return [form for form in forms if form not in _NAMES]


_CAESAR_TRIGGERS = {
    k: _scanner(_trigger_pattern(caesar(w, k) for w in TRIGGER_WORDS), _two_of(iter(_shifted(k))))
    for k in _SHIFTS
}
_ANY_CAESAR = _scanner(
    *(_trigger_pattern(caesar(w, k) for w in TRIGGER_WORDS) for k in _SHIFTS),
    r"\b(?:" + "|".join(form for k in _SHIFTS for form in _shifted(k)) + r")\b",
)
# One scan says whether any of the whole-text transforms may apply.
_ANY_TRIGGER = _scanner(_ROT13_TRIGGERS.pattern, _REVERSED_TRIGGERS.pattern, _ANY_CAESAR.pattern)


@frozen
class Payload:
    """Decoded text and how it maps back to the text it was found in."""

    encoding: str
    text: str
    mapping: SpanMap


@frozen
class LimitHit:
    """A decoding limit that stopped work; ``start``/``end`` are in the decoded-from text."""

    kind: str
    """``depth``, ``payloads``, ``size`` or ``segment``."""
    start: int
    end: int
    detail: str


@dataclass(slots=True)
class Budget:
    """Shared by every decoder of one document, across recursion."""

    payloads: int = field(default_factory=lambda: MAX_PAYLOADS)
    chars: int = field(default_factory=lambda: MAX_DECODED_CHARS)
    hits: list[LimitHit] = field(default_factory=list)
    """Limit hits in the coordinates of the text being decoded; the caller maps and drains them."""


def _texty(data: bytes) -> str | None:
    """Decoded bytes as text when they look like something written to be read."""
    if len(data) < 4:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    stripped = text.strip()
    if len(stripped) < 4:
        return None
    printable = sum(1 for char in text if char.isprintable() or char in "\n\r\t")
    if printable < 0.97 * len(text):
        return None
    visible = [char for char in stripped if not char.isspace()]
    letters = sum(1 for char in visible if char.isalpha())
    if letters >= 0.6 * len(visible):
        return text
    # Another layer of encoding (hex digits inside base64) is worth decoding too.
    return text if _NESTED_RE().fullmatch(stripped) else None


_NESTED_RE = lazy(r"[0-9a-fA-F \n:,x]+|[01 \n,]+|[A-Za-z0-9+/=_\n-]+")
_BASE64_RE = Scanner(rf"[A-Za-z0-9+/_-]{{{MIN_RUN},}}(?:\r?\n[A-Za-z0-9+/_-]{{4,}})*={{0,2}}")
_BASE32_RE = lazy(r"^[A-Z2-7]+=*$")
_HEX_RE = Scanner(rf"(?:(?:0x)?[0-9a-fA-F]{{2}}[ :,]?){{{MIN_RUN // 2},}}")
_BINARY_RE = Scanner(r"(?:[01]{8}[ ,]?){4,}")
_ESCAPE_RE = Scanner(r"(?:\\u[0-9a-fA-F]{4}|\\U[0-9a-fA-F]{8}|\\x[0-9a-fA-F]{2}){3,}")
_URL_RE = Scanner(r"(?:%[0-9A-Fa-f]{2})+")
_ENTITY_RE = Scanner(r"(?:&#[0-9]{2,7};|&#[xX][0-9a-fA-F]{2,6};|&[a-zA-Z]{2,8};)+")
# Morse code: at least eight letters of dots and dashes, letters apart by a space, words by
# " / " or wider gaps.
_MORSE_RE = Scanner(r"(?:[.-]{1,7}(?:  ?| {0,2}/ {0,2}|   +)){7,}[.-]{1,7}")
_MORSE = {
    ".-": "a",
    "-...": "b",
    "-.-.": "c",
    "-..": "d",
    ".": "e",
    "..-.": "f",
    "--.": "g",
    "....": "h",
    "..": "i",
    ".---": "j",
    "-.-": "k",
    ".-..": "l",
    "--": "m",
    "-.": "n",
    "---": "o",
    ".--.": "p",
    "--.-": "q",
    ".-.": "r",
    "...": "s",
    "-": "t",
    "..-": "u",
    "...-": "v",
    ".--": "w",
    "-..-": "x",
    "-.--": "y",
    "--..": "z",
    "-----": "0",
    ".----": "1",
    "..---": "2",
    "...--": "3",
    "....-": "4",
    ".....": "5",
    "-....": "6",
    "--...": "7",
    "---..": "8",
    "----.": "9",
}
_MORSE_WORD_GAP = lazy(r" *(?:/| {3,}) *")


def _morse_decode(run: str) -> str | None:
    words = []
    for word in _MORSE_WORD_GAP().split(run.strip()):
        letters = [_MORSE.get(code, "") for code in word.split()]
        if "" in letters:
            return None  # not a letter of Morse code: dots and dashes of something else
        words.append("".join(letters))
    text = " ".join(words)
    return text if len(set(text) - {" "}) >= 4 else None  # not "eeee eeee" from a row of dots


# One scan says whether any of the block encodings occurs at all: most texts hold
# none, and each RE2 call costs microseconds of overhead whatever the text.
_ANY_BLOCK = Scanner(
    "|".join(f"(?:{scanner.pattern})" for scanner in (_BASE64_RE, _HEX_RE, _BINARY_RE, _MORSE_RE))
)


def _base64_candidates(run: str) -> Iterator[tuple[str, bytes]]:
    compact = run.replace("\r", "").replace("\n", "")
    body = compact.rstrip("=")
    if _BASE32_RE().match(compact) and not body.isdigit():
        try:
            data = base64.b32decode(body + "=" * (-len(body) % 8))
        except (binascii.Error, ValueError):
            data = b""
        if data:
            yield "base32", data
    padded = body + "=" * (-len(body) % 4)
    try:
        if "-" in body or "_" in body:
            yield "base64", base64.urlsafe_b64decode(padded)
        else:
            yield "base64", base64.b64decode(padded, validate=True)
    except (binascii.Error, ValueError):
        return


def _runs(pattern: Scanner, text: str, budget: Budget) -> Iterator[tuple[int, int, str]]:
    for start, end in pattern.spans(text):
        if end - start > MAX_SEGMENT_CHARS:
            budget.hits.append(
                LimitHit("segment", start, end, f"encoded run of {end - start} characters not decoded")
            )
            continue
        yield start, end, text[start:end]


def _blocks(text: str, budget: Budget) -> Iterator[Payload]:
    """Payloads that replace one run of the text (base64, base32, hex, binary)."""
    for start, end, run in _runs(_BASE64_RE, text, budget):
        for encoding, data in _base64_candidates(run):
            decoded = _texty(data)
            if decoded is not None:
                yield Payload(encoding, decoded, Block(start, end))
                break
    for start, end, run in _runs(_HEX_RE, text, budget):
        digits = re.sub(r"0x|[ :,]", "", run)
        if len(digits) % 2 or (digits.isdigit() and len(set(digits)) < 3):
            continue
        decoded = _texty(bytes.fromhex(digits))
        if decoded is not None:
            yield Payload("hex", decoded, Block(start, end))
    for start, end, run in _runs(_BINARY_RE, text, budget):
        bits = re.sub(r"[ ,]", "", run)
        data = int(bits, 2).to_bytes(len(bits) // 8, "big")
        decoded = _texty(data)
        if decoded is not None:
            yield Payload("binary", decoded, Block(start, end))
    for start, end, run in _runs(_MORSE_RE, text, budget):
        decoded = _morse_decode(run)
        if decoded is not None:
            yield Payload("morse", decoded, Block(start, end))


def _substituted(
    text: str, pattern: Scanner, decode: Callable[[str], str], encoding: str, minimum: int
) -> Payload | None:
    """The whole text with each run of ``pattern`` decoded in place (URL escapes, entities)."""
    runs = pattern.spans(text)
    if sum(end - start for start, end in runs) < minimum:
        return None
    builder = MapBuilder()
    cursor = 0
    for start, end in runs:
        builder.copy(text[cursor:start], cursor)
        builder.replace(decode(text[start:end]), start, end)
        cursor = end
    builder.copy(text[cursor:], cursor)
    decoded, mapping = builder.build()
    return Payload(encoding, decoded, mapping)


def _url_decode(run: str) -> str:
    from urllib.parse import unquote

    return unquote(run, errors="replace")


def _escape_decode(run: str) -> str:
    try:
        return codecs.decode(run, "unicode_escape")
    except UnicodeDecodeError:
        return run


# Braille (grade 1) letters, in runs of at least eight cells with spaces between words.
_BRAILLE_RE = Scanner("[\u2800-\u28ff](?:[\u2800-\u28ff ]{6,}[\u2800-\u28ff])")
_BRAILLE = str.maketrans(
    dict(zip("⠁⠃⠉⠙⠑⠋⠛⠓⠊⠚⠅⠇⠍⠝⠕⠏⠟⠗⠎⠞⠥⠧⠺⠭⠽⠵⠀", "abcdefghijklmnopqrstuvwxyz ", strict=True))
    | {ord("⠠"): None}  # the capital sign
)


def _braille(text: str, budget: Budget) -> Iterator[Payload]:
    for start, end, run in _runs(_BRAILLE_RE, text, budget):
        decoded = _texty(run.translate(_BRAILLE).encode("utf-8"))
        if decoded is not None:
            yield Payload("braille", decoded, Block(start, end))


def _smuggled(text: str) -> Iterator[Payload]:
    """ASCII hidden in Unicode tag characters, bytes hidden in variation selectors."""
    tags = MapBuilder()
    selectors = MapBuilder()
    tag_start = vs_start = -1
    tag_chars: list[str] = []
    vs_bytes = bytearray()
    for index, char in enumerate([*text, " "]):
        code = ord(char)
        if TAG_FIRST + 0x20 <= code <= TAG_LAST - 1:
            if tag_start < 0:
                tag_start = index
            tag_chars.append(chr(code - TAG_FIRST))
        elif tag_start >= 0:
            if len(tag_chars) >= 2:
                tags.copy("".join(tag_chars), tag_start)  # one tag character per ASCII character
                tags.replace("\n", index, index)
            tag_start, tag_chars = -1, []
        if VS_FIRST <= code <= VS_LAST or VS_SUPP_FIRST <= code <= VS_SUPP_FIRST + 239:
            if vs_start < 0:
                vs_start = index
            vs_bytes.append(code - VS_FIRST if code <= VS_LAST else code - VS_SUPP_FIRST + 16)
        elif vs_start >= 0:
            decoded = _texty(bytes(vs_bytes)) if len(vs_bytes) >= 4 else None
            if decoded is not None:
                selectors.replace(decoded + "\n", vs_start, index)
            vs_start, vs_bytes = -1, bytearray()
    for encoding, builder in (("tags", tags), ("varsel", selectors)):
        decoded, mapping = builder.build()
        if decoded.strip():
            yield Payload(encoding, decoded.rstrip("\n"), mapping)


_SMUGGLING_RE = Scanner("[\U000e0000-\U000e007f\U000e0100-\U000e01ef\ufe00-\ufe0f]")


def has_smuggling(text: str) -> bool:
    """Whether ``text`` holds Unicode tag characters or variation selectors at all."""
    return not text.isascii() and _SMUGGLING_RE.search(text)


def decode_smuggled(text: str) -> Iterator[Payload]:
    """Text hidden in invisible characters (run on the raw text: normalising removes them)."""
    if has_smuggling(text):
        yield from _smuggled(text)


def decode_layer(text: str, budget: Budget, *, skip: str = "") -> Iterator[Payload]:
    """Every payload found directly in ``text`` (one level of decoding). ``skip`` names an
    involution not to apply again (ROT13 of ROT13 is the text itself)."""
    if _ANY_TRIGGER.may_match(text):
        if skip != "rot13" and _ROT13_TRIGGERS.search(text):
            yield Payload("rot13", codecs.encode(text, "rot13"), Shifted(0))
        if skip != "reversed" and _REVERSED_TRIGGERS.search(text):
            yield Payload("reversed", text[::-1], Reversed(len(text)))
        if skip != "caesar" and _ANY_CAESAR.search(text):
            for shift in _SHIFTS:
                if _CAESAR_TRIGGERS[shift].search(text):
                    yield Payload("caesar", caesar(text, -shift), Shifted(0))
                    break
    if not text.isascii() and _BRAILLE_RE.search(text):
        yield from _braille(text, budget)
    if _ANY_BLOCK.may_match(text):
        yield from _blocks(text, budget)
    if "\\" in text:
        for start, end, run in _runs(_ESCAPE_RE, text, budget):
            decoded = _escape_decode(run)
            if decoded != run:
                yield Payload("escape", decoded, Block(start, end))
    if "%" in text:
        payload = _substituted(text, _URL_RE, _url_decode, "url", minimum=9)
        if payload is not None:
            yield payload
    if "&" in text:
        payload = _substituted(text, _ENTITY_RE, _unescape_html, "html", minimum=12)
        if payload is not None:
            yield payload

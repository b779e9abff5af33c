"""Views of a prompt that detectors match against, with offsets mapped back to the original.

A ``Document`` is built once per text and shared by every detector. Its
views are built lazily, by family, the first time a detector asks for them,
and only when they differ from what is already there (a plain ASCII prompt
with nothing encoded in it has only its ``raw`` view):

- ``raw``: the text as given.
- ``normalized``: invisible and format characters removed, NFKC, look-alike
  letters (Cyrillic/Greek homoglyphs, small capitals, enclosed letters) folded.
- ``obfuscation``: ``marks`` (combining marks stacked on Latin letters taken out),
  ``symbols`` (emoji wedged between letters taken out), ``spacing`` ("i g n o r e"
  joined) and ``leet`` ("1gn0r3").
- ``decoded``: payloads found in the text (base64, base32, hex, binary,
  escapes, URL encoding, HTML entities, Morse code, Braille, ROT13 and other
  Caesar shifts, reversed text, Unicode tag and variation-selector smuggling),
  each expanded again up to ``MAX_DEPTH`` levels. A decoded view is named by its
  chain (``base64>rot13``); a fold of a decoded text adds ``+normalized``,
  ``+marks``, ``+symbols``, ``+spacing`` or ``+leet``.

Every view maps a span of its text back to a span of the original text with
``to_original``; the result always lies inside the original text.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Final

from sentinel_cli.frozen import frozen
from sentinel_cli.normalization import decoders, folding
from sentinel_cli.normalization.chars import HiddenChar, hidden_chars
from sentinel_cli.normalization.spans import Shifted, SpanMap

RAW: Final = "raw"
NORMALIZED: Final = "normalized"
OBFUSCATION: Final = "obfuscation"
DECODED: Final = "decoded"
FAMILIES: tuple[str, ...] = (RAW, NORMALIZED, OBFUSCATION, DECODED)


@frozen
class View:
    """One rendering of the text. ``name`` says which transformations produced it."""

    name: str
    text: str
    maps: tuple[SpanMap, ...] = ()
    """From this view's text outwards to the original, innermost first."""
    bound: int | None = None
    """Length of the original text (``None``: this view's text is the original)."""
    encodings: tuple[str, ...] = ()
    """The decoding chain that produced the text (empty unless decoded)."""

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a ``[start, end)`` span of this view back to the original text."""
        length = len(self.text)
        start = min(max(start, 0), length)
        end = min(max(end, start), length)
        for mapping in self.maps:
            start, end = mapping.span(start, end)
        bound = length if self.bound is None else self.bound
        start = min(max(start, 0), bound)
        return start, min(max(end, start), bound)

    def chunk(self, offset: int, size: int) -> View:
        """The part ``[offset, offset + size)`` of this view, mapping to the same original."""
        return View(
            self.name,
            self.text[offset : offset + size],
            (Shifted(offset), *self.maps),
            len(self.text) if self.bound is None else self.bound,
            self.encodings,
        )


@frozen
class LimitNote:
    """A decoding limit that was hit, with the span of the original text it concerns."""

    kind: str
    start: int
    end: int
    detail: str


def iter_chunks(length: int, size: int, overlap: int) -> Iterator[tuple[int, int]]:
    """``(start, end)`` windows covering ``[0, length)`` with ``overlap`` characters shared."""
    if length <= size:
        yield 0, length
        return
    step = max(size - overlap, 1)
    start = 0
    while True:
        yield start, min(start + size, length)
        if start + size >= length:
            return
        start += step


class Document:
    """The text of one prompt (or one chat message) and its views."""

    __slots__ = ("_canonical", "_families", "_hidden", "_limits", "_normalized", "role", "text")

    def __init__(self, text: str, role: str | None = None) -> None:
        self.text = text
        self.role = role
        self._families: dict[str, tuple[View, ...]] = {}
        self._normalized: View | None = None
        self._canonical: str | None = None
        self._hidden: tuple[HiddenChar, ...] | None = None
        self._limits: list[LimitNote] = []

    @property
    def raw(self) -> View:
        return self.select((RAW,))[0]

    @property
    def normalized(self) -> View:
        """The normalised view (the raw view when normalising changes nothing)."""
        if self._normalized is None:
            text, mapping = folding.normalize(self.text)
            if text == self.text:
                self._normalized = View(RAW, self.text)
            else:
                maps = () if mapping is None else (mapping,)
                self._normalized = View(NORMALIZED, text, maps, len(self.text))
        return self._normalized

    @property
    def canonical(self) -> str:
        """The fully folded single string: NFKC, look-alikes folded, invisible characters
        removed, whitespace collapsed and case folded (for classifiers and hashing)."""
        if self._canonical is None:
            self._canonical = folding.canonical(self.normalized.text)
        return self._canonical

    @property
    def views(self) -> tuple[View, ...]:
        """Every view, in family order (``raw`` first)."""
        return self.select(FAMILIES)

    @property
    def hidden(self) -> tuple[HiddenChar, ...]:
        """Invisible characters outside their benign contexts (offsets into ``text``)."""
        if self._hidden is None:
            self._hidden = tuple(hidden_chars(self.text))
        return self._hidden

    @property
    def limits(self) -> tuple[LimitNote, ...]:
        """Decoding limits hit while building the decoded views."""
        self.select((DECODED,))
        return tuple(self._limits)

    def select(self, families: Iterable[str]) -> tuple[View, ...]:
        """The views of the given families, building each family once."""
        views: list[View] = []
        for family in families:
            built = self._families.get(family)
            if built is None:
                built = self._families[family] = tuple(self._build(family))
            views.extend(built)
        return tuple(views)

    def _build(self, family: str) -> list[View]:
        if family == RAW:
            return [View(RAW, self.text)]
        if family == NORMALIZED:
            normalized = self.normalized
            return [normalized] if normalized.name == NORMALIZED else []
        if family == OBFUSCATION:
            return list(_obfuscations(self.normalized, ""))
        if family == DECODED:
            return _Decoder(self).run()
        raise ValueError(f"unknown view family {family!r} (known: {', '.join(FAMILIES)})")


def _obfuscations(base: View, prefix: str) -> Iterator[View]:
    """Mark, symbol, spacing and leetspeak folds of ``base`` (built only when the text shows
    signs of them)."""
    for name, fold in (("marks", folding.strip_latin_marks), ("symbols", folding.strip_wedged_symbols)):
        folded = fold(base.text)
        if folded is not None:
            text, mapping = folded
            yield View(prefix + name, text, (mapping, *base.maps), base.bound, base.encodings)
    spaced = folding.collapse_spacing(base.text)
    if spaced is not None:
        text, mapping = spaced
        yield View(prefix + "spacing", text, (mapping, *base.maps), base.bound, base.encodings)
    leet = folding.fold_leet(base.text)
    if leet is not None:
        yield View(prefix + "leet", leet, base.maps, base.bound, base.encodings)


class _Decoder:
    """Decodes payloads recursively within the document's ``Budget``."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.budget = decoders.Budget()
        self.views: list[View] = []
        self.bound = len(doc.text)

    def run(self) -> list[View]:
        raw = View(RAW, self.doc.text)
        self._expand(raw, self.doc.normalized, depth=0)
        return self.views

    def _note(self, view: View, kind: str, start: int, end: int, detail: str) -> None:
        first, last = view.to_original(start, end)
        self.doc._limits.append(LimitNote(kind, first, last, detail))

    def _drain(self, view: View) -> None:
        for hit in self.budget.hits:
            self._note(view, hit.kind, hit.start, hit.end, hit.detail)
        self.budget.hits.clear()

    def _expand(self, raw: View, normalized: View, depth: int) -> None:
        """Decode one level below ``raw``/``normalized`` and recurse into each payload."""
        found = [(raw, payload) for payload in decoders.decode_smuggled(raw.text)]
        last = raw.encodings[-1] if raw.encodings else ""
        found += [
            (normalized, payload)
            for payload in decoders.decode_layer(normalized.text, self.budget, skip=last)
        ]
        self._drain(normalized)
        if found and depth >= decoders.MAX_DEPTH:
            self._note(
                raw, "depth", 0, len(raw.text), f"encoded data nested deeper than {decoders.MAX_DEPTH} levels"
            )
            return
        for parent, payload in found:
            if not self._admit(parent, payload):
                return
            chain = (*parent.encodings, payload.encoding)
            child = View(">".join(chain), payload.text, (payload.mapping, *parent.maps), self.bound, chain)
            self.views.append(child)
            text, mapping = folding.normalize(child.text)
            child_normalized = child
            if text != child.text:
                maps = child.maps if mapping is None else (mapping, *child.maps)
                child_normalized = View(child.name + "+normalized", text, maps, self.bound, chain)
                self.views.append(child_normalized)
            self.views.extend(_obfuscations(child_normalized, child.name + "+"))
            self._expand(child, child_normalized, depth + 1)

    def _admit(self, parent: View, payload: decoders.Payload) -> bool:
        """Charge the budget for one payload; note the limit (once) when it runs out."""
        budget = self.budget
        if budget.payloads <= 0 or len(payload.text) > budget.chars:
            if budget.payloads >= 0:
                kind = "payloads" if budget.payloads <= 0 else "size"
                limit = (
                    f"more than {decoders.MAX_PAYLOADS} encoded payloads"
                    if kind == "payloads"
                    else f"more than {decoders.MAX_DECODED_CHARS} decoded characters"
                )
                start, end = payload.mapping.span(0, len(payload.text))
                self._note(parent, kind, start, end, limit + "; the rest was not decoded")
                budget.payloads = -1  # note once, decode nothing more
            return False
        budget.payloads -= 1
        budget.chars -= len(payload.text)
        return True

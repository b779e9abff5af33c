"""Views of a prompt that detectors match against, with offsets mapped back to the original.

A ``Document`` is built once per text and shared by every detector. Each
``View`` is a transformed copy of the text (for now only the raw text) that
can translate a span in its own coordinates back into the original text.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class View:
    """One rendering of the text. ``name`` says which transformations produced it."""

    name: str
    text: str

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a ``[start, end)`` span of this view back to the original text."""
        return start, end


@dataclass(slots=True)
class Document:
    """The text of one prompt (or one chat message) and its views."""

    text: str
    role: str | None = None
    _views: tuple[View, ...] | None = field(default=None, repr=False)

    @property
    def views(self) -> tuple[View, ...]:
        if self._views is None:
            self._views = (View("raw", self.text),)
        return self._views

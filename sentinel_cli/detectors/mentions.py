"""Telling a quoted mention of an attack from the attack itself.

Security articles, training material and code reviews quote attack phrases
("attackers write things like 'ignore previous instructions'"). When a text
carries the ``discussion`` signal (it talks about attacks) and a rule's match
sits inside quotation marks, the match is a mention: it still counts, at a
fraction of the rule's confidence, because wrapping an attack in quotes and a
pretext is also an evasion.
"""

from __future__ import annotations

DISCUSSION_SIGNAL = "discussion"
MENTION_FACTOR = 0.4
"""Confidence multiplier for a quoted match in a text that discusses attacks."""
REACH = 160
"""How far (in characters, on the same line) a quotation mark may be from the match."""

_PAIRS = {'"': '"', "“": "”", "„": "“", "«": "»", "‹": "›", "`": "`", "'": "'", "‘": "’"}


def _opening(text: str, start: int) -> tuple[str, int] | None:
    """The nearest opening quotation mark before ``start`` on the same line."""
    floor = max(text.rfind("\n", 0, start) + 1, start - REACH)
    for index in range(start - 1, floor - 1, -1):
        char = text[index]
        if char in _PAIRS:
            before = text[index - 1] if index > 0 else " "
            if char in "'‘" and before.isalnum():
                continue  # an apostrophe inside a word: don't, it's
            return char, index
    return None


def is_quoted(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` lies between a pair of quotation marks on one line."""
    opening = _opening(text, start)
    if opening is None:
        return False
    closing_char = _PAIRS[opening[0]]
    ceiling = text.find("\n", end)
    ceiling = min(len(text) if ceiling < 0 else ceiling, end + REACH)
    for index in range(end, ceiling):
        if text[index] == closing_char:
            after = text[index + 1] if index + 1 < len(text) else " "
            if closing_char in "'’" and after.isalnum():
                continue
            return True
    return False

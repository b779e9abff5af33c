"""A small parser for the regular-expression syntax rule patterns use (RE2's, which
Python's ``re`` mostly shares), building the tree ``regex_safety`` checks.

Character classes and escapes are not interpreted by hand: each single-character
atom is compiled with RE2 and tried against a sample alphabet, so ``\\p{L}`` or
``[^.\\n]`` mean exactly what RE2 makes of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

MAX_REPEAT = 1000
"""Largest repetition count accepted (RE2's own limit)."""


class UnsafePattern(ValueError):
    """A pattern is refused; the message says which construct and why."""


class PatternSyntaxError(UnsafePattern):
    """The pattern is not well formed (RE2's own message is the better one to show)."""


# Characters standing in for the whole alphabet when comparing character sets.
_UNIVERSE = (
    "".join(chr(code) for code in range(0x20, 0x7F))
    + "\t\n\r\x0b\x0c\u00a0\u2003\u200béßüçñøЯяжαΩ中あア한ابक١😀"
)


@dataclass(slots=True)
class Node:
    kind: str
    """``chars`` (one character), ``seq``, ``alt``, ``repeat``, ``empty`` (anchors, boundaries)."""
    chars: frozenset[str] = frozenset()
    items: list[Node] = field(default_factory=list)
    low: int = 1
    high: int | None = 1
    text: str = ""
    """For a literal character: the character (compared case-insensitively)."""


@lru_cache(maxsize=2048)
def _charset(atom: str, ignore_case: bool, dot_all: bool) -> frozenset[str]:
    """The sample characters a single-character atom matches (computed with RE2 itself)."""
    import re2

    flags = ("i" if ignore_case else "") + ("s" if dot_all else "")
    try:
        compiled = re2.compile(f"(?{flags}:{atom})" if flags else atom)
    except re2.error as exc:
        raise UnsafePattern(f"invalid pattern element {atom!r}: {exc}") from None
    return frozenset(char for char in _UNIVERSE if compiled.fullmatch(char))


class _Parser:
    def __init__(self, pattern: str, charsets: bool = True) -> None:
        self.pattern = pattern
        self.pos = 0
        self.flags: list[tuple[bool, bool]] = [(False, False)]
        self.charsets = charsets

    def fail(self, message: str, *, syntax: bool = False) -> UnsafePattern:
        kind = PatternSyntaxError if syntax else UnsafePattern
        return kind(f"{message} (at position {self.pos})")

    def peek(self, text: str) -> bool:
        return self.pattern.startswith(text, self.pos)

    def parse(self) -> Node:
        node = self.alternation()
        if self.pos < len(self.pattern):
            raise self.fail("unbalanced ')'", syntax=True)
        return node

    def alternation(self) -> Node:
        branches = [self.sequence()]
        while self.peek("|"):
            self.pos += 1
            branches.append(self.sequence())
        return branches[0] if len(branches) == 1 else Node("alt", items=branches)

    def sequence(self) -> Node:
        items: list[Node] = []
        while self.pos < len(self.pattern) and not self.peek("|") and not self.peek(")"):
            atom = self.atom()
            if atom is not None:
                items.append(self.quantified(atom))
        return Node("seq", items=items)

    def quantified(self, atom: Node) -> Node:
        while self.pos < len(self.pattern) and self.pattern[self.pos] in "*+?{":
            char = self.pattern[self.pos]
            if char == "{":
                end = self.pattern.find("}", self.pos)
                body = self.pattern[self.pos + 1 : end] if end > 0 else ""
                low_text, _, high_text = body.partition(",")
                if not low_text.isdigit() or (high_text and not high_text.isdigit()):
                    return atom  # a literal brace, as in RE2 and Python
                low = int(low_text)
                high = low if "," not in body else (int(high_text) if high_text else None)
                if max(low, high or 0) > MAX_REPEAT:
                    raise self.fail(f"repetition count above {MAX_REPEAT}")
                self.pos = end + 1
            else:
                low, high = {"*": (0, None), "+": (1, None), "?": (0, 1)}[char]
                self.pos += 1
            if self.peek("+"):
                raise self.fail("possessive quantifiers are not supported")
            if self.peek("?"):
                self.pos += 1
            atom = Node("repeat", items=[atom], low=low, high=high)
        return atom

    def charset(self, atom: str, literal: str = "") -> Node:
        if not self.charsets:
            return Node("chars", text=literal)
        ignore_case, dot_all = self.flags[-1]
        return Node("chars", chars=_charset(atom, ignore_case, dot_all), text=literal)

    def atom(self) -> Node | None:
        char = self.pattern[self.pos]
        if char == "(":
            return self.group()
        if char == "[":
            return self.char_class()
        if char == "\\":
            return self.escape()
        self.pos += 1
        if char in "^$":
            return Node("empty")
        if char in "*+?":
            raise self.fail("nothing to repeat", syntax=True)
        return self.charset(".") if char == "." else self.charset(_literal(char), char)

    def char_class(self) -> Node:
        start = self.pos
        self.pos += 1
        if self.peek("^"):
            self.pos += 1
        if self.peek("]"):
            self.pos += 1
        while self.pos < len(self.pattern) and not self.peek("]"):
            if self.peek("[:"):
                self.pos = self.pattern.index(":]", self.pos) + 2
            elif self.peek("\\"):
                self.pos += 2
            else:
                self.pos += 1
        if self.pos >= len(self.pattern):
            raise self.fail("unterminated character class", syntax=True)
        self.pos += 1
        return self.charset(self.pattern[start : self.pos])

    def escape(self) -> Node:
        self.pos += 1
        if self.pos >= len(self.pattern):
            raise self.fail("trailing backslash", syntax=True)
        char = self.pattern[self.pos]
        self.pos += 1
        if (char.isdigit() and char != "0") or char in "kg":
            raise self.fail("backreferences are not allowed")
        if char in "bBAzZ":
            return Node("empty")
        if char == "Q":
            end = self.pattern.find("\\E", self.pos)
            end = len(self.pattern) if end < 0 else end
            items = [self.charset(_literal(c), c) for c in self.pattern[self.pos : end]]
            self.pos = min(end + 2, len(self.pattern))
            return Node("seq", items=items)
        start = self.pos - 2
        if char in "pP" or char == "x":
            if self.peek("{"):
                self.pos = self.pattern.index("}", self.pos) + 1
            else:
                self.pos += 1 if char in "pP" else 2
        # An escaped punctuation character is that character; the safety checks keep
        # treating it as a class (``charsets``), so what they accept does not change.
        literal = char if not self.charsets and not char.isalnum() and char.isascii() else ""
        return self.charset(self.pattern[start : self.pos], literal)

    def group(self) -> Node | None:
        self.pos += 1
        ignore_case, dot_all = self.flags[-1]
        if self.peek("?"):
            head = self.pattern[self.pos : self.pos + 4]
            if head.startswith(("?=", "?!", "?<=", "?<!")):
                raise self.fail("look-around assertions are not supported")
            if head.startswith("?>"):
                raise self.fail("atomic groups are not supported")
            if head.startswith("?P="):
                raise self.fail("backreferences are not allowed")
            if head.startswith("?#"):
                self.pos = self.pattern.index(")", self.pos) + 1
                return None
            if head.startswith(("?P<", "?<")):
                self.pos = self.pattern.index(">", self.pos) + 1
            else:
                end = self.pos + 1
                while end < len(self.pattern) and self.pattern[end] not in ":)":
                    end += 1
                flags = self.pattern[self.pos + 1 : end]
                on, _, off = flags.partition("-")
                ignore_case = ("i" in on or ignore_case) and "i" not in off
                dot_all = ("s" in on or dot_all) and "s" not in off
                self.pos = end + 1
                if end < len(self.pattern) and self.pattern[end] == ")":
                    self.flags[-1] = (ignore_case, dot_all)  # (?i) applies to the rest of the group
                    return None
        self.flags.append((ignore_case, dot_all))
        node = self.alternation()
        self.flags.pop()
        if not self.peek(")"):
            raise self.fail("missing ')'", syntax=True)
        self.pos += 1
        return node


def _literal(char: str) -> str:
    return "\\" + char if char in ".^$*+?()[]{}|\\" else char


def parse(pattern: str, *, charsets: bool = True) -> Node:
    """The pattern's tree; raises ``UnsafePattern`` for constructs RE2 lacks or refuses.

    ``charsets=False`` leaves character sets empty (only literal characters are known),
    which parses without compiling anything (``prefilter`` needs no more).
    """
    return _Parser(pattern, charsets).parse()

"""Load-time checks that refuse regular expressions which could backtrack catastrophically.

Rules are matched with RE2, which runs in time linear in the input whatever
the pattern; these checks are a second line of defence and keep rule packs
portable to backtracking engines (Python's ``re``, PCRE, SIEM rule engines)
where the same pattern could take exponential time. A pattern is refused for:

- backreferences (``\\1``, ``(?P=name)``): not regular, exponential in general;
- look-around, atomic groups and possessive quantifiers: unsupported by RE2;
- nested quantifiers that can split the same text in more than one way, such
  as ``(a+)+``, ``(\\w+\\s?)*`` or ``(.*,)*``: an inner repetition whose
  characters overlap what may follow it inside an outer repetition;
- alternations under a repetition whose branches can start the same way,
  such as ``(a|ab)*`` or ``(\\w|\\d)+``;
- counted repetitions above 1000 (RE2's limit) and patterns that match the
  empty string (they would fire on every prompt).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

MAX_REPEAT = 1000
LOOSE_ABOVE = 4
"""``loosen`` turns ``{m,n}`` into ``{m,}`` when ``n - m`` exceeds this."""

# Characters standing in for the whole alphabet when comparing character sets.
_UNIVERSE = (
    "".join(chr(code) for code in range(0x20, 0x7F))
    + "\t\n\r\x0b\x0c\u00a0\u2003\u200béßüçñøЯяжαΩ中あア한ابक١😀"
)


class UnsafePattern(ValueError):
    """A pattern is refused; the message says which construct and why."""


class PatternSyntaxError(UnsafePattern):
    """The pattern is not well formed (RE2's own message is the better one to show)."""


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
    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self.pos = 0
        self.flags: list[tuple[bool, bool]] = [(False, False)]

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
        return self.charset(self.pattern[start : self.pos])

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


def _nullable(node: Node) -> bool:
    if node.kind == "chars":
        return False
    if node.kind == "seq":
        return all(_nullable(item) for item in node.items)
    if node.kind == "alt":
        return any(_nullable(item) for item in node.items)
    if node.kind == "repeat":
        return node.low == 0 or _nullable(node.items[0])
    return True


def _first(node: Node) -> frozenset[str]:
    if node.kind == "chars":
        return node.chars
    if node.kind == "seq":
        first: frozenset[str] = frozenset()
        for item in node.items:
            first |= _first(item)
            if not _nullable(item):
                break
        return first
    if node.kind in ("alt", "repeat"):
        return frozenset().union(*(_first(item) for item in node.items))
    return frozenset()


def _consumed(node: Node) -> frozenset[str]:
    """Every character the node can consume anywhere."""
    if node.kind == "chars":
        return node.chars
    return frozenset().union(*(_consumed(item) for item in node.items)) if node.items else frozenset()


def _repeats(node: Node) -> bool:
    return node.kind == "repeat" and (node.high is None or node.high >= 2)


def _literal_text(node: Node) -> str | None:
    """The fixed string a branch matches, if it is one (single-character sets only)."""
    items = node.items if node.kind == "seq" else [node]
    text = []
    for item in items:
        if item.kind != "chars" or not item.text:
            return None
        text.append(item.text.casefold())
    return "".join(text)


def _check_alternations(node: Node, where: str) -> None:
    if node.kind == "alt":
        literals = [_literal_text(branch) for branch in node.items]
        for i, left in enumerate(node.items):
            for j in range(i + 1, len(node.items)):
                right = node.items[j]
                a, b = literals[i], literals[j]
                if a is not None and b is not None:
                    clash = a.startswith(b) or b.startswith(a)
                else:
                    clash = bool(_first(left) & _first(right))
                if clash:
                    raise UnsafePattern(
                        f"alternation under a repetition has branches that can match the same text "
                        f"({where}); make the branches start differently"
                    )
    for item in node.items:
        _check_alternations(item, where)


def _check(node: Node, follow: frozenset[str], outer: Node | None) -> None:
    """Walk the tree with the follow set of each node; ``outer`` is the innermost enclosing repetition."""
    if node.kind == "seq":
        for index, item in enumerate(node.items):
            after = frozenset[str]()
            for later in node.items[index + 1 :]:
                after |= _first(later)
                if not _nullable(later):
                    break
            else:
                after |= follow
            _check(item, after, outer)
    elif node.kind == "alt":
        for item in node.items:
            _check(item, follow, outer)
    elif node.kind == "repeat":
        body = node.items[0]
        variable = node.high is None or node.high > node.low
        if outer is not None and variable and _consumed(body) & follow:
            raise UnsafePattern(
                "nested quantifier can match the same text in more than one way "
                "(like (a+)+ or (\\w+\\s?)*); make what separates the repetitions unambiguous"
            )
        if _repeats(node):
            _check_alternations(body, "like (a|ab)*")
            _check(body, follow | _first(body), node)
        else:
            _check(body, follow, outer)


def check_pattern(pattern: str) -> None:
    """Raise ``UnsafePattern`` when ``pattern`` uses a refused construct (see the module doc)."""
    tree = _Parser(pattern).parse()
    _check(tree, frozenset(), None)


_TOKENS = re.compile(r"[^\\\[{]+|\\.|\[\^?\]?(?:\\.|\[:[a-z]+:\]|[^\]\\])*\]|\{(\d+),(\d+)\}|.", re.DOTALL)


def loosen(pattern: str) -> str:
    """A pattern that matches wherever ``pattern`` does (and maybe more), cheaper to compile.

    Wide counted repetitions (``[^.]{0,40}``) make RE2 programs, and so the
    compile time of a set of many rules, large; ``{m,}`` instead is cheap. The
    loosened patterns pre-select rules in one pass; the exact pattern decides.
    Escapes and character classes are skipped whole, so only real quantifiers change.
    """

    def replace(token: re.Match[str]) -> str:
        low, high = token.group(1), token.group(2)
        if low is not None and int(high) - int(low) > LOOSE_ABOVE:
            return "{" + low + ",}"
        return token.group()

    return _TOKENS.sub(replace, pattern)

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

from sentinel_cli.lazyre import lazy
from sentinel_cli.regex_syntax import Node, PatternSyntaxError, UnsafePattern, parse

__all__ = ["PatternSyntaxError", "UnsafePattern", "check_pattern", "loosen"]

LOOSE_ABOVE = 4
"""``loosen`` turns ``{m,n}`` into ``{m,}`` when ``n - m`` exceeds this."""


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
    tree = parse(pattern)
    _check(tree, frozenset(), None)


_TOKENS = lazy(r"[^\\\[{]+|\\.|\[\^?\]?(?:\\.|\[:[a-z]+:\]|[^\]\\])*\]|\{(\d+),(\d+)\}|.", re.DOTALL)


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

    return _TOKENS().sub(replace, pattern)

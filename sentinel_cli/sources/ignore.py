"""gitignore-style patterns, for ``.gitignore`` files and ``--include``/``--exclude``.

Follows gitignore(5): ``#`` comments, ``!`` negation (the last matching
pattern wins), a trailing ``/`` matches directories only, a ``/`` at the start
or in the middle anchors the pattern to its base directory (otherwise it
matches at any depth), ``*`` and ``?`` stop at ``/``, ``[...]`` classes, and
``**`` as a whole path component matches any number of directories. A file
inside an ignored directory cannot be re-included; the walker guarantees that
by not descending into ignored directories.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from sentinel_cli.frozen import frozen


@frozen
class Pattern:
    source: str
    regex: re.Pattern[str]
    negate: bool
    dir_only: bool

    def matches(self, path: str, is_dir: bool) -> bool:
        return (is_dir or not self.dir_only) and self.regex.match(path) is not None


def _class(pattern: str, start: int) -> tuple[str, int] | None:
    """Translate the ``[...]`` at ``start``; ``None`` when it is not closed (a literal ``[``)."""
    position = start + 1
    if position < len(pattern) and pattern[position] in "!^":
        position += 1
    if position < len(pattern) and pattern[position] == "]":
        position += 1
    close = pattern.find("]", position)
    if close < 0:
        return None
    body = pattern[start + 1 : close]
    if body[:1] in ("!", "^"):
        body = "^" + body[1:]
    body = body.replace("\\", "\\\\")
    return f"[{body}]", close + 1


def _translate(body: str) -> str:
    out = []
    position = 0
    length = len(body)
    while position < length:
        char = body[position]
        if body.startswith("**", position):
            at_start = position == 0 or body[position - 1] == "/"
            at_end = position + 2 == length or body[position + 2] == "/"
            if at_start and at_end:
                if position + 2 == length:
                    out.append(".*")
                    position += 2
                else:
                    out.append("(?:.*/)?")
                    position += 3
                continue
            out.append("[^/]*")
            position += 2
            while position < length and body[position] == "*":
                position += 1
            continue
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            translated = _class(body, position)
            if translated is not None:
                out.append(translated[0])
                position = translated[1]
                continue
            out.append(re.escape(char))
        elif char == "\\" and position + 1 < length:
            position += 1
            out.append(re.escape(body[position]))
        else:
            out.append(re.escape(char))
        position += 1
    return "".join(out)


def compile_pattern(line: str) -> Pattern | None:
    """One gitignore line; ``None`` for blanks and comments."""
    text = line.rstrip("\n").rstrip("\r")
    # Trailing spaces are dropped unless escaped with a backslash.
    stripped = text.rstrip(" ")
    if stripped.endswith("\\") and len(stripped) < len(text):
        stripped += " "
    text = stripped
    if not text or text.startswith("#"):
        return None
    negate = text.startswith("!")
    if negate or text.startswith(("\\!", "\\#")):
        text = text[1:]
    dir_only = text.endswith("/")
    body = text.rstrip("/")
    if not body:
        return None
    anchored = "/" in body
    body = body.lstrip("/")
    prefix = "" if anchored else "(?:.*/)?"
    regex = re.compile(f"^{prefix}{_translate(body)}$", re.DOTALL)
    return Pattern(line.strip(), regex, negate, dir_only)


def compile_patterns(lines: Iterable[str]) -> list[Pattern]:
    return [pattern for line in lines if (pattern := compile_pattern(line)) is not None]


@frozen
class IgnoreFile:
    """The patterns of one ignore file and the directory they are relative to."""

    base: Path
    patterns: Sequence[Pattern]

    @classmethod
    def read(cls, path: Path) -> IgnoreFile | None:
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
        patterns = compile_patterns(text.splitlines())
        return cls(path.parent, patterns) if patterns else None


def is_ignored(path: Path, is_dir: bool, files: Sequence[IgnoreFile]) -> bool:
    """Whether ``path`` is ignored by ``files`` (outermost first): the last match decides."""
    ignored = False
    for ignore in files:
        try:
            relative = path.relative_to(ignore.base).as_posix()
        except ValueError:
            continue
        for pattern in ignore.patterns:
            if pattern.matches(relative, is_dir):
                ignored = not pattern.negate
    return ignored


def matches_any(relative: str, is_dir: bool, patterns: Sequence[Pattern]) -> bool:
    """Whether any pattern matches (negations un-match), as for ``--include``/``--exclude``."""
    matched = False
    for pattern in patterns:
        if pattern.matches(relative, is_dir):
            matched = not pattern.negate
    return matched

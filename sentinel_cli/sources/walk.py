"""Turning directories into files to scan, as a repository scan sees them.

A directory is walked in sorted order, without following symbolic links and
never into ``.git``. ``.gitignore`` and ``.sentinelignore`` files (in the
walked directories and in their parents up to the repository top) exclude
paths the way git does; ``--exclude`` globs exclude more and ``--include``
globs, when given, keep only matching files. Binary files are skipped with a
note; files whose format has a reader (JSON Lines, CSV, Parquet...) use it,
and every other text file is scanned as text.
"""

from __future__ import annotations

import codecs
import os
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sentinel_cli.sources.factory import format_from_name
from sentinel_cli.sources.ignore import IgnoreFile, Pattern, compile_patterns, is_ignored, matches_any

IGNORE_FILES = (".gitignore", ".sentinelignore")
NEVER_WALKED = frozenset({".git", ".hg", ".svn"})
NEVER_SCANNED = (".sarif", ".sentinel-baseline.json")
"""sentinel's own outputs: a SARIF report quotes the evidence it found, and scanning it
again would report every finding twice."""
SNIFF_BYTES = 8000
_WIDE_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)
CANNOT_READ = "cannot read"
"""A file that cannot be read is not skipped like a binary file: opening it fails the
run (or, with ``--on-error skip``, is reported), so a gate never passes on unread files."""
_READS_BINARY = frozenset({"parquet"})
"""Formats whose files are binary by nature and read by their own reader."""
_SOURCE_FORMATS: dict[str, str] = {"json": "strings:json"}
"""How a repository scan reads a format differently from a named data file."""


def source_format(name: str) -> str:
    """The reader for a file met in a repository scan: by suffix, else plain text."""
    fmt = format_from_name(name)
    if fmt is None:
        return "text"
    return _SOURCE_FORMATS.get(fmt, fmt)


@dataclass(slots=True)
class Expansion:
    """Inputs after walking directories: what to open, and how."""

    inputs: list[str] = field(default_factory=list)
    formats: dict[str, str] = field(default_factory=dict)
    """Reader per input, for files found by walking (or read as source with ``--as-source``)."""
    skipped: list[str] = field(default_factory=list)
    """Notes about files left out (binary files)."""


def binary_reason(path: Path) -> str | None:
    """Why the file is not text, or ``None`` when it is."""
    try:
        with path.open("rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except OSError as exc:
        return f"{CANNOT_READ} ({(exc.strerror or str(exc)).lower()})"
    if head.startswith(_WIDE_BOMS):
        return None
    if head.startswith(b"\x1f\x8b"):
        return "compressed file"
    if b"\0" in head:
        return "binary file"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return "not UTF-8 text"
    return None


def _repository_top(start: Path) -> Path | None:
    for directory in (start, *start.parents):
        if (directory / ".git").exists():
            return directory
    return None


def _parent_ignores(root: Path) -> list[IgnoreFile]:
    """Ignore files of the directories above ``root``, up to the repository top, outermost first."""
    top = _repository_top(root)
    if top is None or top == root:
        return []
    found = []
    for directory in _between(top, root):
        for name in IGNORE_FILES:
            ignore = IgnoreFile.read(directory / name)
            if ignore is not None:
                found.append(ignore)
    return found


def _between(top: Path, root: Path) -> list[Path]:
    """``top`` and each directory below it down to, but not including, ``root``."""
    directories = [top]
    for part in root.relative_to(top).parts[:-1]:
        directories.append(directories[-1] / part)
    return directories


class Walker:
    """Walks directories with the run's include/exclude patterns."""

    def __init__(self, include: Sequence[str], exclude: Sequence[str], skip: Sequence[Path] = ()) -> None:
        self.include: list[Pattern] = compile_patterns(include)
        self.exclude: list[Pattern] = compile_patterns(exclude)
        self.skip = {path.resolve() for path in skip}

    def files(self, directory: str, expansion: Expansion) -> Iterator[str]:
        """Files under ``directory`` to scan, named as the user named the directory."""
        root = Path(directory)
        absolute = root.resolve()
        ignores = _parent_ignores(absolute)
        yield from self._walk(root, absolute, absolute, ignores, expansion)

    def _walk(
        self, here: Path, absolute: Path, top: Path, ignores: list[IgnoreFile], expansion: Expansion
    ) -> Iterator[str]:
        local = [ignore for name in IGNORE_FILES if (ignore := IgnoreFile.read(absolute / name)) is not None]
        active = [*ignores, *local]
        try:
            entries = sorted(os.scandir(absolute), key=lambda entry: entry.name)
        except OSError as exc:
            expansion.skipped.append(f"{here}: cannot list directory ({(exc.strerror or '').lower()})")
            return
        for entry in entries:
            path = absolute / entry.name
            if entry.is_symlink() or path in self.skip:
                continue
            is_dir = entry.is_dir(follow_symlinks=False)
            if is_dir and entry.name in NEVER_WALKED:
                continue
            relative = path.relative_to(top).as_posix()
            if is_ignored(path, is_dir, active) or matches_any(relative, is_dir, self.exclude):
                continue
            name = os.path.normpath(here / entry.name)
            if is_dir:
                yield from self._walk(Path(name), path, top, active, expansion)
            elif not self._included(relative) or entry.name.lower().endswith(NEVER_SCANNED):
                continue
            elif entry.is_file(follow_symlinks=False):
                yield name
            else:
                # A FIFO would block the walk and a device never ends: say so, never read them.
                expansion.skipped.append(f"{name}: not a regular file ({_kind(entry)}), skipped")

    def _included(self, relative: str) -> bool:
        if not self.include:
            return True
        parts = relative.split("/")
        if matches_any(relative, False, self.include):
            return True
        return any(matches_any("/".join(parts[:depth]), True, self.include) for depth in range(1, len(parts)))


def _kind(entry: os.DirEntry[str]) -> str:
    mode = entry.stat(follow_symlinks=False).st_mode
    for test, kind in ((stat.S_ISFIFO, "FIFO"), (stat.S_ISSOCK, "socket"), (stat.S_ISCHR, "device")):
        if test(mode):
            return kind
    return "device" if stat.S_ISBLK(mode) else "special file"


def expand(
    inputs: Sequence[str],
    *,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    as_source: bool = False,
    input_format: str = "auto",
    skip: Sequence[Path] = (),
) -> Expansion:
    """Replace directories by the files to scan in them (sorted); files and ``-`` stay as given."""
    expansion = Expansion()
    walker = Walker(include, exclude, skip)
    for name in inputs:
        if name != "-" and Path(name).is_dir():
            before = len(expansion.inputs) + len(expansion.skipped)
            for found in walker.files(name, expansion):
                _add(found, expansion, input_format)
            if len(expansion.inputs) + len(expansion.skipped) == before:
                expansion.skipped.append(f"{name}: no files to scan (empty, ignored or excluded)")
        elif as_source and name != "-" and Path(name).is_file():
            _add(name, expansion, input_format)
        else:
            expansion.inputs.append(name)
    return expansion


def _add(name: str, expansion: Expansion, input_format: str) -> None:
    fmt = input_format if input_format != "auto" else source_format(name)
    reason = None if fmt in _READS_BINARY or _compressed_data(name, fmt) else binary_reason(Path(name))
    if reason is not None and not reason.startswith(CANNOT_READ):
        expansion.skipped.append(f"{name}: {reason}")
        return
    expansion.inputs.append(name)
    expansion.formats[name] = fmt


def _compressed_data(name: str, fmt: str) -> bool:
    return name.lower().endswith(".gz") and fmt != "text"

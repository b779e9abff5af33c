"""Repository-relative paths: what SARIF URIs, fingerprints and baselines are keyed on."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from sentinel_cli.sources.stream import STDIN_NAME

SRCROOT = "%SRCROOT%"
"""The SARIF ``uriBaseId`` relative URIs are resolved against."""


def _absolute(path: str | Path) -> str:
    # Not Path.resolve(): a checkout reached through a symbolic link keeps its own paths.
    return os.path.abspath(path)  # noqa: PTH100


def repository_root(cwd: Path | None = None) -> Path:
    """The git top-level directory containing ``cwd``; ``cwd`` itself outside a repository."""
    start = Path(_absolute(cwd or Path.cwd()))
    for directory in (start, *start.parents):
        if (directory / ".git").exists():
            return directory
    return start


class RepoPaths:
    """Names files the same way whatever directory sentinel runs from inside the repository."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root if root is not None else repository_root()
        self._real_root = Path(os.path.realpath(self.root))
        self._cache: dict[str, str | None] = {}

    def relative(self, file: str) -> str | None:
        """``file`` relative to the root as a POSIX path; ``None`` for stdin or outside the root."""
        if file in self._cache:
            return self._cache[file]
        relative: str | None = None
        if file != STDIN_NAME:
            for path, root in (
                (Path(_absolute(file)), self.root),
                (Path(os.path.realpath(file)), self._real_root),
            ):
                try:
                    relative = PurePosixPath(*path.relative_to(root).parts).as_posix()
                    break
                except ValueError:
                    continue
        self._cache[file] = relative
        return relative

    def key(self, file: str) -> str:
        """The stable name of a file: relative to the root when inside it, else absolute."""
        relative = self.relative(file)
        if relative is not None:
            return relative
        return file if file == STDIN_NAME else Path(_absolute(file)).as_posix()

    def uri(self, file: str) -> tuple[str, bool]:
        """``(uri, relative)``: a percent-encoded URI relative to ``%SRCROOT%``, or an absolute
        ``file://`` URI for a file outside the root."""
        relative = self.relative(file)
        if relative is not None:
            return quote(relative, safe="/"), True
        return Path(_absolute(file)).as_uri(), False

    def root_uri(self) -> str:
        return self.root.as_uri().rstrip("/") + "/"

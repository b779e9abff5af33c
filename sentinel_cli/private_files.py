"""Files sentinel keeps for itself are created for the user alone: 0600 files, 0700 directories.

The LLM cache, the cost ledger, log files and the audit log say what was scanned
(hashes, record ids, sources; masked prompts with ``--log-prompts``), so nobody
else on the machine should read them. Outputs that are meant to be shared follow
the umask like any tool's output: results (``-o``), the metrics file (the
node_exporter that reads it usually runs as another user) and baselines (they are
committed). Files and directories that already exist keep their permissions: an
administrator's choice wins.
"""

from __future__ import annotations

import io
import logging.handlers
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import cast

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700


def private_dir(path: Path) -> None:
    """Create ``path`` and any missing parents, each one user-only."""
    missing = []
    for directory in (path, *path.parents):
        if directory.exists():
            break
        missing.append(directory)
    for directory in reversed(missing):
        try:
            directory.mkdir(mode=PRIVATE_DIR)
        except FileExistsError:
            continue  # another process made it first
        directory.chmod(PRIVATE_DIR)  # mkdir's mode is narrowed by the umask, never widened


@contextmanager
def private_umask() -> Iterator[None]:
    """New files (SQLite databases and their journals, diskcache files) are user-only."""
    previous = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(previous)


def open_private(path: Path | str, mode: str = "a", encoding: str | None = "utf-8") -> io.TextIOWrapper:
    """Open a text file for appending, creating it user-only."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, PRIVATE_FILE)
    return cast(io.TextIOWrapper, os.fdopen(fd, mode, encoding=encoding))


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log whose every file, the first and each one after a rollover, is user-only."""

    def _open(self) -> io.TextIOWrapper:
        return open_private(self.baseFilename, self.mode, self.encoding)

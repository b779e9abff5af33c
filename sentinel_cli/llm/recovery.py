"""A corrupt or stuck-locked cache or cost ledger is moved aside and rebuilt, with a warning.

Both are SQLite files. A file that is not a database, or whose pages are damaged,
raises ``sqlite3.DatabaseError`` when it is opened; a lock that another process
holds past the busy timeout (a job stopped with SIGSTOP, a hung NFS client)
raises "database is locked". Either way the judge would be lost for the run, so
the files are renamed to ``NAME.broken-YYYYmmddTHHMMSSZ`` (kept for inspection,
never deleted) and a new, empty one is made. What that costs is said in the
warning: a new ledger forgets earlier spend (budgets restart), a new cache
forgets earlier answers.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
Warn = Callable[[str], None]


def _ignore(message: str) -> None:
    return None


def broken_reason(exc: BaseException) -> str | None:
    """Why a store cannot be used (``None``: an error that moving it aside would not fix,
    such as a directory without write permission)."""
    text = str(exc).lower()
    if isinstance(exc, sqlite3.OperationalError):
        if "locked" in text or "busy" in text:
            return f"locked by another process for too long ({exc})"
        if "malformed" in text or "not a database" in text or "corrupt" in text:
            return f"corrupt ({exc})"
        return None
    if isinstance(exc, sqlite3.DatabaseError):
        return f"corrupt ({exc})"
    if type(exc).__name__ == "Timeout":  # diskcache.Timeout: its lock stayed taken
        return "locked by another process for too long"
    return None


def move_aside(paths: Sequence[Path]) -> Path | None:
    """Rename the files that exist to ``NAME.broken-<UTC time>``; returns the first new name."""
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    first = None
    for path in paths:
        if not path.exists():
            continue
        target = path.with_name(f"{path.name}.broken-{stamp}")
        path.replace(target)
        first = first or target
    return first


def open_or_rebuild(
    what: str, paths: Sequence[Path], open_: Callable[[], T], consequence: str, warn: Warn = _ignore
) -> T:
    """``open_()``; if the store is corrupt or stuck locked, move ``paths`` aside, warn and
    open a new one (a second failure is the caller's error)."""
    try:
        return open_()
    except Exception as exc:
        reason = broken_reason(exc)
        if reason is None:
            raise
        moved = move_aside(paths)
    where = f"; the old one is kept as {moved}" if moved is not None else ""
    warn(f"{what} {paths[0]} was {reason}: started a new one{where} ({consequence})")
    return open_()

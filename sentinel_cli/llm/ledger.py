"""The cost ledger: every judge call and cache hit, in SQLite under ``data_dir``.

Safe for concurrent cron jobs: WAL journal (readers never block the writer),
a busy timeout (writers wait for each other instead of failing), and one short
transaction per row. Timestamps are Unix seconds; reports group them in UTC.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

from sentinel_cli.errors import RuntimeFailure
from sentinel_cli.frozen import frozen
from sentinel_cli.llm.events import LlmCallRecord, Period
from sentinel_cli.llm.recovery import Warn, open_or_rebuild
from sentinel_cli.private_files import private_dir, private_umask

LEDGER_FILENAME = "ledger.sqlite3"
BUSY_TIMEOUT_S = 30.0
SCHEMA_VERSION = 1

Group = Literal["day", "provider", "model", "job"]
_GROUP_SQL: dict[Group, str] = {
    "day": "date(ts, 'unixepoch')",
    "provider": "provider",
    "model": "provider || '/' || model",
    "job": "job",
}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS calls (
    id INTEGER PRIMARY KEY,
    ts REAL NOT NULL,
    job TEXT NOT NULL,
    provider TEXT NOT NULL,
    model TEXT NOT NULL,
    input_tokens INTEGER NOT NULL,
    output_tokens INTEGER NOT NULL,
    cost_usd REAL NOT NULL,
    latency_ms REAL NOT NULL,
    cached INTEGER NOT NULL,
    saved_usd REAL NOT NULL,
    outcome TEXT NOT NULL,
    error_type TEXT,
    priced INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS calls_ts ON calls (ts);
"""


@frozen
class SpendRow:
    key: str
    calls: int
    cache_hits: int
    errors: int
    input_tokens: int
    output_tokens: int
    cost_usd: float
    saved_usd: float
    unpriced: int


def ledger_path(data_dir: Path) -> Path:
    return data_dir / LEDGER_FILENAME


def _open_read_only(path: Path, timeout: float) -> sqlite3.Connection:
    """Without writing. A WAL database needs its ``-shm`` file even to read; where the directory is
    read-only and that file is gone, the file is read as immutable (nobody can be writing it then)."""
    uri = path.resolve().as_uri()
    for query in ("?mode=ro", "?mode=ro&immutable=1"):
        db = sqlite3.connect(uri + query, uri=True, timeout=timeout, isolation_level=None)
        try:
            db.execute("SELECT 1 FROM calls LIMIT 1").fetchall()
        except sqlite3.OperationalError as exc:
            db.close()
            if "unable to open" not in str(exc) or os.access(path.parent, os.W_OK):
                raise
            continue
        except sqlite3.Error:
            db.close()
            raise
        return db
    raise sqlite3.OperationalError("unable to open database file")


def _connect(path: Path, timeout: float) -> sqlite3.Connection:
    with private_umask():  # the database, and its WAL and shared-memory files after it
        db = sqlite3.connect(path, timeout=timeout, isolation_level=None)
        try:
            db.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")
            db.executescript(_SCHEMA)
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            # What budgets read first: a damaged table or index shows here, not mid-run.
            db.execute("SELECT COUNT(*), SUM(cost_usd) FROM calls WHERE ts >= ?", (time.time() - 32 * 86400,))
        except BaseException:
            db.close()
            raise
    return db


class Ledger:
    def __init__(
        self,
        path: Path,
        *,
        read_only: bool = False,
        timeout: float = BUSY_TIMEOUT_S,
        warn: Warn | None = None,
    ) -> None:
        """Open (creating it) for the judge; ``read_only`` opens an existing ledger without
        writing, and never moves it. Opened for writing, a corrupt or stuck-locked ledger is
        moved aside and a new one started, and ``warn`` is told (``sentinel_cli.llm.recovery``)."""
        self.path = path
        journals = [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm")]
        try:
            if read_only:
                self._db = _open_read_only(path, timeout)
                return
            private_dir(path.parent)
            self._db = open_or_rebuild(
                "cost ledger",
                [path, *journals],
                lambda: _connect(path, timeout),
                "spend recorded before is not in it: budgets count from zero",
                warn or (lambda message: None),
            )
        except (OSError, sqlite3.Error) as exc:
            raise RuntimeFailure(f"{path}: cannot open the cost ledger: {exc}") from None

    def summary(self) -> tuple[int, float | None, int]:
        """Rows, the time of the newest row (``None`` when empty) and the schema version."""
        rows, newest = self._db.execute("SELECT COUNT(*), MAX(ts) FROM calls").fetchone()
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        return int(rows), (float(newest) if newest is not None else None), int(version)

    def record(self, call: LlmCallRecord) -> None:
        try:
            self._insert(call)
        except sqlite3.Error as exc:
            raise RuntimeFailure(f"{self.path}: cannot write to the cost ledger: {exc}") from None

    def _insert(self, call: LlmCallRecord) -> None:
        self._db.execute(
            "INSERT INTO calls (ts, job, provider, model, input_tokens, output_tokens, cost_usd,"
            " latency_ms, cached, saved_usd, outcome, error_type, priced)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                call.timestamp,
                call.job,
                call.provider,
                call.model,
                call.input_tokens,
                call.output_tokens,
                call.cost_usd,
                call.latency_s * 1000.0,
                int(call.cached),
                call.saved_usd,
                call.outcome,
                call.error_type,
                int(call.priced),
            ),
        )

    def spend_since(self, starts: Mapping[Period, float]) -> dict[Period, float]:
        """USD spent since each period's start, in one query."""
        if not starts:
            return {}
        periods = list(starts)
        columns = ", ".join("COALESCE(SUM(CASE WHEN ts >= ? THEN cost_usd END), 0)" for _ in periods)
        row = self._db.execute(
            f"SELECT {columns} FROM calls WHERE ts >= ?",
            (*(starts[p] for p in periods), min(starts.values())),
        ).fetchone()
        return {period: float(value) for period, value in zip(periods, row, strict=True)}

    def grouped(self, group: Group, since: float, job: str | None = None) -> list[SpendRow]:
        """Totals per day, provider, model or job since ``since``, largest key order for days."""
        key = _GROUP_SQL[group]
        where = "ts >= ?"
        params: list[float | str] = [since]
        if job is not None:
            where += " AND job = ?"
            params.append(job)
        rows = self._db.execute(
            f"SELECT {key} AS k, SUM(1 - cached), SUM(cached), SUM(outcome != 'ok'),"
            " SUM(input_tokens), SUM(output_tokens), SUM(cost_usd), SUM(saved_usd), SUM(1 - priced)"
            f" FROM calls WHERE {where} GROUP BY k ORDER BY k",
            params,
        ).fetchall()
        return [
            SpendRow(str(k), int(c), int(h), int(e), int(i), int(o), float(cost), float(s), int(u))
            for k, c, h, e, i, o, cost, s, u in rows
        ]

    def close(self) -> None:
        self._db.close()

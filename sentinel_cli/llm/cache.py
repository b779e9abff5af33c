"""The judge's answer cache, in diskcache under ``cache_dir/llm``.

Keyed by provider, model, prompt-template version and the SHA-256 of the text
(the text itself is never stored). Entries expire after the TTL; only valid
answers are stored, never errors. Sets do not cull (``cull_limit=0``) so that
evictions can be counted exactly: expired and over-size entries are removed in
one ``cull`` when the cache is closed. Lifetime hit/miss/eviction counters live
beside it in ``cache_dir/llm-meta`` and are updated once per run.
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path
from typing import Any

import diskcache

from sentinel_cli.errors import RuntimeFailure
from sentinel_cli.frozen import frozen
from sentinel_cli.llm.events import CacheStats
from sentinel_cli.llm.prompt import TEMPLATE_VERSION, JudgeReply, text_digest
from sentinel_cli.llm.recovery import Warn, open_or_rebuild
from sentinel_cli.private_files import private_dir, private_umask

__all__ = ["CachedAnswer", "JudgeCache", "cache_paths", "clear_cache", "lifetime_stats", "text_digest"]

_COUNTERS = ("hits", "misses", "evictions")
STORE_ERRORS = (sqlite3.Error, OSError, diskcache.Timeout)


def cache_paths(cache_dir: Path) -> tuple[Path, Path]:
    return cache_dir / "llm", cache_dir / "llm-meta"


@frozen
class CachedAnswer:
    reply: JudgeReply
    cost_usd: float


LOCK_TIMEOUT_S = 10.0
"""How long opening the cache waits for another process's lock before it is called stuck."""


def _probe(database: Path) -> None:
    """Take and drop the write lock: a stuck lock fails here after ``LOCK_TIMEOUT_S`` (diskcache
    itself retries locked statements for a fixed 60 s), a damaged file as corrupt."""
    if not database.exists():
        return
    connection = sqlite3.connect(database, timeout=LOCK_TIMEOUT_S, isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("ROLLBACK")
    finally:
        connection.close()


def _open(directory: Path, **options: Any) -> diskcache.Cache:
    _probe(directory / diskcache.core.DBNAME)
    with private_umask():
        return diskcache.Cache(str(directory), timeout=LOCK_TIMEOUT_S, **options)


def _answers(data: Path, warn: Warn, **options: Any) -> diskcache.Cache:
    forgets = "earlier answers are asked again"
    return open_or_rebuild("LLM cache", [data], lambda: _open(data, **options), forgets, warn)


def _counters(meta: Path, warn: Warn) -> diskcache.Cache:
    return open_or_rebuild("LLM cache counters", [meta], lambda: _open(meta), "lifetime counts restart", warn)


def _quiet(message: str) -> None:
    return None


class JudgeCache:
    def __init__(
        self, cache_dir: Path, *, ttl: float, size_limit_bytes: int, warn: Warn | None = None
    ) -> None:
        """Open the cache; a corrupt or stuck-locked one is moved aside and rebuilt (``warn``
        is told). A cache that fails during the run is left alone: the run goes on uncached."""
        self.ttl = ttl
        self._warn = warn or _quiet
        self.failure: str | None = None
        data, meta = cache_paths(cache_dir)
        options = {
            "size_limit": size_limit_bytes,
            "cull_limit": 0,
            "eviction_policy": "least-recently-stored",
        }
        try:
            private_dir(cache_dir)
            self._cache = open_or_rebuild(
                "LLM cache",
                [data],
                lambda: _open(data, **options),
                "earlier answers are asked again",
                self._warn,
            )
            self._meta = open_or_rebuild(
                "LLM cache counters", [meta], lambda: _open(meta), "lifetime counts restart", self._warn
            )
        except (OSError, sqlite3.Error, diskcache.Timeout) as exc:
            raise RuntimeFailure(f"{data}: cannot open the LLM cache: {exc}") from None
        self.hits = 0
        self.misses = 0
        self.evictions = 0

    def _failed(self, exc: BaseException) -> None:
        if self.failure is None:
            self.failure = f"{type(exc).__name__}: {exc}"
            self._warn(f"LLM cache failed during the run ({self.failure}); going on without it")

    @staticmethod
    def key(provider: str, model: str, digest: str) -> str:
        return f"{TEMPLATE_VERSION}|{provider}|{model}|{digest}"

    def get(self, provider: str, model: str, digest: str) -> CachedAnswer | None:
        if self.failure is not None:
            return None
        try:
            value: Any = self._cache.get(self.key(provider, model, digest))
        except STORE_ERRORS as exc:
            self._failed(exc)
            return None
        if not isinstance(value, dict):
            return None
        try:
            reply = JudgeReply.model_validate(value["reply"])
            return CachedAnswer(reply=reply, cost_usd=float(value.get("cost_usd", 0.0)))
        except (KeyError, TypeError, ValueError):
            return None  # written by another version: treat as a miss

    def put(self, provider: str, model: str, digest: str, reply: JudgeReply, cost_usd: float) -> None:
        if self.failure is not None:
            return
        value = {"reply": reply.model_dump(), "cost_usd": cost_usd}
        try:
            self._cache.set(self.key(provider, model, digest), value, expire=self.ttl)
        except STORE_ERRORS as exc:
            self._failed(exc)

    def stats(self) -> CacheStats:
        """This run's counts, and the cache's current size."""
        entries, volume = 0, 0
        if self.failure is None:
            try:
                entries, volume = len(self._cache), int(self._cache.volume())
            except STORE_ERRORS as exc:
                self._failed(exc)
        return CacheStats(
            hits=self.hits, misses=self.misses, evictions=self.evictions, entries=entries, volume_bytes=volume
        )

    def close(self) -> CacheStats:
        """Evict expired and over-size entries, add this run's counts to the totals, close."""
        if self.failure is None:
            try:
                self.evictions += int(self._cache.cull())
            except STORE_ERRORS as exc:
                self._failed(exc)
        stats = self.stats()
        with contextlib.suppress(*STORE_ERRORS):
            for name in _COUNTERS:
                count = getattr(self, name)
                if count:
                    self._meta.incr(name, count)
        for store in (self._cache, self._meta):
            with contextlib.suppress(*STORE_ERRORS):
                store.close()
        return stats


def lifetime_stats(cache_dir: Path, warn: Warn | None = None) -> dict[str, Any]:
    """For ``sentinel cache stats``: entries, size and the counters of every run so far."""
    data, meta = cache_paths(cache_dir)
    private_dir(cache_dir)
    note = warn or (lambda message: None)
    opened = open_or_rebuild(
        "LLM cache", [data], lambda: _open(data), "earlier answers are asked again", note
    )
    counted = open_or_rebuild(
        "LLM cache counters", [meta], lambda: _open(meta), "lifetime counts restart", note
    )
    with opened as cache, counted as counters:
        expired = cache.expire()
        stats: dict[str, Any] = {
            "directory": str(data),
            "entries": len(cache),
            "volume_bytes": int(cache.volume()),
            "size_limit_bytes": int(cache.size_limit),
        }
        if expired:
            counters.incr("evictions", expired)
        for name in _COUNTERS:
            stats[name] = int(counters.get(name, 0))
    return stats


def clear_cache(cache_dir: Path, warn: Warn | None = None) -> int:
    """Remove every cached answer (counters are kept); returns how many were removed."""
    data, _ = cache_paths(cache_dir)
    private_dir(cache_dir)
    note = warn or (lambda message: None)
    with open_or_rebuild(
        "LLM cache", [data], lambda: _open(data), "earlier answers are asked again", note
    ) as cache:
        return int(cache.clear())

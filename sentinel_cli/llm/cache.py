"""The judge's answer cache, in diskcache under ``cache_dir/llm``.

Keyed by provider, model, prompt-template version and the SHA-256 of the text
(the text itself is never stored). Entries expire after the TTL; only valid
answers are stored, never errors. Sets do not cull (``cull_limit=0``) so that
evictions can be counted exactly: expired and over-size entries are removed in
one ``cull`` when the cache is closed. Lifetime hit/miss/eviction counters live
beside it in ``cache_dir/llm-meta`` and are updated once per run.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import diskcache

from sentinel_cli.errors import RuntimeFailure
from sentinel_cli.llm.events import CacheStats
from sentinel_cli.llm.prompt import TEMPLATE_VERSION, JudgeReply, text_digest
from sentinel_cli.private_files import private_dir, private_umask

__all__ = ["CachedAnswer", "JudgeCache", "cache_paths", "clear_cache", "lifetime_stats", "text_digest"]

_COUNTERS = ("hits", "misses", "evictions")


def cache_paths(cache_dir: Path) -> tuple[Path, Path]:
    return cache_dir / "llm", cache_dir / "llm-meta"


@dataclass(frozen=True, slots=True)
class CachedAnswer:
    reply: JudgeReply
    cost_usd: float


class JudgeCache:
    def __init__(self, cache_dir: Path, *, ttl: float, size_limit_bytes: int) -> None:
        self.ttl = ttl
        data, meta = cache_paths(cache_dir)
        try:
            private_dir(cache_dir)
            with private_umask():
                self._cache = diskcache.Cache(
                    str(data),
                    size_limit=size_limit_bytes,
                    cull_limit=0,
                    eviction_policy="least-recently-stored",
                )
                self._meta = diskcache.Cache(str(meta))
        except (OSError, diskcache.Timeout) as exc:
            raise RuntimeFailure(f"{data}: cannot open the LLM cache: {exc}") from None
        self.hits = 0
        self.misses = 0
        self.evictions = 0

    @staticmethod
    def key(provider: str, model: str, digest: str) -> str:
        return f"{TEMPLATE_VERSION}|{provider}|{model}|{digest}"

    def get(self, provider: str, model: str, digest: str) -> CachedAnswer | None:
        value: Any = self._cache.get(self.key(provider, model, digest))
        if not isinstance(value, dict):
            return None
        try:
            reply = JudgeReply.model_validate(value["reply"])
            return CachedAnswer(reply=reply, cost_usd=float(value.get("cost_usd", 0.0)))
        except (KeyError, TypeError, ValueError):
            return None  # written by another version: treat as a miss

    def put(self, provider: str, model: str, digest: str, reply: JudgeReply, cost_usd: float) -> None:
        value = {"reply": reply.model_dump(), "cost_usd": cost_usd}
        self._cache.set(self.key(provider, model, digest), value, expire=self.ttl)

    def stats(self) -> CacheStats:
        """This run's counts, and the cache's current size."""
        return CacheStats(
            hits=self.hits,
            misses=self.misses,
            evictions=self.evictions,
            entries=len(self._cache),
            volume_bytes=int(self._cache.volume()),
        )

    def close(self) -> CacheStats:
        """Evict expired and over-size entries, add this run's counts to the totals, close."""
        self.evictions += int(self._cache.cull())
        stats = self.stats()
        for name in _COUNTERS:
            count = getattr(self, name)
            if count:
                self._meta.incr(name, count)
        self._cache.close()
        self._meta.close()
        return stats


def lifetime_stats(cache_dir: Path) -> dict[str, Any]:
    """For ``sentinel cache stats``: entries, size and the counters of every run so far."""
    data, meta = cache_paths(cache_dir)
    private_dir(cache_dir)
    with private_umask(), diskcache.Cache(str(data)) as cache, diskcache.Cache(str(meta)) as counters:
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


def clear_cache(cache_dir: Path) -> int:
    """Remove every cached answer (counters are kept); returns how many were removed."""
    data, _ = cache_paths(cache_dir)
    private_dir(cache_dir)
    with private_umask(), diskcache.Cache(str(data)) as cache:
        return int(cache.clear())

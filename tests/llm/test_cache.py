from __future__ import annotations

import time
from pathlib import Path

from sentinel_cli.llm.cache import CachedAnswer, JudgeCache, clear_cache, lifetime_stats, text_digest
from sentinel_cli.llm.prompt import JudgeReply

REPLY = JudgeReply(label="injection", category="direct_injection", confidence=0.9, reason="r")


def test_key_has_provider_model_template_and_text_hash() -> None:
    key = JudgeCache.key("openai", "gpt-6-luna", text_digest("hello"))
    assert key.split("|")[:3] == ["judge-v1", "openai", "gpt-6-luna"]
    assert "hello" not in key


def test_round_trip_and_counts(tmp_path: Path) -> None:
    cache = JudgeCache(tmp_path, ttl=60, size_limit_bytes=10**8)
    digest = text_digest("a prompt")
    assert cache.get("anthropic", "m", digest) is None
    cache.put("anthropic", "m", digest, REPLY, 0.002)
    found = cache.get("anthropic", "m", digest)
    assert found == CachedAnswer(REPLY, 0.002)
    assert cache.get("openai", "m", digest) is None  # another provider is another key
    cache.hits, cache.misses = 1, 2
    stats = cache.close()
    assert (stats.hits, stats.misses, stats.entries) == (1, 2, 1)
    lifetime = lifetime_stats(tmp_path)
    assert (lifetime["hits"], lifetime["misses"], lifetime["entries"]) == (1, 2, 1)


def test_entries_expire_after_the_ttl_and_count_as_evictions(tmp_path: Path) -> None:
    cache = JudgeCache(tmp_path, ttl=0.2, size_limit_bytes=10**8)
    cache.put("anthropic", "m", "d", REPLY, 0.0)
    time.sleep(0.3)
    assert cache.get("anthropic", "m", "d") is None
    stats = cache.close()
    assert stats.evictions == 1 and stats.entries == 0


def test_size_limit_evicts_the_oldest(tmp_path: Path) -> None:
    cache = JudgeCache(tmp_path, ttl=600, size_limit_bytes=1)
    for i in range(30):
        cache.put("anthropic", "m", str(i), REPLY, 0.0)
    stats = cache.close()
    assert stats.evictions > 0 and stats.entries < 30
    assert lifetime_stats(tmp_path)["evictions"] == stats.evictions


def test_clear_removes_every_answer(tmp_path: Path) -> None:
    cache = JudgeCache(tmp_path, ttl=600, size_limit_bytes=10**8)
    for i in range(3):
        cache.put("anthropic", "m", str(i), REPLY, 0.0)
    cache.close()
    assert clear_cache(tmp_path) == 3
    assert lifetime_stats(tmp_path)["entries"] == 0

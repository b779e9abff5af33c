"""``sentinel cache stats|clear`` after real judged scans against the fake API."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_scan_llm import PROMPTS, env_for
from tests.fake_llm_api import FakeLlmApi
from tests.helpers import run_cli


def stats(env: dict[str, str]) -> dict[str, object]:
    done = run_cli("cache", "stats", "--json", env=env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def test_stats_count_hits_and_misses_and_clear_empties_the_cache(
    fake_llm: FakeLlmApi, tmp_path: Path
) -> None:
    env = env_for(fake_llm, tmp_path)
    empty = stats(env)
    assert (empty["entries"], empty["hits"], empty["misses"], empty["hit_rate"]) == (0, 0, 0, None)
    run_cli("scan", "-", "--llm", "always", input=PROMPTS, env=env)
    run_cli("scan", "-", "--llm", "always", input=PROMPTS, env=env)
    after = stats(env)
    assert (after["entries"], after["hits"], after["misses"], after["hit_rate"]) == (2, 2, 2, 0.5)
    assert after["ttl_seconds"] == 7 * 24 * 3600 and after["directory"] == str(tmp_path / "cache" / "llm")
    text = run_cli("cache", "stats", env=env).stdout.decode()
    assert "entries" in text and "hit_rate" in text

    cleared = run_cli("cache", "clear", env=env)
    assert cleared.returncode == 0 and "removed 2 cached answer(s)" in cleared.stderr.decode()
    assert stats(env)["entries"] == 0
    run_cli("scan", "-", "--llm", "always", input=PROMPTS, env=env)
    assert len(fake_llm.calls()) == 4  # asked again after the clear


def test_expired_entries_show_as_evictions(fake_llm: FakeLlmApi, tmp_path: Path) -> None:
    env = env_for(fake_llm, tmp_path, SENTINEL_LLM_CACHE_TTL="1")
    run_cli("scan", "-", "--llm", "always", input=PROMPTS, env=env)
    import time

    time.sleep(1.2)
    values = stats(env)
    assert values["entries"] == 0 and values["evictions"] == 2


def test_cache_help() -> None:
    for command in (["cache"], ["cache", "stats"], ["cache", "clear"], ["costs"]):
        done = run_cli(*command, "--help")
        assert done.returncode == 0 and "Usage: sentinel" in done.stdout.decode()

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import settings

from tests.fake_llm_api import FakeLlmApi, running

# Real servers (Pushgateway...) any test can use as fixtures.
pytest_plugins = ["tests.fixtures.servers", "tests.fixtures.otlp", "tests.fixtures.readonly"]

# Property tests draw the same examples on every run, so a gate (CI) passes or fails on the
# code alone; HYPOTHESIS_PROFILE=explore draws new ones each run, to hunt for new failures.
settings.register_profile("repeatable", derandomize=True, print_blob=True)
settings.register_profile("explore", derandomize=False, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))


@pytest.fixture(autouse=True)
def _isolated_settings(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    """No test reads the developer's SENTINEL_* variables or writes to their home."""
    for name in list(os.environ):
        if name.startswith("SENTINEL_"):
            monkeypatch.delenv(name)
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    yield


@pytest.fixture
def fake_llm() -> Iterator[FakeLlmApi]:
    """The fake Anthropic + OpenAI API on 127.0.0.1 (see tests/fake_llm_api.py)."""
    with running() as fake:
        yield fake

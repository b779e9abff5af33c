from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fake_llm_api import FakeLlmApi, running

# Real servers (Pushgateway...) any test can use as fixtures.
pytest_plugins = ["tests.fixtures.servers", "tests.fixtures.otlp", "tests.fixtures.readonly"]


@pytest.fixture(autouse=True)
def _isolated_settings(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    """No test reads the developer's SENTINEL_* variables or writes to their home."""
    import os

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

"""LLM provider checks through the real SDK clients against the local fake API: 200, 401, slow, down."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from sentinel_cli.health.model import Status
from sentinel_cli.health.providers import ProviderCheck, public_url
from sentinel_cli.health.runner import GRACE_S
from tests.fake_llm_api import Behaviour, FakeLlmApi
from tests.fixtures.servers import closed_port
from tests.health.helpers import check, context

KEY = "sk-health-check-secret-0123456789"
PROVIDERS = ["anthropic", "openai"]


@pytest.fixture(autouse=True)
def _no_sdk_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("ANTHROPIC_API_KEY", "OPENAI_API_KEY", "ANTHROPIC_BASE_URL", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)


def settings_for(fake: FakeLlmApi, name: str, **extra: Any) -> dict[str, Any]:
    url = fake.anthropic_url if name == "anthropic" else fake.openai_url
    return {f"{name}_api_key": KEY, f"{name}_base_url": url, "llm": "uncertain", **extra}


def assert_no_key(result: object) -> None:
    assert KEY not in json.dumps(result.to_dict())  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", PROVIDERS)
def test_key_accepted_and_model_listed(fake_llm: FakeLlmApi, tmp_path: Path, name: str) -> None:
    fake_llm.accepted_keys[name] = KEY  # type: ignore[index]
    result = check(ProviderCheck(name), context(tmp_path, **settings_for(fake_llm, name)))
    assert result.status is Status.HEALTHY, result.outcome.message
    details = result.outcome.details
    assert details["http_status"] == 200 and details["model_listed"] is True
    assert details["models_listed"] == len(fake_llm.models[name])  # type: ignore[index]
    assert "key accepted" in result.outcome.message and "among them" in result.outcome.message
    (request,) = fake_llm.calls()
    assert request.api == name and request.path.split("?")[0].endswith("/v1/models")
    assert_no_key(result)


@pytest.mark.parametrize("name", PROVIDERS)
def test_refused_key_is_unhealthy_without_showing_it(fake_llm: FakeLlmApi, tmp_path: Path, name: str) -> None:
    fake_llm.accepted_keys[name] = "the-right-key"  # type: ignore[index]
    result = check(ProviderCheck(name), context(tmp_path, **settings_for(fake_llm, name)))
    assert result.status is Status.UNHEALTHY
    assert result.outcome.message.endswith("refused the key (HTTP 401)")
    assert f"{name.upper()}_API_KEY" in (result.outcome.remedy or "")
    assert result.outcome.details["error"] == "auth"
    assert_no_key(result)


@pytest.mark.parametrize("name", PROVIDERS)
def test_slow_api_finishes_within_the_timeout(fake_llm: FakeLlmApi, tmp_path: Path, name: str) -> None:
    fake_llm.queue(name, Behaviour(delay=5.0))  # type: ignore[arg-type]
    ctx = context(tmp_path, timeout=0.5, **settings_for(fake_llm, name))
    start = time.monotonic()
    result = check(ProviderCheck(name), ctx)
    elapsed = time.monotonic() - start
    assert result.status is Status.UNHEALTHY
    assert result.duration_s < 0.5 + GRACE_S, result.duration_s
    assert elapsed < 4.0  # the SDK import happens before the timer, and nothing waits for the fake
    assert "within 0.5s" in result.outcome.message or "timed out after 0.5s" in result.outcome.message


@pytest.mark.parametrize("name", PROVIDERS)
def test_model_missing_from_a_complete_list_is_degraded(
    fake_llm: FakeLlmApi, tmp_path: Path, name: str
) -> None:
    ctx = context(tmp_path, **settings_for(fake_llm, name, **{f"{name}_model": "no-such-model"}))
    result = check(ProviderCheck(name), ctx)
    assert result.status is Status.DEGRADED
    assert "no-such-model not among them" in result.outcome.message
    assert f"SENTINEL_{name.upper()}_MODEL" in (result.outcome.remedy or "")


def test_rate_limited_is_degraded_and_server_errors_unhealthy(fake_llm: FakeLlmApi, tmp_path: Path) -> None:
    fake_llm.queue("openai", Behaviour(status=429), Behaviour(status=503))
    ctx = context(tmp_path, **settings_for(fake_llm, "openai"))
    busy = check(ProviderCheck("openai"), ctx)
    assert busy.status is Status.DEGRADED and "busy (HTTP 429)" in busy.outcome.message
    down = check(ProviderCheck("openai"), ctx)
    assert down.status is Status.UNHEALTHY and down.outcome.message.endswith("answered HTTP 503")


def test_connection_refused(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    ctx = context(tmp_path, llm="always", anthropic_api_key=KEY, anthropic_base_url=url)
    result = check(ProviderCheck("anthropic"), ctx)
    assert result.status is Status.UNHEALTHY and result.outcome.message == f"cannot connect to {url}"
    assert "anthropic_base_url" in (result.outcome.remedy or "")


def test_no_key_is_skipped_with_the_variables_to_set(tmp_path: Path) -> None:
    result = check(ProviderCheck("openai"), context(tmp_path))
    assert result.outcome.skipped and result.status is Status.HEALTHY
    assert result.outcome.message == "no API key (SENTINEL_OPENAI_API_KEY or OPENAI_API_KEY not set)"


def test_judge_on_with_no_key_at_all_is_unhealthy(tmp_path: Path) -> None:
    result = check(ProviderCheck("anthropic"), context(tmp_path, llm="always"))
    assert result.status is Status.UNHEALTHY and "--llm always needs one" in result.outcome.message
    # With another provider's key the judge still runs: this one is just skipped.
    other = check(ProviderCheck("anthropic"), context(tmp_path, llm="always", openai_api_key="k"))
    assert other.outcome.skipped


def test_provider_not_configured_is_skipped(fake_llm: FakeLlmApi, tmp_path: Path) -> None:
    ctx = context(tmp_path, llm_providers=["openai"], **settings_for(fake_llm, "anthropic"))
    result = check(ProviderCheck("anthropic"), ctx)
    assert result.outcome.skipped and result.outcome.message == "not in llm_providers (openai)"
    assert fake_llm.calls() == []


def test_with_the_judge_off_a_bad_key_is_only_degraded(fake_llm: FakeLlmApi, tmp_path: Path) -> None:
    fake_llm.accepted_keys["openai"] = "the-right-key"
    ctx = context(tmp_path, **settings_for(fake_llm, "openai", llm="off"))
    result = check(ProviderCheck("openai"), ctx)
    assert result.status is Status.DEGRADED and result.outcome.message.endswith("(the LLM judge is off)")


def test_sdk_variables_are_used_as_the_judge_uses_them(
    fake_llm: FakeLlmApi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", fake_llm.openai_url)
    fake_llm.accepted_keys["openai"] = KEY
    result = check(ProviderCheck("openai"), context(tmp_path, llm="always"))
    assert result.status is Status.HEALTHY and result.outcome.details["base_url"] == fake_llm.openai_url


def test_public_url_hides_credentials() -> None:
    assert public_url("https://user:pw@gateway.example:8443/v1") == "https://gateway.example:8443/v1"
    assert public_url("https://api.openai.com/v1") == "https://api.openai.com/v1"

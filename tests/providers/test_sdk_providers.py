"""Both providers through the real SDK clients against the local fake API."""

from __future__ import annotations

import asyncio

import pytest

from sentinel_cli.providers.factory import build
from sentinel_cli.providers.interface import Provider, ProviderConfig, ProviderError
from tests.fake_llm_api import INPUT_TOKENS, OUTPUT_TOKENS, Behaviour, FakeLlmApi

KEY = "sk-test-provider-0123456789"


def provider(fake: FakeLlmApi, name: str, timeout: float = 5.0) -> Provider:
    url = fake.anthropic_url if name == "anthropic" else fake.openai_url
    return build(ProviderConfig(name=name, model=f"{name}-model", api_key=KEY, base_url=url, timeout=timeout))


def complete(p: Provider, user: str = "hello") -> object:
    async def go() -> object:
        try:
            return await p.complete("system text", user)
        finally:
            await p.aclose()

    return asyncio.run(go())


@pytest.mark.parametrize("name", ["anthropic", "openai"])
def test_success_returns_text_and_usage(fake_llm: FakeLlmApi, name: str) -> None:
    fake_llm.queue(name, Behaviour(text="answer"))  # type: ignore[arg-type]
    result = complete(provider(fake_llm, name))
    assert (result.text, result.input_tokens, result.output_tokens) == (  # type: ignore[attr-defined]
        "answer",
        INPUT_TOKENS,
        OUTPUT_TOKENS,
    )
    (received,) = fake_llm.calls()
    assert received.api == name and received.system == "system text" and received.user == "hello"
    assert received.body["model"] == f"{name}-model"
    # The SDK's own retries are off: this is attempt 0 and there is no other.
    assert received.headers.get("x-stainless-retry-count", "0") == "0"


@pytest.mark.parametrize("name", ["anthropic", "openai"])
@pytest.mark.parametrize(
    ("status", "kind", "retryable"),
    [(429, "rate_limit", True), (529, "overloaded", True), (500, "server", True), (401, "auth", False)],
)
def test_http_errors_become_provider_errors_without_sdk_retries(
    fake_llm: FakeLlmApi, name: str, status: int, kind: str, retryable: bool
) -> None:
    fake_llm.queue(name, Behaviour(status=status, headers={"retry-after": "7"}))  # type: ignore[arg-type]
    with pytest.raises(ProviderError) as info:
        complete(provider(fake_llm, name))
    error = info.value
    assert (error.kind, error.status, error.retryable, error.retry_after) == (kind, status, retryable, 7.0)
    assert KEY not in str(error)
    assert len(fake_llm.calls()) == 1


@pytest.mark.parametrize("name", ["anthropic", "openai"])
def test_timeout_is_a_retryable_timeout_error(fake_llm: FakeLlmApi, name: str) -> None:
    fake_llm.queue(name, Behaviour(delay=1.5))  # type: ignore[arg-type]
    with pytest.raises(ProviderError) as info:
        complete(provider(fake_llm, name, timeout=0.2))
    assert info.value.kind == "timeout" and info.value.retryable


def test_connection_refused_is_a_connection_error(fake_llm: FakeLlmApi) -> None:
    url = fake_llm.anthropic_url
    fake_llm.stop()
    p = build(ProviderConfig(name="anthropic", model="m", api_key=KEY, base_url=url, timeout=2))
    with pytest.raises(ProviderError) as info:
        complete(p)
    assert info.value.kind == "connection"


def list_models(p: Provider) -> object:
    async def go() -> object:
        try:
            return await p.list_models()
        finally:
            await p.aclose()

    return asyncio.run(go())


@pytest.mark.parametrize("name", ["anthropic", "openai"])
def test_list_models_is_one_authenticated_get(fake_llm: FakeLlmApi, name: str) -> None:
    fake_llm.accepted_keys[name] = KEY  # type: ignore[index]
    models = list_models(provider(fake_llm, name))
    assert models.ids == fake_llm.models[name] and models.complete  # type: ignore[attr-defined,index]
    (received,) = fake_llm.calls()
    assert received.api == name and received.path.split("?")[0].endswith("/v1/models")


@pytest.mark.parametrize("name", ["anthropic", "openai"])
def test_list_models_with_a_refused_key_is_an_auth_error(fake_llm: FakeLlmApi, name: str) -> None:
    fake_llm.accepted_keys[name] = "another-key"  # type: ignore[index]
    with pytest.raises(ProviderError) as info:
        list_models(provider(fake_llm, name))
    assert (info.value.kind, info.value.status) == ("auth", 401)
    assert KEY not in str(info.value)

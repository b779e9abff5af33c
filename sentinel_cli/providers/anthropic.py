"""Anthropic Messages API through the official ``anthropic`` SDK (imported only here)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import anthropic

from sentinel_cli.providers.interface import (
    UNREADABLE_ANSWER,
    Completion,
    ModelList,
    Provider,
    ProviderConfig,
    ProviderError,
    status_error,
    unreadable,
)

MODELS_PAGE = 1000
"""The API's largest page: one request usually lists every model."""


class AnthropicProvider(Provider):
    def __init__(self, config: ProviderConfig) -> None:
        super().__init__(config)
        # max_retries=0: retries and backoff are ours (sentinel_cli.providers.resilience).
        self._client = anthropic.AsyncAnthropic(
            api_key=config.api_key,
            base_url=config.base_url,
            timeout=config.timeout,
            max_retries=0,
        )

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """SDK exceptions as ``ProviderError``; their text is dropped (it can quote the request)."""
        try:
            yield
        except anthropic.APIStatusError as exc:
            raise status_error(self.name, exc.status_code, exc.response.headers) from None
        except anthropic.APITimeoutError:
            raise ProviderError("timeout", f"{self.name}: timed out") from None
        except anthropic.APIConnectionError:
            raise ProviderError("connection", f"{self.name}: connection failed") from None
        except anthropic.AnthropicError as exc:
            raise ProviderError("other", f"{self.name}: {type(exc).__name__}") from None
        except UNREADABLE_ANSWER as exc:  # a success status whose body is not the API's answer
            raise unreadable(self.name, exc) from None

    async def complete(self, system: str, user: str) -> Completion:
        with self._errors():
            message = await self._client.messages.create(
                model=self.model,
                max_tokens=self.config.max_output_tokens,
                system=system,
                messages=[{"role": "user", "content": user}],
            )
            text = "".join(block.text for block in message.content if block.type == "text")
            usage = message.usage
            return Completion(
                text=text, input_tokens=int(usage.input_tokens), output_tokens=int(usage.output_tokens)
            )

    async def list_models(self) -> ModelList:
        with self._errors():
            page = await self._client.models.list(limit=MODELS_PAGE)
            return ModelList(ids=tuple(model.id for model in page.data), complete=not page.has_next_page())

    async def aclose(self) -> None:
        await self._client.close()

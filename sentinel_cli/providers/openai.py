"""OpenAI Chat Completions through the official ``openai`` SDK (imported only here).

Plain chat messages, so any OpenAI-compatible gateway works through ``base_url``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import openai

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


class OpenAIProvider(Provider):
    def __init__(self, config: ProviderConfig) -> None:
        super().__init__(config)
        # max_retries=0: retries and backoff are ours (sentinel_cli.providers.resilience).
        self._client = openai.AsyncOpenAI(
            api_key=config.api_key,
            base_url=config.base_url,
            timeout=config.timeout,
            max_retries=0,
        )

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """SDK exceptions as ``ProviderError``; their text is dropped (a 401 quotes part of the key)."""
        try:
            yield
        except openai.APIStatusError as exc:
            raise status_error(self.name, exc.status_code, exc.response.headers) from None
        except openai.APITimeoutError:
            raise ProviderError("timeout", f"{self.name}: timed out") from None
        except openai.APIConnectionError:
            raise ProviderError("connection", f"{self.name}: connection failed") from None
        except openai.OpenAIError as exc:
            raise ProviderError("other", f"{self.name}: {type(exc).__name__}") from None
        except UNREADABLE_ANSWER as exc:  # a success status whose body is not the API's answer
            raise unreadable(self.name, exc) from None

    async def complete(self, system: str, user: str) -> Completion:
        with self._errors():
            response = await self._client.chat.completions.create(
                model=self.model,
                max_completion_tokens=self.config.max_output_tokens,
                messages=[{"role": "system", "content": system}, {"role": "user", "content": user}],
            )
            text = (response.choices[0].message.content or "") if response.choices else ""
            usage = response.usage
            return Completion(
                text=str(text),
                input_tokens=int(usage.prompt_tokens) if usage else 0,
                output_tokens=int(usage.completion_tokens) if usage else 0,
            )

    async def list_models(self) -> ModelList:
        with self._errors():
            page = await self._client.models.list()
            return ModelList(ids=tuple(model.id for model in page.data), complete=not page.has_next_page())

    async def aclose(self) -> None:
        await self._client.close()

"""OpenAI Chat Completions through the official ``openai`` SDK (imported only here).

Plain chat messages, so any OpenAI-compatible gateway works through ``base_url``.
"""

from __future__ import annotations

import openai

from sentinel_cli.providers.interface import (
    Completion,
    ModelList,
    Provider,
    ProviderConfig,
    SdkErrors,
    translated_errors,
)

SDK_ERRORS = SdkErrors(
    status=openai.APIStatusError,
    timeout=openai.APITimeoutError,
    connection=openai.APIConnectionError,
    base=openai.OpenAIError,
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

    async def complete(self, system: str, user: str) -> Completion:
        with translated_errors(self.name, SDK_ERRORS):
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
        with translated_errors(self.name, SDK_ERRORS):
            page = await self._client.models.list()
            return ModelList(ids=tuple(model.id for model in page.data), complete=not page.has_next_page())

    async def aclose(self) -> None:
        await self._client.close()

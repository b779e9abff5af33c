"""Anthropic Messages API through the official ``anthropic`` SDK (imported only here)."""

from __future__ import annotations

import anthropic

from sentinel_cli.providers.interface import Completion, Provider, ProviderConfig, ProviderError, status_error


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

    async def complete(self, system: str, user: str) -> Completion:
        try:
            message = await self._client.messages.create(
                model=self.model,
                max_tokens=self.config.max_output_tokens,
                system=system,
                messages=[{"role": "user", "content": user}],
            )
        except anthropic.APIStatusError as exc:
            raise status_error(self.name, exc.status_code, exc.response.headers) from None
        except anthropic.APITimeoutError:
            raise ProviderError("timeout", f"{self.name}: timed out") from None
        except anthropic.APIConnectionError:
            raise ProviderError("connection", f"{self.name}: connection failed") from None
        except anthropic.AnthropicError as exc:
            raise ProviderError("other", f"{self.name}: {type(exc).__name__}") from None
        text = "".join(block.text for block in message.content if block.type == "text")
        usage = message.usage
        return Completion(text=text, input_tokens=usage.input_tokens, output_tokens=usage.output_tokens)

    async def aclose(self) -> None:
        await self._client.close()

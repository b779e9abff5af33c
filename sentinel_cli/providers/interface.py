"""The provider interface: send one chat exchange, get text and token usage back.

Implementations wrap an official SDK client (imported only when the provider is
built) with the SDK's own retries turned off: retries, backoff and failover are
decided in one place (``resilience`` and ``sentinel_cli.llm.judge``) so they are
the same for every provider and deterministic in tests.
"""

from __future__ import annotations

import email.utils
import time
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import field
from typing import Any, Literal

from sentinel_cli.frozen import frozen

ErrorKind = Literal[
    "rate_limit", "overloaded", "server", "timeout", "connection", "auth", "bad_request", "other"
]
"""Bounded error types (they become metric labels)."""

RETRYABLE: frozenset[ErrorKind] = frozenset({"rate_limit", "overloaded", "server", "timeout", "connection"})


@frozen
class ProviderConfig:
    """What a provider needs; ``api_key`` never appears in reprs, logs or output."""

    name: str
    model: str
    api_key: str = field(repr=False)
    base_url: str | None = None
    timeout: float = 30.0
    max_output_tokens: int = 400


@frozen
class Completion:
    """The reply text and the usage the API reported for it."""

    text: str
    input_tokens: int
    output_tokens: int


@frozen
class ModelList:
    """The first page of the models a key may use (``sentinel health`` checks a key with it)."""

    ids: tuple[str, ...]
    complete: bool
    """False when the API has more pages: a model missing from ``ids`` may still exist."""


class ProviderError(Exception):
    """A failed call, reduced to what retries and failover need. The message is safe to show."""

    def __init__(
        self, kind: ErrorKind, message: str, *, status: int | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.status = status
        self.retry_after = retry_after

    @property
    def retryable(self) -> bool:
        return self.kind in RETRYABLE


UNREADABLE_ANSWER = (ValueError, TypeError, AttributeError, KeyError, IndexError)
"""What an SDK (or our reading of its result) raises for a success status whose body is not
the API's answer (an HTML error page from a proxy, bytes that are not UTF-8, JSON of another
shape). The providers report it as a server error: retried, then failed over."""


def unreadable(provider: str, exc: BaseException) -> ProviderError:
    return ProviderError("server", f"{provider}: the answer could not be read ({type(exc).__name__})")


def kind_for_status(status: int) -> ErrorKind:
    if status == 429:
        return "rate_limit"
    if status == 529:
        return "overloaded"
    if status in (401, 403):
        return "auth"
    if status == 408:
        return "timeout"
    if status >= 500:
        return "server"
    if 400 <= status < 500:
        return "bad_request"
    return "other"


def retry_after_seconds(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """``retry-after-ms``, else ``Retry-After`` as seconds or an HTTP date; ``None`` when absent."""
    lowered = {key.lower(): value for key, value in headers.items()}
    millis = lowered.get("retry-after-ms")
    if millis is not None:
        try:
            return max(float(millis) / 1000.0, 0.0)
        except ValueError:
            pass
    value = lowered.get("retry-after")
    if value is None:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(when.timestamp() - (time.time() if now is None else now), 0.0)


def status_error(provider: str, status: int, headers: Mapping[str, str]) -> ProviderError:
    kind = kind_for_status(status)
    return ProviderError(
        kind, f"{provider}: HTTP {status} ({kind})", status=status, retry_after=retry_after_seconds(headers)
    )


@frozen
class SdkErrors:
    """An official SDK's exception classes (both SDKs share this shape): an HTTP status
    error with ``status_code`` and ``response.headers``, a timeout (a kind of connection
    error, so it is tested first), a connection failure, and the SDK's base class."""

    status: type[Any]
    timeout: type[Exception]
    connection: type[Exception]
    base: type[Exception]


@contextmanager
def translated_errors(provider: str, sdk: SdkErrors) -> Iterator[None]:
    """SDK exceptions as ``ProviderError``; their text is dropped (it can quote the request,
    and a 401 quotes part of the key)."""
    try:
        yield
    except sdk.status as exc:
        raise status_error(provider, exc.status_code, exc.response.headers) from None
    except sdk.timeout:
        raise ProviderError("timeout", f"{provider}: timed out") from None
    except sdk.connection:
        raise ProviderError("connection", f"{provider}: connection failed") from None
    except sdk.base as exc:
        raise ProviderError("other", f"{provider}: {type(exc).__name__}") from None
    except UNREADABLE_ANSWER as exc:  # a success status whose body is not the API's answer
        raise unreadable(provider, exc) from None


class Provider(ABC):
    """One configured model behind one API."""

    def __init__(self, config: ProviderConfig) -> None:
        self.config = config

    @property
    def name(self) -> str:
        return self.config.name

    @property
    def model(self) -> str:
        return self.config.model

    def prepare(self) -> None:
        """One-time slow setup (importing an SDK), kept out of the first call's timeout and latency."""

    @abstractmethod
    async def complete(self, system: str, user: str) -> Completion:
        """One request: a system instruction and one user message. Raises ``ProviderError``."""

    async def list_models(self) -> ModelList:
        """A cheap authenticated call (no tokens spent): the models the key may use."""
        raise ProviderError("other", f"{self.name}: listing models is not supported")

    async def aclose(self) -> None:
        """Release connections (the SDK client)."""

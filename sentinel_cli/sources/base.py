"""The reader interface and the items readers yield."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from types import TracebackType
from typing import Self

from sentinel_cli.errors import InputError
from sentinel_cli.frozen import frozen
from sentinel_cli.model import Prompt


@frozen
class BadRecord:
    """A record that could not be read; the run decides to stop or skip (``--on-error``)."""

    error: InputError


Item = Prompt | BadRecord


class Source(ABC):
    """A stream of prompts from one input. Errors that spoil the whole input raise
    ``InputError``; errors confined to one record are yielded as ``BadRecord``."""

    name: str
    """The input as the user named it (``<stdin>`` for standard input)."""

    @abstractmethod
    def __iter__(self) -> Iterator[Item]: ...

    def would_block(self) -> bool:
        """True when the next item is not available yet (a live pipe); the runner
        then finishes the batch it holds instead of waiting."""
        return False

    def progress(self) -> tuple[int, int | None]:
        """``(done, total)`` in the reader's own unit (bytes or rows); total may be unknown."""
        return 0, None

    def close(self) -> None:
        """Release the input."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

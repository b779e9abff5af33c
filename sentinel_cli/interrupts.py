"""SIGINT and SIGTERM stop a run cleanly: never in the middle of writing results.

While a run is ``handling_signals``, both signals raise ``KeyboardInterrupt``
(SIGTERM as its subclass ``Terminated``), which the runner turns into "stop
here and keep what is finished". Inside ``shielded()`` (writing a batch of
results, closing and committing the output) the signal is held until the
block ends, so an interrupt never leaves half a record, an unclosed JSON array
or a Parquet file without its footer, and the count of results written is exact.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class Terminated(KeyboardInterrupt):
    """SIGTERM, handled like Ctrl-C: stop, keep what is finished, exit 130."""


class _State:
    depth = 0
    """How many ``shielded`` blocks are open."""
    pending: KeyboardInterrupt | None = None
    """A signal that arrived inside one, raised when the outermost block ends."""


_state = _State()


def _on_signal(signum: int, frame: FrameType | None) -> None:
    exc = Terminated() if signum == signal.SIGTERM else KeyboardInterrupt()
    if _state.depth:
        _state.pending = _state.pending or exc
        return
    raise exc


@contextmanager
def shielded() -> Iterator[None]:
    """Hold SIGINT/SIGTERM until the block ends, then stop as if it had just arrived."""
    _state.depth += 1
    try:
        yield
    finally:
        _state.depth -= 1
    if _state.depth == 0 and _state.pending is not None:
        exc, _state.pending = _state.pending, None
        raise exc


@contextmanager
def handling_signals() -> Iterator[None]:
    """Install the handlers for the duration of a run (main thread only; elsewhere a no-op)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.signal(sig, _on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        _state.pending = None

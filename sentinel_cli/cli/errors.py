"""The one place exceptions become exit codes and one-line messages on stderr."""

from __future__ import annotations

import contextlib
import errno
import functools
import os
import sys
import traceback
from collections.abc import Callable
from typing import ParamSpec

import typer

from sentinel_cli.errors import SentinelError
from sentinel_cli.exit_codes import ExitCode
from sentinel_cli.scrub import scrub

P = ParamSpec("P")

DEBUG_ENV = "SENTINEL_DEBUG"


def report(message: str, *, kind: str = "error") -> None:
    """One line on stderr, prefixed so it stands out in CI logs."""
    message = scrub(message)
    text = " ".join(str(message).split()) if "\n" not in message else message.strip()
    try:
        sys.stderr.write(f"sentinel: {kind}: {text}\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


def _silence_stdout() -> None:
    """After a broken pipe, point stdout at /dev/null so the interpreter's final flush is quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


def exit_code_for(exc: BaseException) -> ExitCode:
    """Map an exception to the exit code (and report it). Unknown errors are internal (3)."""
    if isinstance(exc, SentinelError):
        report(str(exc))
        return exc.exit_code
    if isinstance(exc, KeyboardInterrupt):
        report("interrupted", kind="warning")
        return ExitCode.INTERRUPTED
    if isinstance(exc, BrokenPipeError):
        _silence_stdout()
        report("output closed by its reader (broken pipe); stopped, nothing more was written", kind="note")
        return ExitCode.BROKEN_PIPE
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        _silence_stdout()  # the interpreter's last flush of stdout would fail the same way
        report(f"{exc.strerror or 'no space left on device'}{f' ({exc.filename})' if exc.filename else ''}")
        return ExitCode.INTERNAL
    if isinstance(exc, MemoryError):
        report("out of memory; scan smaller batches (--batch-size) or smaller inputs")
        return ExitCode.INTERNAL
    if os.environ.get(DEBUG_ENV):
        # A crash report goes into bug trackers: no key, password or URL credential in it.
        with contextlib.suppress(OSError, ValueError):
            sys.stderr.write(scrub("".join(traceback.format_exception(exc))))
    report(
        f"internal error: {type(exc).__name__}: {exc} "
        f"(this is a bug; set {DEBUG_ENV}=1 to see the traceback and report it)"
    )
    return ExitCode.INTERNAL


def guarded(command: Callable[P, int]) -> Callable[P, None]:
    """Wrap a command that returns an exit code: errors become codes, never tracebacks."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> None:
        try:
            code = int(command(*args, **kwargs))
        except typer.Exit:
            raise
        except (Exception, KeyboardInterrupt) as exc:  # noqa: BLE001 - this is the error boundary
            code = exit_code_for(exc)
        if code:
            raise typer.Exit(code)

    return wrapper

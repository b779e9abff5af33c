"""Rich consoles that leave a closed stdout to the error boundary.

Rich's own reaction to a broken pipe is ``SystemExit(1)``, which would read as
"findings at the gate". Here it raises ``BrokenPipeError`` instead, so every
command ends the same way when its reader goes away (``cli.errors``: exit 141).
Only imported by code that already uses Rich.
"""

from __future__ import annotations

import errno
from typing import Any

from rich.console import Console


class PipeSafeConsole(Console):
    def on_broken_pipe(self) -> None:
        self.quiet = True
        raise BrokenPipeError(errno.EPIPE, "broken pipe")


def console(**kwargs: Any) -> Console:
    """A Rich console (same arguments as ``rich.console.Console``)."""
    return PipeSafeConsole(**kwargs)

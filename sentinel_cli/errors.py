"""Exception types that carry their exit code; ``cli.errors`` maps them to the process exit."""

from __future__ import annotations

from sentinel_cli.exit_codes import ExitCode


class SentinelError(Exception):
    """Base class of expected failures; the message is shown as one line, no traceback."""

    exit_code: ExitCode = ExitCode.INTERNAL


class UsageError(SentinelError):
    """The user asked for something invalid (flag values, combinations)."""

    exit_code = ExitCode.USAGE


class ConfigError(UsageError):
    """A configuration file or environment variable is invalid."""


class InputError(UsageError):
    """An input file cannot be read or parsed; names the file and the position."""

    def __init__(
        self,
        path: str,
        message: str,
        *,
        line: int | None = None,
        column: int | None = None,
        row: int | None = None,
    ) -> None:
        self.path = path
        self.line = line
        self.column = column
        self.row = row
        self.detail = message
        super().__init__(f"{self.position}: {message}")

    @property
    def position(self) -> str:
        """``file:line:column`` (or ``file: row N``) as far as it is known."""
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        elif self.row is not None:
            where += f": row {self.row}"
        return where


class RuntimeFailure(SentinelError):
    """Something outside the user's input failed at run time (disk, network, budget)."""

    exit_code = ExitCode.INTERNAL


class BudgetExceededError(RuntimeFailure):
    """An LLM judge budget ran out under ``--budget-exceeded fail``."""

    def __init__(self, period: str, spent_usd: float, limit_usd: float) -> None:
        super().__init__(
            f"LLM {period} budget exceeded: ${spent_usd:.4f} of ${limit_usd:.4f} "
            "(--budget-exceeded fail); results up to this point were written"
        )
        self.period = period

"""Process exit codes: the one place they are defined (documented in the README)."""

from enum import IntEnum


class ExitCode(IntEnum):
    """Stable exit codes for scripts and CI gates.

    "Found something" and "the tool failed" never share a code.
    """

    OK = 0
    """No verdict at or above the gate (``--fail-on``)."""
    FINDINGS = 1
    """At least one verdict at or above the gate."""
    USAGE = 2
    """Usage or input error: bad flag, unreadable or malformed input, invalid config."""
    INTERNAL = 3
    """Internal or runtime failure (a bug, a full disk, a required push that failed, a spent
    LLM budget under ``--budget-exceeded fail``)."""
    INTERRUPTED = 130
    """Interrupted by SIGINT or SIGTERM; finished results were kept."""
    BROKEN_PIPE = 141
    """Standard output was closed by its reader (``| head``) before everything was written:
    128 + SIGPIPE, what a shell reports for any tool stopped that way, so ``set -o pipefail``
    scripts can treat it as they treat the others. Nothing failed in sentinel (not 3), and
    not everything was scanned (not 0 or 1)."""

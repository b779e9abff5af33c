"""Where the data goes: stdout, or a file replaced atomically when the run ends."""

from __future__ import annotations

import contextlib
import io
import os
import sys
import tempfile
from pathlib import Path
from typing import BinaryIO, TextIO, cast

from sentinel_cli.errors import UsageError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


PIECE = 8192
"""Largest single write to stdout (``io.DEFAULT_BUFFER_SIZE``)."""


class _StdoutBytes(io.BufferedIOBase):
    """``sys.stdout.buffer`` fed in pieces no larger than its buffer.

    CPython's buffered writer can report one large write as complete when the pipe's
    reader went away in the middle of it (``| head``): the partial write succeeds, the
    EPIPE that follows is lost, and a closed stdout would look like success. Small pieces
    go through the buffer's flush, which raises ``BrokenPipeError`` as it should.
    """

    def __init__(self, target: BinaryIO) -> None:
        super().__init__()
        self._target = target

    def writable(self) -> bool:
        return True

    def write(self, data: bytes | bytearray | memoryview) -> int:  # type: ignore[override]
        view = memoryview(data).cast("B")
        for start in range(0, len(view), PIECE):
            self._target.write(view[start : start + PIECE])
        return len(view)

    def flush(self) -> None:
        if not self.closed:
            self._target.flush()

    def fileno(self) -> int:
        return self._target.fileno()

    def isatty(self) -> bool:
        return self._target.isatty()


class Output:
    """A destination for one output document.

    With a path, bytes go to a temporary file beside it that replaces the target
    only in ``commit``: readers never see a half-written file, and an earlier
    complete file survives a run that fails before committing.
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._temp: Path | None = None
        self._binary: BinaryIO | None = None
        self._text: TextIO | None = None
        if path is not None:
            if path.is_dir():
                raise UsageError(f"--output {path}: is a directory")
            parent = path.parent if str(path.parent) else Path()
            if not parent.is_dir():
                raise UsageError(f"--output {path}: directory {parent} does not exist")
            try:
                fd, temp = tempfile.mkstemp(dir=parent, prefix=f".{path.name}.", suffix=".tmp")
            except OSError as exc:
                raise UsageError(f"--output {path}: cannot write there ({exc.strerror})") from None
            self._temp = Path(temp)
            self._binary = os.fdopen(fd, "wb")

    @property
    def is_terminal(self) -> bool:
        return self.path is None and sys.stdout.isatty()

    def binary(self) -> BinaryIO:
        if self._binary is None:
            self._binary = cast(BinaryIO, _StdoutBytes(sys.stdout.buffer))
        return self._binary

    def text(self) -> TextIO:
        """UTF-8 text with ``\\n`` line ends, whatever the locale: results are data."""
        if self._text is None:
            self._text = io.TextIOWrapper(self.binary(), encoding="utf-8", newline="\n", write_through=False)
        return self._text

    def flush(self) -> None:
        if self._text is not None:
            self._text.flush()
        if self._binary is not None:
            self._binary.flush()

    def commit(self) -> None:
        """Flush, and move a file output into place."""
        self.flush()
        if self._temp is None or self.path is None:
            return
        assert self._binary is not None
        os.fsync(self._binary.fileno())
        if isinstance(self._text, io.TextIOWrapper):
            self._text.detach()
        self._binary.close()
        self._temp.chmod(0o666 & ~_umask())
        self._temp.replace(self.path)
        self._temp = None

    def discard(self) -> None:
        """Drop a file output that was never committed."""
        if self._temp is None:
            return
        try:
            # Closing flushes what is buffered; on a full disk that fails again, and the
            # first error (already on its way to the user) is the one that matters.
            for stream in (self._text, self._binary):
                if stream is not None:
                    with contextlib.suppress(OSError, ValueError):
                        stream.close()
        finally:
            self._temp.unlink(missing_ok=True)
            self._temp = None

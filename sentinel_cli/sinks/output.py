"""Where the data goes: stdout, or a file replaced atomically when the run ends."""

from __future__ import annotations

import io
import os
import sys
import tempfile
from pathlib import Path
from typing import BinaryIO, TextIO

from sentinel_cli.errors import UsageError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


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
            self._binary = sys.stdout.buffer
        return self._binary

    def text(self) -> TextIO:
        if self._text is None:
            if self.path is None:
                self._text = sys.stdout
            else:
                self._text = io.TextIOWrapper(
                    self.binary(), encoding="utf-8", newline="\n", write_through=False
                )
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
            if self._binary is not None:
                self._binary.close()
        finally:
            self._temp.unlink(missing_ok=True)
            self._temp = None

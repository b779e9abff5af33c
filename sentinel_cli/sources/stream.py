"""Opening inputs as bytes: files, stdin, gzip, byte-order marks, and line splitting.

Every text reader (lines, JSON Lines, CSV) reads through ``open_input`` and
``iter_lines``, so position reporting, compression and encodings behave the
same for all of them.
"""

from __future__ import annotations

import codecs
import gzip
import io
import os
import select
import stat
import sys
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from sentinel_cli.errors import InputError
from sentinel_cli.frozen import frozen

STDIN_NAME = "<stdin>"
CHUNK = 1 << 16
GZIP_MAGIC = b"\x1f\x8b"

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@frozen
class BadLine:
    """A line that is not valid text in the input's encoding."""

    line: int
    column: int
    reason: str
    text: str = ""
    """The line decoded with replacement characters (readers that must keep their place in a
    multi-line record, such as CSV, read on with it and report the record as bad)."""


class ByteInput:
    """An opened input: a peekable binary stream plus what is known about it."""

    def __init__(self, name: str, raw: BinaryIO, *, is_stdin: bool, size: int | None) -> None:
        self.name = name
        self.is_stdin = is_stdin
        self.size = size
        self._raw = raw
        self._fd: int | None = None
        if is_stdin and size is None:
            try:
                self._fd = raw.fileno()
            except (OSError, ValueError):
                self._fd = None
        buffered = raw if isinstance(raw, io.BufferedReader) else io.BufferedReader(raw)  # type: ignore[type-var]
        self.compressed = buffered.peek(2)[:2] == GZIP_MAGIC
        self.stream: BinaryIO = (
            gzip.GzipFile(fileobj=buffered, mode="rb") if self.compressed else buffered  # type: ignore[assignment]
        )
        if self.compressed:
            self._fd = None

    def position(self) -> int:
        """Bytes consumed from the underlying file (compressed bytes for gzip)."""
        try:
            return self._raw.tell()
        except (OSError, ValueError):
            return 0

    def readable_now(self) -> bool:
        """False only when reading would wait for a live pipe to produce data."""
        if self._fd is None:
            return True
        try:
            ready, _, _ = select.select([self._fd], [], [], 0)
        except (OSError, ValueError):
            return True
        return bool(ready)

    def head(self, size: int = 4096) -> bytes:
        """The first bytes of the (decompressed) stream without consuming them."""
        stream = self.stream
        if isinstance(stream, io.BufferedReader | gzip.GzipFile):
            try:
                return stream.peek(size)[:size]
            except (OSError, EOFError, zlib.error) as exc:
                raise InputError(self.name, f"cannot read: {describe_read_error(exc)}") from None
        return b""

    def read_all(self) -> bytes:
        try:
            return self.stream.read()
        except (OSError, EOFError, zlib.error) as exc:
            raise InputError(self.name, f"cannot read: {describe_read_error(exc)}") from None

    def close(self) -> None:
        if not self.is_stdin:
            self.stream.close()
            self._raw.close()


def describe_read_error(exc: BaseException) -> str:
    if isinstance(exc, EOFError):
        return "compressed data is truncated"
    if isinstance(exc, gzip.BadGzipFile | zlib.error):
        return f"corrupt gzip data ({exc})"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    return str(exc) or type(exc).__name__


def open_input(name: str) -> ByteInput:
    """Open a path (or ``-`` for stdin) for reading; problems become ``InputError``."""
    if name == "-":
        stdin = sys.stdin.buffer
        size = None
        try:
            info = os.fstat(stdin.fileno())
            if stat.S_ISREG(info.st_mode):
                size = info.st_size
        except (OSError, ValueError):
            pass
        return ByteInput(STDIN_NAME, stdin, is_stdin=True, size=size)
    try:
        if Path(name).is_dir():
            raise InputError(name, "is a directory (give files, or a directory to walk where supported)")
        handle = open(name, "rb")  # noqa: SIM115 - closed by ByteInput.close
    except InputError:
        raise
    except FileNotFoundError:
        raise InputError(name, "no such file") from None
    except PermissionError:
        raise InputError(name, "permission denied") from None
    except OSError as exc:
        raise InputError(name, f"cannot open: {describe_read_error(exc)}") from None
    info = os.fstat(handle.fileno())
    size = info.st_size if stat.S_ISREG(info.st_mode) else None
    try:
        return ByteInput(name, handle, is_stdin=False, size=size)
    except (OSError, EOFError) as exc:
        handle.close()
        raise InputError(name, f"cannot read: {describe_read_error(exc)}") from None


def sniff_encoding(data: ByteInput) -> str:
    head = data.head(4)
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            if bom == codecs.BOM_UTF32_LE and not _utf32_follows(data):
                return "utf-16"  # a UTF-16 text that starts with U+0000
            return encoding
    return "utf-8"


_SNIFF = 4096


def _utf32_follows(data: ByteInput) -> bool:
    """Whether the bytes after ``FF FE 00 00`` read as UTF-32: the same four bytes open a
    UTF-16 (little-endian) text whose first character is U+0000."""
    head = data.head(_SNIFF)
    body = head[len(codecs.BOM_UTF32_LE) :]
    whole = not data.compressed and data.size == len(head)  # a small file, all of it in the head
    if whole and len(body) % 4:
        return False  # not whole UTF-32 code units
    try:
        body[: len(body) - len(body) % 4].decode("utf-32-le")
    except UnicodeDecodeError:
        return False
    return True


class LineReader:
    """Splits a binary stream into lines, knowing when the next line is not yet available."""

    def __init__(self, data: ByteInput) -> None:
        self._data = data
        self._partial = bytearray()  # amortised appends: a 50 MB line must not be quadratic
        self._block = b""
        self._pos = 0
        self._eof = False

    def would_block(self) -> bool:
        if self._eof or self._pos < len(self._block) or b"\n" in self._partial:
            return False
        return not self._data.readable_now()

    def _fill(self) -> bool:
        stream = self._data.stream
        try:
            chunk = stream.read1(CHUNK) if hasattr(stream, "read1") else stream.read(CHUNK)
        except (OSError, EOFError, zlib.error) as exc:
            raise InputError(self._data.name, f"cannot read: {describe_read_error(exc)}") from None
        if not chunk:
            self._eof = True
            return False
        self._partial += chunk
        return True

    def __iter__(self) -> Iterator[bytes]:
        """Lines with their terminator (the last one may have none)."""
        while True:
            while self._pos < len(self._block):
                stop = self._block.index(b"\n", self._pos) + 1
                line = self._block[self._pos : stop]
                self._pos = stop
                yield line
            searched = 0
            while (newline := self._partial.rfind(b"\n", searched)) < 0:
                searched = len(self._partial)
                if not self._fill():
                    if self._partial:
                        line, self._partial = bytes(self._partial), bytearray()
                        yield line
                    return
            # Move every complete line out of the partial buffer at once.
            with memoryview(self._partial) as view:  # one copy of the lines, not two
                self._block = bytes(view[: newline + 1])
            del self._partial[: newline + 1]
            self._pos = 0


def iter_text_lines(data: ByteInput, reader: LineReader | None = None) -> Iterator[tuple[int, str | BadLine]]:
    """``(line number, text with its newline)`` pairs; undecodable lines come as ``BadLine``.

    A read error (truncated or corrupt gzip, an I/O error) raises ``InputError`` naming the
    line where reading stopped: every line before it was yielded and can be scanned."""
    number = 0
    try:
        encoding = sniff_encoding(data)
        if encoding in ("utf-16", "utf-32"):
            for number, text in _wide_lines(data, encoding):
                yield number, text
            return
        lines = reader if reader is not None else LineReader(data)
        for number, raw in enumerate(lines, start=1):
            line = raw[len(codecs.BOM_UTF8) :] if number == 1 and encoding == "utf-8-sig" else raw
            try:
                yield number, line.decode("utf-8")
            except UnicodeDecodeError as exc:
                column = len(line[: exc.start].decode("utf-8", "replace")) + 1
                reason = f"invalid UTF-8 (byte 0x{line[exc.start]:02x})"
                yield number, BadLine(number, column, reason, line.decode("utf-8", "replace"))
    except InputError as exc:
        if exc.line is not None:
            raise
        raise InputError(exc.path, f"{exc.detail} (lines before it were read)", line=number + 1) from None


def _wide_lines(data: ByteInput, encoding: str) -> Iterator[tuple[int, str | BadLine]]:
    """UTF-16/32 text split at ``\\n`` like UTF-8 input, decoded incrementally: a large
    file is never held whole, and a long line is joined once, not grown chunk by chunk."""
    decoder = codecs.getincrementaldecoder(encoding)()
    number = 0
    offset = 0
    parts: list[str] = []
    while True:
        try:
            chunk = data.stream.read(CHUNK)
        except (OSError, EOFError, zlib.error) as exc:
            raise InputError(data.name, f"cannot read: {describe_read_error(exc)}") from None
        try:
            text = decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as exc:
            raise InputError(
                data.name, f"invalid {encoding.upper()} at byte {offset + exc.start}", line=number + 1
            ) from None
        offset += len(chunk)
        start = 0
        while (newline := text.find("\n", start)) >= 0:
            parts.append(text[start : newline + 1])
            number += 1
            yield number, "".join(parts)
            parts = []
            start = newline + 1
        if start < len(text):
            parts.append(text[start:])
        if not chunk:
            if parts:
                yield number + 1, "".join(parts)
            return

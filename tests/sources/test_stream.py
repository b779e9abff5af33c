from __future__ import annotations

import io
import os

from sentinel_cli.sources.stream import ByteInput, LineReader


def make(data: bytes) -> ByteInput:
    return ByteInput("mem", io.BufferedReader(io.BytesIO(data)), is_stdin=False, size=len(data))


def test_line_reader_keeps_terminators_and_last_partial_line() -> None:
    assert list(LineReader(make(b"a\nbb\n\nccc"))) == [b"a\n", b"bb\n", b"\n", b"ccc"]


def test_line_reader_handles_lines_longer_than_a_chunk() -> None:
    long = b"x" * 300_000
    assert list(LineReader(make(long + b"\nend\n"))) == [long + b"\n", b"end\n"]


def test_would_block_on_an_idle_pipe_and_not_with_pending_lines() -> None:
    read_fd, write_fd = os.pipe()
    try:
        os.write(write_fd, b"one\ntwo\n")
        data = ByteInput("<stdin>", os.fdopen(read_fd, "rb", closefd=True), is_stdin=True, size=None)
        reader = LineReader(data)
        lines = iter(reader)
        assert next(lines) == b"one\n"
        assert not reader.would_block()  # "two" is already buffered
        assert next(lines) == b"two\n"
        assert reader.would_block()  # the writer is idle
        os.write(write_fd, b"three\n")
        assert not reader.would_block()
        assert next(lines) == b"three\n"
    finally:
        os.close(write_fd)

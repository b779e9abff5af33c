"""Parquet, streamed in record batches so memory does not grow with the file."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sentinel_cli.errors import InputError
from sentinel_cli.model import Location
from sentinel_cli.sources.base import BadRecord, Item, Source
from sentinel_cli.sources.records import FieldMapper, RecordError
from sentinel_cli.sources.stream import ByteInput

READ_BUFFER = 1 << 20


class ParquetSource(Source):
    def __init__(self, data: ByteInput, mapper: FieldMapper, *, batch_size: int = 1024) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        self.name = data.name
        self._data = data
        self._mapper = mapper
        self._batch_size = batch_size
        self._done = 0
        try:
            if data.is_stdin or data.compressed:
                # Parquet needs random access: hold a pipe's bytes in memory.
                handle: Any = pa.BufferReader(data.read_all())
            else:
                handle = data.stream
            # Read column chunks page by page through a small buffer instead of whole: a file
            # written as one row group (a common default) would otherwise sit in memory at once.
            self._file = pq.ParquetFile(handle, buffer_size=READ_BUFFER, pre_buffer=False)
        except InputError:
            raise
        except (OSError, ValueError, pa.ArrowException) as exc:
            raise InputError(self.name, f"not a valid Parquet file ({_short(exc)})") from None
        self._total = self._file.metadata.num_rows

    def progress(self) -> tuple[int, int | None]:
        return self._done, self._total

    def __iter__(self) -> Iterator[Item]:
        names = self._file.schema_arrow.names
        try:
            column = self._mapper.choose_column(names)
        except RecordError as exc:
            raise InputError(self.name, str(exc)) from None
        wanted = (self._mapper.id_field, *self._mapper.keep)
        columns = [column] + [name for name in wanted if name in names]
        columns = list(dict.fromkeys(columns))
        row = 0
        metadata = self._file.metadata
        for group in range(self._file.num_row_groups):
            group_end = row + metadata.row_group(group).num_rows
            try:
                for batch in self._file.iter_batches(
                    batch_size=self._batch_size, columns=columns, row_groups=[group]
                ):
                    values = {name: batch.column(name).to_pylist() for name in columns}
                    for offset in range(batch.num_rows):
                        row += 1
                        record = {name: values[name][offset] for name in columns}
                        location = Location(self.name, row=row)
                        try:
                            yield self._mapper.from_field(record, column, location)
                        except RecordError as exc:
                            yield BadRecord(InputError(self.name, str(exc), row=row))
                    self._done = row
            except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError
                # One damaged row group is one bad record; the row groups after it are still read.
                span = f"rows {row + 1}-{group_end}" if group_end > row + 1 else f"row {row + 1}"
                message = f"corrupt Parquet data ({_short(exc)}); {span} not read"
                yield BadRecord(InputError(self.name, message, row=row + 1))
                row = self._done = group_end

    def close(self) -> None:
        self._data.close()


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__

"""JSON Lines (one record per line) and JSON (an array of records)."""

from __future__ import annotations

import json

from sentinel_cli.model import ScanResult
from sentinel_cli.sinks.base import Sink

_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
"""One encoder for every record: ``json.dumps`` with these options builds a new one per call,
which costs more than encoding a short record."""


def dumps(result: ScanResult) -> str:
    return _ENCODER.encode(result.to_dict())


class JsonLinesSink(Sink):
    def write(self, result: ScanResult) -> None:
        self.output.text().write(dumps(result) + "\n")


class JsonSink(Sink):
    """A JSON array, streamed: records are written as they come, the bracket closes last."""

    _started = False

    def write(self, result: ScanResult) -> None:
        stream = self.output.text()
        stream.write(",\n  " if self._started else "[\n  ")
        self._started = True
        stream.write(dumps(result))

    def close(self) -> None:
        self.output.text().write("\n]\n" if self._started else "[]\n")
        super().close()

"""Other ways out for the run's metrics: a textfile for node_exporter, and a live /metrics server."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.registry import CollectorRegistry

from sentinel_cli.errors import RuntimeFailure, UsageError

LAST_SUCCESS = "promptsentinel_last_success_timestamp_seconds"


def check_metrics_file(path: Path) -> None:
    """Fail before scanning (exit 2) when the file could never be written."""
    parent = path.parent if str(path.parent) else Path()
    if path.is_dir():
        raise UsageError(f"--metrics-file {path}: is a directory")
    if not parent.is_dir():
        raise UsageError(f"--metrics-file {path}: directory {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise UsageError(f"--metrics-file {path}: directory {parent} is not writable")


def previous_last_success(path: Path) -> float | None:
    """The success timestamp in an earlier file, so a failed run can carry it over
    (the file is replaced whole, unlike a Pushgateway group)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    try:
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                if sample.name == LAST_SUCCESS:
                    return float(sample.value)
    except (ValueError, TypeError):
        return None
    return None


def write_metrics_file(registry: CollectorRegistry, path: Path) -> None:
    """Write the text exposition atomically: a temporary file in the same directory
    (not ending in ``.prom``, so the textfile collector ignores it) renamed into place."""
    data = generate_latest(registry)
    parent = path.parent if str(path.parent) else Path()
    try:
        fd, temp = tempfile.mkstemp(dir=parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise RuntimeFailure(f"--metrics-file {path}: cannot write ({exc.strerror})") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        mask = os.umask(0)
        os.umask(mask)
        Path(temp).chmod(0o666 & ~mask)
        Path(temp).replace(path)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise RuntimeFailure(f"--metrics-file {path}: cannot write ({exc.strerror})") from None


class MetricsServer:
    """Serves the registry on ``/metrics`` from a daemon thread while a run lasts."""

    def __init__(self, registry: CollectorRegistry, address: str, port: int) -> None:
        from prometheus_client import start_http_server

        try:
            self._server, self._thread = start_http_server(port, addr=address, registry=registry)
        except OSError as exc:
            raise UsageError(f"--metrics-port {port}: cannot listen on {address}: {exc.strerror}") from None
        host, bound = self._server.server_address[:2]
        self.port = int(bound)
        shown = {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "[::1]"}.get(str(host), str(host))
        shown = f"[{shown}]" if ":" in shown and not shown.startswith("[") else shown
        self.url = f"http://{shown}:{self.port}/metrics"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

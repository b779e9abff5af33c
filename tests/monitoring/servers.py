"""Real Prometheus and Alertmanager processes and a webhook receiver, on 127.0.0.1 and free ports."""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures.http import QuietHandler, serving
from tests.fixtures.servers import free_port, http_get, wait_until

PROMETHEUS = "prometheus"
ALERTMANAGER = "prometheus-alertmanager"


def need(binary: str, package: str) -> str:
    path = shutil.which(binary)
    if path is None:
        pytest.skip(f"{binary} is not installed (Debian package {package})")
    return path


@dataclass
class Process:
    url: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _ready(url: str) -> bool:
    try:
        return http_get(url, timeout=2)[0] == 200
    except OSError:
        return False


def start(
    name: str, build: Callable[[int], list[str]], tmp_path: Path, ready_path: str, timeout: float = 60
) -> Process:
    """Start ``build(port)`` on a free port and wait until ``ready_path`` answers 200."""
    log = tmp_path / f"{name}.log"
    for _ in range(3):  # the port could be taken between choosing it and the bind
        port = free_port()
        with log.open("wb") as out:
            process = subprocess.Popen(build(port), stdout=out, stderr=subprocess.STDOUT)
        server = Process(f"http://127.0.0.1:{port}", port, process, log)
        try:
            wait_until(
                lambda s=server: s.process.poll() is not None or _ready(s.url + ready_path),  # type: ignore[misc]
                timeout=timeout,
                what=f"{name} ready",
            )
        except AssertionError:
            server.stop()
            raise AssertionError(f"{name} did not become ready: {log.read_text()[-2000:]}") from None
        if process.poll() is None:
            return server
    raise AssertionError(f"{name} did not start: {log.read_text()[-2000:]}")


@dataclass
class Webhook:
    url: str
    payloads: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def alerts(self) -> list[dict[str, Any]]:
        with self.lock:
            return [alert for payload in self.payloads for alert in payload.get("alerts", [])]


@contextmanager
def webhook_receiver() -> Iterator[Webhook]:
    """An Alertmanager webhook receiver: records every JSON payload POSTed to it."""
    hook = Webhook(url="")

    class Handler(QuietHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with hook.lock:
                hook.payloads.append(json.loads(body))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

    with serving(Handler) as base:
        hook.url = f"{base}/alerts"
        yield hook


def query(prometheus: Process, expr: str) -> list[dict[str, Any]]:
    """Prometheus' instant-query API: the result vector (empty on any error)."""
    status, body = http_get(f"{prometheus.url}/api/v1/query?query={urllib.parse.quote(expr)}")
    if status != 200:
        return []
    data = json.loads(body)
    result: list[dict[str, Any]] = data["data"]["result"]
    return result

"""Telemetry checks: the Pushgateway answers ``/-/ready`` (with the push's auth and TLS settings),
and the OTLP/HTTP endpoint accepts an export when tracing is on.

The Pushgateway is asked through ``telemetry.push`` itself, so what passes here
is what the end-of-run push will use. The OTLP endpoint is asked by the same
exporter a run uses (its ``OTEL_EXPORTER_OTLP_*`` variables: endpoint, headers,
certificates, compression), sending an empty batch.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from sentinel_cli.health.interface import Check, Context
from sentinel_cli.health.model import Outcome, degraded, healthy, skipped, unhealthy
from sentinel_cli.health.providers import public_url

if TYPE_CHECKING:
    from sentinel_cli.config import Settings

OTLP_DEFAULT_ENDPOINT = "http://localhost:4318"
OTLP_TRACES_PATH = "/v1/traces"
_EXPORTER_LOGGER = "opentelemetry.exporter"


class PushgatewayCheck(Check):
    name = "pushgateway"
    title = "Pushgateway answers /-/ready with the push's auth and TLS settings"
    timeout_remedy = "the Pushgateway does not answer: check pushgateway_url, the network, or --timeout"

    def needed(self, settings: Settings) -> bool:
        return bool(settings.pushgateway_url)

    def run(self, context: Context) -> Outcome:
        settings = context.require_settings()
        if not settings.pushgateway_url:
            return skipped("no pushgateway_url set (metrics are not pushed)")
        from sentinel_cli.errors import UsageError
        from sentinel_cli.telemetry.push import check_config, config_from_settings, ready

        config = config_from_settings(settings)
        assert config is not None
        try:
            check_config(config)
        except UsageError as exc:
            return unhealthy(str(exc), "fix the push settings named above", url=config.display_url)
        answer = ready(config, timeout=min(context.timeout, settings.push_timeout))
        facts = {"url": answer.url, "http_status": answer.status, "auth": _auth_kind(settings)}
        if answer.ok:
            return healthy(f"{answer.url} ready (HTTP {answer.status})", **facts)
        if answer.status in (401, 403):
            return unhealthy(
                f"{answer.url}: {answer.error}",
                "fix push_username and SENTINEL_PUSH_PASSWORD (or the credentials in the URL)",
                **facts,
            )
        if answer.status == 503:
            return degraded(
                f"{answer.url}: not ready yet ({answer.error})",
                "the Pushgateway is starting or overloaded; check again shortly",
                **facts,
            )
        if answer.error and answer.error.startswith("TLS error"):
            remedy = "fix push_ca_file, push_cert_file and push_key_file (or push_insecure for a test setup)"
        elif answer.status is not None:
            remedy = "pushgateway_url must be the Pushgateway's base URL (as for --push)"
        else:
            remedy = "start the Pushgateway or fix pushgateway_url (SENTINEL_PUSHGATEWAY_URL)"
        return unhealthy(f"{answer.url}: {answer.error}", remedy, **facts)


def _auth_kind(settings: Settings) -> str:
    if settings.push_username is not None or "@" in (urlsplit(settings.pushgateway_url or "").netloc):
        return "basic"
    return "mtls" if settings.push_cert_file is not None else "none"


def otlp_endpoint(environ: Mapping[str, str] | None = None) -> str:
    """Where the OTLP/HTTP exporter sends traces, resolved as it resolves it."""
    env = os.environ if environ is None else environ
    traces = env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
    if traces:
        return traces
    base = env.get("OTEL_EXPORTER_OTLP_ENDPOINT") or OTLP_DEFAULT_ENDPOINT
    return base.removesuffix("/") + OTLP_TRACES_PATH


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(" ".join(record.getMessage().split()))


@contextmanager
def _exporter_messages() -> Iterator[_Capture]:
    """The exporter explains failures only in log records: keep them for the message, off stderr."""
    logger = logging.getLogger(_EXPORTER_LOGGER)
    capture = _Capture()
    logger.addHandler(capture)
    try:
        yield capture
    finally:
        logger.removeHandler(capture)


class OtlpCheck(Check):
    name = "otlp"
    title = "OTLP/HTTP endpoint accepts an (empty) trace export when tracing is on"
    timeout_remedy = "the OTLP endpoint does not answer: check OTEL_EXPORTER_OTLP_ENDPOINT and the network"

    def __init__(self) -> None:
        self._exporter_class: Any = None
        self._import_error: str | None = None

    def needed(self, settings: Settings) -> bool:
        return settings.trace == "otlp"

    def prepare(self, context: Context) -> None:
        if context.settings is None or context.settings.trace != "otlp":
            return
        try:
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        except ImportError as exc:
            self._import_error = str(exc)
            return
        self._exporter_class = OTLPSpanExporter

    def run(self, context: Context) -> Outcome:
        settings = context.require_settings()
        if settings.trace != "otlp":
            return skipped(f"tracing is not sent over OTLP (trace = {settings.trace})")
        endpoint = otlp_endpoint()
        shown = public_url(endpoint)
        facts: dict[str, Any] = {"endpoint": shown, "reachable": False, "accepted": False}
        if self._exporter_class is None:
            return unhealthy(
                f"the OTLP exporter is not installed ({self._import_error})",
                "pip install 'sentinel-cli[otlp]'",
                **facts,
            )
        parts = urlsplit(endpoint)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        start = time.monotonic()
        try:
            with socket.create_connection((parts.hostname or "localhost", port), timeout=context.timeout):
                pass
        except OSError as exc:
            reason = "timed out" if isinstance(exc, TimeoutError) else (exc.strerror or str(exc)).lower()
            return unhealthy(
                f"cannot connect to {shown}: {reason}",
                "start the collector or set OTEL_EXPORTER_OTLP_ENDPOINT to where it listens",
                **facts,
            )
        facts["reachable"] = True
        remaining = max(context.timeout - (time.monotonic() - start), 0.1)
        with _exporter_messages() as capture:
            exporter = self._exporter_class(timeout=remaining)
            try:
                ok = exporter.export([]).name == "SUCCESS"
            finally:
                exporter.shutdown()
        if ok:
            facts["accepted"] = True
            return healthy(f"{shown} accepted an empty trace export", **facts)
        why = capture.messages[0] if capture.messages else "export failed"
        return unhealthy(
            f"{shown} refused a trace export: {why}",
            "check OTEL_EXPORTER_OTLP_ENDPOINT (an OTLP/HTTP receiver, usually port 4318) "
            "and OTEL_EXPORTER_OTLP_HEADERS",
            **facts,
        )

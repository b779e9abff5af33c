"""Pushing a run's registry to a Prometheus Pushgateway: auth, TLS, timeout and retries.

A successful run replaces its group (``PUT``): the group then holds exactly this
run. A failed run adds to it (``POST``) without a success timestamp, so the
last success recorded by an earlier run survives, as the Prometheus batch-job
convention wants. Failures are returned, never raised: the caller decides
whether a failed push is a warning or exit 3, and the results are already written.
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import ssl
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit, urlunsplit

from prometheus_client.exposition import push_to_gateway, pushadd_to_gateway
from prometheus_client.registry import CollectorRegistry

from sentinel_cli.errors import UsageError
from sentinel_cli.frozen import frozen

if TYPE_CHECKING:
    from sentinel_cli.config import Settings

RETRY_DELAY_S = 0.5
"""First pause between attempts; it doubles each time (capped at 5 s)."""


@frozen
class PushConfig:
    url: str
    job: str = "sentinel"
    groups: Mapping[str, str] = field(default_factory=dict)
    username: str | None = None
    password: str = ""
    ca_file: Path | None = None
    cert_file: Path | None = None
    key_file: Path | None = None
    insecure: bool = False
    timeout: float = 10.0
    retries: int = 2

    @property
    def display_url(self) -> str:
        """The URL without credentials, for messages."""
        return _split_credentials(self.url)[0]


@frozen
class PushResult:
    ok: bool
    attempts: int
    error: str | None = None


def config_from_settings(settings: Settings) -> PushConfig | None:
    """The push the settings ask for, or ``None`` without a ``pushgateway_url``."""
    if not settings.pushgateway_url:
        return None
    return PushConfig(
        url=settings.pushgateway_url,
        job=settings.push_job,
        groups=dict(settings.push_groups),
        username=settings.push_username,
        password=settings.push_password.get_secret_value(),
        ca_file=settings.push_ca_file,
        cert_file=settings.push_cert_file,
        key_file=settings.push_key_file,
        insecure=settings.push_insecure,
        timeout=settings.push_timeout,
        retries=settings.push_retries,
    )


def _split_credentials(url: str) -> tuple[str, str | None, str | None]:
    """``http://user:pass@host`` -> the URL without them, and the user and password."""
    if "://" not in url:
        url = "http://" + url
    parts = urlsplit(url)
    if parts.username is None:
        return url, None, None
    netloc = parts.hostname or ""
    if ":" in netloc:
        netloc = f"[{netloc}]"
    if parts.port is not None:
        netloc += f":{parts.port}"
    clean = urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    return clean, unquote(parts.username), unquote(parts.password or "")


def check_config(config: PushConfig) -> None:
    """Problems a user can fix before the scan starts (exit 2), rather than after it."""
    url, _, _ = _split_credentials(config.url)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"--push {config.display_url}: not an http(s) URL of a Pushgateway")
    for flag, path in (
        ("--push-ca-file", config.ca_file),
        ("--push-cert", config.cert_file),
        ("--push-key", config.key_file),
    ):
        if path is not None and not path.is_file():
            raise UsageError(f"{flag} {path}: no such file")
    if (config.cert_file is None) != (config.key_file is None):
        raise UsageError("--push-cert and --push-key go together")


def _ssl_context(config: PushConfig) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=str(config.ca_file) if config.ca_file else None)
    if config.insecure:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    if config.cert_file is not None and config.key_file is not None:
        context.load_cert_chain(str(config.cert_file), str(config.key_file))
    return context


Handler = Callable[[str, str, float | None, list[tuple[str, str]], bytes], Callable[[], None]]


def _authorization(config: PushConfig) -> str | None:
    """The basic-auth header value from the settings, else from the URL; ``None`` without a user."""
    _, url_user, url_password = _split_credentials(config.url)
    username = config.username if config.username is not None else url_user
    if username is None:
        return None
    password = config.password or url_password or ""
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode("ascii")


def _open(config: PushConfig, request: urllib.request.Request, timeout: float | None) -> int:
    """Send with our auth and TLS settings; the status (``HTTPError`` for any non-success)."""
    authorization = _authorization(config)
    if authorization is not None:
        request.add_header("Authorization", authorization)
    context = _ssl_context(config) if request.full_url.startswith("https:") else None
    with urllib.request.urlopen(request, timeout=timeout, context=context) as response:
        return int(response.status)


def _handler(config: PushConfig) -> Handler:
    """A prometheus_client push handler with basic auth and our TLS settings."""

    def handle(
        url: str, method: str, timeout: float | None, headers: list[tuple[str, str]], data: bytes
    ) -> Callable[[], None]:
        def send() -> None:
            request = urllib.request.Request(url, data=data, method=method)
            for name, value in headers:
                request.add_header(name, value)
            _open(config, request, timeout)

        return send

    return handle


@frozen
class ReadyResult:
    ok: bool
    url: str
    """The URL asked, without credentials."""
    status: int | None = None
    error: str | None = None


def ready(config: PushConfig, timeout: float) -> ReadyResult:
    """Ask the Pushgateway's ``/-/ready`` with the push's own auth and TLS settings (one attempt)."""
    base, _, _ = _split_credentials(config.url)
    url = base.rstrip("/") + "/-/ready"
    try:
        status = _open(config, urllib.request.Request(url, method="GET"), timeout)
    except Exception as exc:  # noqa: BLE001 - every failure is an answer here
        reason, _ = _describe(exc)
        code = exc.code if isinstance(exc, urllib.error.HTTPError) else None
        return ReadyResult(ok=False, url=url, status=code, error=reason)
    return ReadyResult(ok=True, url=url, status=status)


def _describe(exc: BaseException) -> tuple[str, bool]:
    """A one-line reason, and whether trying again could help."""
    if isinstance(exc, urllib.error.HTTPError):
        body = ""
        with contextlib.suppress(OSError, IndexError, AttributeError):
            body = exc.read().decode("utf-8", "replace").strip().splitlines()[0][:200]
        detail = f"HTTP {exc.code} {exc.reason}" + (f": {body}" if body else "")
        return detail, exc.code >= 500 or exc.code == 429
    if isinstance(exc, urllib.error.URLError):
        reason = exc.reason
        if isinstance(reason, ssl.SSLError):
            return f"TLS error: {reason.reason or reason}", False
        text = getattr(reason, "strerror", None) or str(reason)
        return str(text).lower(), True
    if isinstance(exc, TimeoutError):
        return "timed out", True
    if isinstance(exc, http.client.HTTPException):
        # Not an HTTP answer (a wrong port, a proxy cutting the reply): never echo its bytes.
        return f"the answer was not HTTP ({type(exc).__name__})", True
    if isinstance(exc, ssl.SSLError):
        return f"TLS error: {exc.reason or exc}", False
    if isinstance(exc, OSError):
        return (exc.strerror or str(exc)).lower(), True
    return f"{type(exc).__name__}: {exc}", False


def push(
    registry: CollectorRegistry,
    config: PushConfig,
    *,
    replace: bool = True,
    sleep: Callable[[float], None] = time.sleep,
) -> PushResult:
    """Push ``registry`` (``PUT`` when ``replace``, else ``POST``), retrying network failures."""
    url, _, _ = _split_credentials(config.url)
    send = push_to_gateway if replace else pushadd_to_gateway
    delay = RETRY_DELAY_S
    attempts = 0
    reason = "not attempted"
    while attempts <= config.retries:
        attempts += 1
        try:
            send(
                url,
                job=config.job,
                registry=registry,
                grouping_key=dict(config.groups),
                timeout=config.timeout,
                handler=_handler(config),
            )
            return PushResult(ok=True, attempts=attempts)
        except Exception as exc:  # noqa: BLE001 - a failed push must never lose the results
            reason, retry = _describe(exc)
            if not retry:
                break
        if attempts <= config.retries:
            sleep(delay)
            delay = min(delay * 2, 5.0)
    return PushResult(ok=False, attempts=attempts, error=reason)

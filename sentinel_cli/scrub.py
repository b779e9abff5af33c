"""Keeping secrets out of what sentinel says about itself: errors, warnings, crash reports.

Secrets are known two ways: settings of type ``SecretStr`` (API keys, the
Pushgateway password, the redaction salt) are remembered when settings load, and
environment variables whose names say they hold one (``*_API_KEY``, ``*TOKEN*``,
``*SECRET*``, ``*PASSWORD*``...) are read when a message is scrubbed, so even an
error raised before the settings exist cannot print them. ``user:password@`` in a
URL is masked whatever its value.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable

MASK = "********"
MIN_LENGTH = 6
"""Shorter values are left alone: masking every "abc" in a message would garble it."""
_SECRET_NAME = re.compile(r"(?i)(api_?key|token|secret|password|passwd|credential)")
_URL_CREDENTIALS = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s:@]*:[^/\s@]*@")
_known: set[str] = set()


def remember(values: Iterable[str]) -> None:
    """Values to mask from now on (the settings' secrets)."""
    _known.update(value for value in values if len(value) >= MIN_LENGTH)


def _environment_secrets() -> set[str]:
    return {
        value for name, value in os.environ.items() if _SECRET_NAME.search(name) and len(value) >= MIN_LENGTH
    }


def scrub(text: str) -> str:
    """``text`` with every known secret and every URL password replaced by ``********``."""
    for value in sorted(_known | _environment_secrets(), key=len, reverse=True):
        if value in text:
            text = text.replace(value, MASK)
    return _URL_CREDENTIALS.sub(lambda match: f"{match.group(1)}{MASK}@", text)

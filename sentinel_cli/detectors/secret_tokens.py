"""Recognisers for credentials with a recognisable shape: vendor key formats, JWTs, key blocks.

Each vendor format is anchored on its published literal prefix (``AKIA``,
``ghp_``, ``sk-ant-``...). Every pattern starts with that literal, so the
regular-expression engine can jump between occurrences instead of trying every
position; the boundary before the token is checked by hand for the same reason.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable, Iterator

from sentinel_cli.detectors.checksums import shannon_entropy
from sentinel_cli.detectors.spans import Hit, Scan, lazy
from sentinel_cli.frozen import frozen

_TOKEN_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_+/-")


@frozen
class TokenFormat:
    """A vendor token: its pattern (led by a literal), how much is public, and a sanity check."""

    rule_id: str
    pattern: Callable[[], re.Pattern[str]]
    shown: int = 0
    """Characters of the public prefix the evidence may show (``ghp_``, ``AKIA``)."""
    confidence: float = 0.95
    check: Callable[[str], bool] | None = None
    gate: tuple[str, ...] = ()
    """Lower-case literals of which one must occur before the pattern runs: each pattern's
    literal lead, lower-cased, so a text without any never runs (or compiles) the pattern."""


def _mixed(value: str) -> bool:
    """Random tokens mix letters and digits; words and repeated fillers do not."""
    return (
        any(c.isdigit() for c in value) and any(c.isalpha() for c in value) and shannon_entropy(value) >= 3.0
    )


def _jwt(value: str) -> bool:
    header = value.split(".", 1)[0]
    try:
        decoded = json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return False
    return isinstance(decoded, dict) and "alg" in decoded


_END = r"(?![A-Za-z0-9_+/=-])"

FORMATS: tuple[TokenFormat, ...] = (
    TokenFormat(
        "SEC-AWS-ACCESS-KEY",
        lazy(r"A(?:KIA|SIA|BIA|CCA|3T[A-Z0-9])[A-Z2-7]{16}" + _END),
        shown=4,
        gate=("akia", "asia", "abia", "acca", "a3t"),
    ),
    TokenFormat("SEC-GCP-API-KEY", lazy(r"AIza[0-9A-Za-z_-]{35}" + _END), shown=4, gate=("aiza",)),
    TokenFormat(
        "SEC-GITHUB-TOKEN",
        lazy(r"gh[pousr]_[A-Za-z0-9]{36,251}" + _END),
        shown=4,
        gate=("ghp_", "gho_", "ghu_", "ghs_", "ghr_"),
    ),
    TokenFormat(
        "SEC-GITHUB-TOKEN", lazy(r"github_pat_[A-Za-z0-9_]{50,255}" + _END), shown=11, gate=("github_pat_",)
    ),
    TokenFormat(
        "SEC-GITLAB-TOKEN",
        lazy(r"gl(?:pat|dt|rt|ptt|cbt|soat|ft|imt|agent)-[A-Za-z0-9_-]{20,100}" + _END),
        shown=6,
        gate=("glpat-", "gldt-", "glrt-", "glptt-", "glcbt-", "glsoat-", "glft-", "glimt-", "glagent-"),
    ),
    TokenFormat(
        "SEC-SLACK-TOKEN",
        lazy(r"x(?:ox[abprse]-|app-[0-9]-)[A-Za-z0-9-]{10,250}" + _END),
        shown=5,
        check=lambda value: sum(c.isdigit() for c in value) >= 4,
        gate=("xox", "xapp-"),
    ),
    TokenFormat(
        "SEC-SLACK-WEBHOOK",
        lazy(r"https://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9_/-]{20,150}"),
        shown=23,
        gate=("https://hooks.slack.com/",),
    ),
    TokenFormat(
        "SEC-STRIPE-KEY",
        lazy(r"(?:(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,247}|whsec_[A-Za-z0-9+/]{24,100})" + _END),
        shown=8,
        gate=("_live_", "_test_", "whsec_"),
    ),
    TokenFormat(
        "SEC-STRIPE-PUBLISHABLE-KEY",
        lazy(r"pk_(?:live|test)_[A-Za-z0-9]{10,247}" + _END),
        shown=8,
        confidence=0.9,
        gate=("pk_live_", "pk_test_"),
    ),
    TokenFormat(
        "SEC-ANTHROPIC-KEY|SEC-OPENAI-KEY",
        lazy(
            r"sk-(?:ant-[A-Za-z0-9_-]{20,250}|(?:proj|svcacct|admin|None)-[A-Za-z0-9_-]{20,250}"
            r"|[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}|[A-Za-z0-9]{32,64})" + _END
        ),
        shown=3,
        check=_mixed,
        gate=("sk-",),
    ),
    TokenFormat(
        "SEC-AZURE-STORAGE-KEY",
        lazy(r"(?i:AccountKey|SharedAccessKey)=([A-Za-z0-9+/]{40,88}={0,2})(?![A-Za-z0-9+/=])"),
        gate=("accesskey=", "accountkey="),
    ),
    TokenFormat(
        "SEC-AZURE-CLIENT-SECRET",
        lazy(r"Q~[A-Za-z0-9_~.-]{31,34}(?![A-Za-z0-9_~.-])"),
        check=_mixed,
        gate=("q~",),
    ),
    TokenFormat(
        "SEC-GCP-SERVICE-ACCOUNT",
        lazy(r'"private_key_id"\s{0,3}:\s{0,3}"([0-9a-f]{40})"'),
        gate=('"private_key_id"',),
    ),
    TokenFormat(
        "SEC-JWT",
        lazy(r"eyJ[A-Za-z0-9_-]{8,2000}\.[A-Za-z0-9_-]{2,8000}\.[A-Za-z0-9_-]{0,2000}" + _END),
        shown=3,
        check=_jwt,
        gate=("eyj",),
    ),
)

_KEY_BEGIN = lazy(r"-----BEGIN[ A-Z0-9]{0,30} PRIVATE KEY(?: BLOCK)?-----")
_KEY_END = lazy(r"-----END[ A-Z0-9]{0,30} PRIVATE KEY(?: BLOCK)?-----")
_KEY_BODY = lazy(r"[A-Za-z0-9+/=\s\\:-]{0,8000}")
_AWS_SECRET = lazy(
    r"(?i)(?:aws.{0,20}?(?:secret|private)|secret[_ -]?access[_ -]?key)[^\n]{0,20}?[:=\s\"']"
    r"([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])"
)


def vendor_tokens(scan: Scan) -> Iterator[Hit]:
    text = scan.text
    for fmt in FORMATS:
        if fmt.gate and not scan.has(fmt.gate):
            continue
        for match in fmt.pattern().finditer(text):
            group = 1 if match.re.groups else 0
            start, end = match.span(group)
            value = match.group(group)
            if fmt.rule_id == "SEC-AZURE-CLIENT-SECRET":  # the secret starts 4 characters before "Q~"
                start = match.start() - 4
                value = text[start:end]
                if start < 0 or not value[3].isdigit() or not set(value[:3]) <= _TOKEN_CHARS | {"~", "."}:
                    continue
            if start and text[start - 1] in _TOKEN_CHARS and group == 0:
                continue  # inside a longer token
            if fmt.check is not None and not fmt.check(value):
                continue
            rule_id = fmt.rule_id
            if "|" in rule_id:
                rule_id = "SEC-ANTHROPIC-KEY" if value.startswith("sk-ant-") else "SEC-OPENAI-KEY"
            shown = 7 if value.startswith("sk-ant-") else fmt.shown
            detail = f"{value[:shown]}…({len(value)} chars)" if shown else f"({len(value)} chars)"
            yield Hit(rule_id, start, end, fmt.confidence, detail)


def private_keys(scan: Scan) -> Iterator[Hit]:
    text = scan.text
    if "PRIVATE KEY" not in text:
        return
    for begin in _KEY_BEGIN().finditer(text):
        end_match = _KEY_END().search(text, begin.end(), begin.end() + 20000)
        body = _KEY_BODY().match(text, begin.end())
        end = end_match.end() if end_match else body.end() if body else begin.end()
        yield Hit(
            "SEC-PRIVATE-KEY", begin.start(), end, 0.99, f"{begin.group()}…({end - begin.start()} chars)"
        )


def aws_secret_keys(scan: Scan) -> Iterator[Hit]:
    positions = scan.at("aws", "secret")
    seen: set[int] = set()
    for at in positions:
        match = _AWS_SECRET().search(scan.text, at, min(len(scan.text), at + 120))
        if match is None or match.start(1) in seen:
            continue
        seen.add(match.start(1))
        value = match.group(1)
        if shannon_entropy(value) >= 3.5 and _mixed(value):
            yield Hit("SEC-AWS-SECRET-KEY", match.start(1), match.end(1), 0.95, f"({len(value)} chars)")

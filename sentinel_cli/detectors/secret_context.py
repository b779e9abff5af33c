"""Recognisers for credentials that only their surroundings give away.

Passwords and tokens assigned to a telling key (``password=``, ``"api_key":``,
``--token``), passwords said in prose ("my password is ..."), credentials in
URLs (``scheme://user:pass@host``) and random-looking tokens next to a word
such as "token" or "secret". Placeholders (``<password>``, ``${TOKEN}``,
``your_api_key``, ``****``) and code references (``os.environ[...]``,
``form.password``) are not secrets and are skipped.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator

from sentinel_cli.detectors.checksums import shannon_entropy
from sentinel_cli.detectors.spans import Cues, Hit, Scan, lazy


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_PASSWORD_KEYS = frozenset({"password", "passwd", "passphrase", "pwd", "pass", "passcode", "pin"})

# Matched at the start of an identifier that contains an anchor ("DB_PASSWORD", "x-api-key").
_ASSIGNMENT = lazy(
    r"(?i)(?P<flag>--)?(?:[a-z0-9]{1,20}[_.-]){0,4}(?P<key>password|passwd|passphrase|pwd|pass|secret|client[_-]?secret"
    r"|secret[_-]?key|api[_-]?key|apikey|api[_-]?secret|access[_-]?key|access[_-]?token|auth[_-]?token"
    r"|refresh[_-]?token|token|private[_-]?key|credentials?)[\"']?"
    r"(?P<sep>\s{0,3}(?:=>|:=|=|:)\s{0,3}| )"
    r"(?:\"(?P<dq>[^\"\n]{1,200})\"|'(?P<sq>[^'\n]{1,200})'|(?P<bare>[^\s\"'`,;&)}\]<>]{1,200}))"
)
_SPOKEN = lazy(
    r"(?i)(password|passcode|passphrase|pin(?: code)?|passwort|kennwort|mot de passe|contrase[ñn]a|senha)"
    r"\s(?:is|was|ist|est|es|é):?\s{1,2}[\"'“]?([^\s\"'”]{4,64})"
)
_PLACEHOLDER = lazy(
    r"(?i)(?:<[^>]*>|\$\{?[\w.]*\}?|\{\{?[^}]*\}?\}|%\(?\w*\)?s|\*+|x{3,}|\.{2,}|…|\[[^\]]*\]"
    r"|(?:your|my|the|some|insert|enter|replace|put|add|example|sample|dummy|fake|test)[_ -]?\w*"
    r"|password\d?|passwd|pass|pwd|secret|token|changeme|placeholder|redacted|hidden|none|null|nil|true"
    r"|false|undefined|empty|required|optional|string|str|int|value|env|default|n/?a)"
)
_CODE_REFERENCE = lazy(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+|.*[(\[{$%<>].*|(?:os|process|env|self|this)\W.*")
_USERINFO = lazy(r"//([^\s:/?#@'\"<>]{1,128}):([^\s/?#@'\"<>]{1,256})@(?=[\w\[])")
_ASSIGNMENT_ANCHORS = ("pass", "pwd", "secret", "token", "key", "credential")
_SPOKEN_ANCHORS = ("password", "passcode", "passphrase", "pin", "passwort", "kennwort", "mot de passe")
_SPOKEN_ANCHORS_MORE = ("contrase", "senha")
_ENTROPY_ANCHORS = ("key", "apikey", "token", "secret", "bearer", "auth", "credential", "passw", "signature")
_NOT_SECRET_CONTEXT = Cues(
    _words(
        "sha sha1 sha256 sha512 md5 hash hashes checksum digest commit fingerprint uuid guid id public pub"
        " etag nonce example object file path url"
    )
)
_TOKEN_START = lazy(r"[A-Za-z0-9+/_-]{20}")
_TOKEN = lazy(r"[A-Za-z0-9+/_-]{20,200}={0,2}(?![A-Za-z0-9+/=_-])")
_IDENTIFIER_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")
_BEFORE_TOKEN = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/_-")
_UUID = lazy(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_HEX = frozenset("0123456789abcdefABCDEF")


def _is_secret_value(value: str, key: str, quoted: bool) -> bool:
    """Whether an assigned value looks like a real credential rather than a placeholder or code."""
    if _PLACEHOLDER().fullmatch(value) or len(set(value)) <= 2:
        return False
    if not quoted and _CODE_REFERENCE().fullmatch(value):
        return False
    is_password = key.lower() in _PASSWORD_KEYS or key.lower().startswith("pin")
    if value.isdigit():
        return is_password and len(value) >= (4 if key.lower().startswith("pin") else 6)
    if len(value) < (4 if is_password else 8):
        return False
    if quoted:
        return is_password or shannon_entropy(value) >= 3.0
    # Unquoted text after "password:" is often prose; a credential mixes in digits, symbols or capitals.
    return any(not c.isalpha() for c in value) or any(c.isupper() for c in value[1:])


def assignments(scan: Scan) -> Iterator[Hit]:
    text, seen = scan.text, set()
    for at in scan.at(*_ASSIGNMENT_ANCHORS):
        start = at
        while start > 0 and at - start < 48 and text[start - 1] in _IDENTIFIER_CHARS:
            start -= 1
        if start in seen:
            continue  # "secret_key" holds two anchors
        seen.add(start)
        match = _ASSIGNMENT().match(text, start)
        if match is None or (match.group("sep") == " " and match.group("flag") is None):
            continue  # "key value" counts only for command-line flags (--password value)
        key = match.group("key")
        group = next(name for name in ("dq", "sq", "bare") if match.group(name) is not None)
        value = match.group(group).rstrip(".")
        if match.group("flag") and group == "bare":
            value = text[match.start(group) :].split(None, 1)[0]  # a flag's value runs to the next space
        if not _is_secret_value(value, key, quoted=group != "bare"):
            continue
        rule = "SEC-PASSWORD" if key.lower() in _PASSWORD_KEYS else "SEC-GENERIC-SECRET"
        identifier = scan.lower[start : match.end("key")]
        if (
            "client" in identifier
            and "secret" in identifier
            and "azure" in scan.lower[max(0, start - 60) : start + 6]
        ):
            rule = "SEC-AZURE-CLIENT-SECRET"  # AZURE_CLIENT_SECRET=..., azure: {client_secret: ...}
        begin = match.start(group)
        yield Hit(rule, begin, begin + len(value), 0.85, f"{key.lower()}=…({len(value)} chars)")


def spoken_passwords(scan: Scan) -> Iterator[Hit]:
    for at in scan.at(*_SPOKEN_ANCHORS, *_SPOKEN_ANCHORS_MORE):
        match = _SPOKEN().match(scan.text, at) if scan.word_start(at) else None
        if match is None:
            continue
        key, value = match.group(1), match.group(2).rstrip(".,;:)")
        if _is_secret_value(value, key.split()[0], quoted=False):
            start = match.start(2)
            yield Hit("SEC-PASSWORD", start, start + len(value), 0.8, f"{key.lower()}…({len(value)} chars)")


def url_credentials(scan: Scan) -> Iterator[Hit]:
    for at in scan.at("://", case=True):
        match = _USERINFO().match(scan.text, at + 1)
        if match is None or _PLACEHOLDER().fullmatch(match.group(2)):
            continue
        detail = f"user:…({len(match.group(2))}-char password)"
        yield Hit("SEC-URL-CREDENTIALS", match.start(1), match.end(2), 0.9, detail)


def high_entropy_tokens(scan: Scan) -> Iterator[Hit]:
    """Random-looking tokens within a few characters after a word like "token" or "secret"."""
    text, lower = scan.text, scan.lower
    reported: set[int] = set()
    for at in scan.at(*_ENTROPY_ANCHORS):
        if not scan.word_start(at):
            continue
        cue_end = at
        while cue_end < len(text) and (text[cue_end].isalnum() or text[cue_end] == "_"):
            cue_end += 1
        start = _TOKEN_START().search(text, cue_end, min(len(text), cue_end + 60))
        if start is None or start.start() in reported or text[start.start() - 1] in _BEFORE_TOKEN:
            continue
        token = _TOKEN().match(text, start.start())
        if token is None:
            continue
        value = token.group()
        if _NOT_SECRET_CONTEXT.near(lower, token.start(), token.end(), before=token.start() - at + 24):
            continue
        if _UUID().fullmatch(value) is None and _random_looking(value):
            reported.add(token.start())
            yield Hit("SEC-HIGH-ENTROPY", token.start(), token.end(), 0.7, f"({len(value)} chars)")


def _random_looking(value: str) -> bool:
    digits = sum(c.isdigit() for c in value)
    if digits < 2 or digits == len(value) or value.startswith("/"):
        return False
    entropy = shannon_entropy(value)
    if set(value) <= _HEX:
        return len(value) >= 32 and entropy >= 3.0
    classes = sum((any(c.islower() for c in value), any(c.isupper() for c in value), digits > 0))
    return (
        classes >= 2
        and entropy >= min(4.0, math.log2(len(value)) - 0.7)
        and re.search("[a-z]{12}", value) is None
    )

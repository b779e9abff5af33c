"""Recognisers for e-mail and IP addresses.

Each one starts from a literal character ("@", ".", ":") that ``str.find`` or
a literal-led pattern locates quickly, then widens the match by hand: scanning
a 10 KB text this way costs microseconds, not the ~100 µs of a pattern that
must be tried at every position.
"""

from __future__ import annotations

from collections.abc import Iterator

from sentinel_cli.detectors.spans import Cues, Hit, Scan, lazy


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_LOCAL_CHARS = frozenset("._%+-'")  # besides letters and digits, in any script
_EMAIL_DOMAIN = lazy(r"(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.){1,8}[^\W\d_]{2,24}(?![\w-]|\.[^\W_])")
_OBFUSCATED_EMAIL = lazy(
    r"(?i)(?<![\w.+-])([a-z0-9][a-z0-9._+-]{0,63}) ?([\[({<]at[\])}>]| at ) ?"
    r"([a-z0-9-]{1,63}(?: ?(?:[\[({<]dot[\])}>]| dot |\.) ?[a-z0-9-]{1,63}){1,4})(?!\w)"
)
_OBFUSCATED_DOT = lazy(r"(?i) ?(?:[\[({<]dot[\])}>]| dot |\.) ?")
_OBFUSCATION_MARKS = ("at]", "at)", "at}", "at>", " dot ")
_TLDS = _words(
    "com org net edu gov mil int io co ai app dev info biz me us uk ca au nz ie de fr es it nl be ch at"
    " se no dk fi pl pt br mx ar in jp cn kr ru ua tr za hu cz sk ro gr il eu"
)
_NOT_LOCAL = _words("look is me us him her them this that it arrive meet stay be here there all")

_IPV4_TAIL = lazy(r"\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})")
_IPV6_TAIL = lazy(r":[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){1,7}")
# A dotted quad right after one of these words is a version or a section number, not an address.
_VERSION_WORDS = Cues(
    _words(
        "v ver version versions release rel build python node java ubuntu debian windows macos ios android"
        " chrome firefox gcc clang kernel firmware sdk api oid upgrade update updated chapter section sec"
        " figure fig table step item clause article paragraph rule part no nr"
    )
)
_HEX = frozenset("0123456789abcdefABCDEF")
# Loopback, "any", broadcast and the big public DNS resolvers identify no one.
_NOT_PERSONAL_IPS = frozenset(
    {"0.0.0.0", "255.255.255.255", "8.8.8.8", "8.8.4.4", "1.1.1.1", "1.0.0.1", "9.9.9.9"}
)


def emails(scan: Scan) -> Iterator[Hit]:
    text = scan.text
    at = text.find("@")
    while at != -1:
        start = at
        while (
            start > 0 and at - start < 64 and (text[start - 1].isalnum() or text[start - 1] in _LOCAL_CHARS)
        ):
            start -= 1
        while start < at and text[start] in ".'":
            start += 1
        domain = _EMAIL_DOMAIN().match(text, at + 1)
        token_start = max(text.rfind(" ", 0, start), text.rfind("\n", 0, start)) + 1
        # "scheme://user:pass@host" is a credential (the secrets detector), not an address.
        if start < at and domain is not None and "://" not in text[token_start:start]:
            yield Hit("PII-EMAIL", start, domain.end(), 0.95)
        at = text.find("@", at + 1)


def obfuscated_emails(scan: Scan) -> Iterator[Hit]:
    """E-mail written out to dodge filters: "jo (at) example (dot) com", "jo at example dot com"."""
    if not scan.at(*_OBFUSCATION_MARKS):
        return
    for match in _OBFUSCATED_EMAIL().finditer(scan.text):
        local, at, domain = match.groups()
        labels = _OBFUSCATED_DOT().split(domain)
        plain = at == " at " and "dot" not in domain.lower()
        if plain or labels[-1].lower() not in _TLDS or local.lower() in _NOT_LOCAL:
            continue
        yield Hit("PII-EMAIL-OBFUSCATED", match.start(), match.end(), 0.7)


def ip_addresses(scan: Scan) -> Iterator[Hit]:
    if scan.digits:
        yield from _ipv4(scan.text, scan.lower)
    if "::" in scan.text or scan.text.count(":") >= 5:
        yield from _ipv6(scan.text)


def _ipv4(text: str, lower: str) -> Iterator[Hit]:
    for tail in _IPV4_TAIL().finditer(text):
        start = tail.start()
        while start > 0 and tail.start() - start < 3 and "0" <= text[start - 1] <= "9":
            start -= 1
        end = tail.end()
        octets = [text[start : tail.start()], *tail.groups()]
        if start == tail.start() or (start and (text[start - 1].isalnum() or text[start - 1] in "._-")):
            continue
        if end < len(text) and (
            text[end].isalnum()
            or text[end] == "_"
            or (text[end] == "." and text[end + 1 : end + 2].isdigit())
        ):
            continue
        if any(int(o) > 255 or (len(o) > 1 and o[0] == "0") for o in octets):
            continue
        if octets[0] == "127" or text[start:end] in _NOT_PERSONAL_IPS:
            continue
        if not _VERSION_WORDS.last_word(lower, start):
            yield Hit("PII-IP-ADDRESS", start, end, 0.85, "IPv4")


def _ipv6(text: str) -> Iterator[Hit]:
    import ipaddress

    for tail in _IPV6_TAIL().finditer(text):
        start = tail.start()
        while start > 0 and tail.start() - start < 4 and text[start - 1] in _HEX:
            start -= 1
        end = tail.end()
        if (start and (text[start - 1].isalnum() or text[start - 1] in "_:.")) or (
            end < len(text) and (text[end].isalnum() or text[end] in "_:")
        ):
            continue
        candidate = text[start:end]
        groups = [group for group in candidate.split(":") if group]
        if len(groups) < 3 or max(map(len, groups)) < 3 or not any(c.isdigit() for c in candidate):
            continue
        try:
            ipaddress.IPv6Address(candidate)
        except ValueError:
            continue
        yield Hit("PII-IP-ADDRESS", start, end, 0.85, "IPv6")

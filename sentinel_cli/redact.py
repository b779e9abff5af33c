"""Masking of PII and secrets, and removal of hidden characters, for the ``redacted`` field."""

from __future__ import annotations

import bisect
import hashlib
import json
from collections.abc import Sequence
from dataclasses import replace
from typing import Literal

from sentinel_cli.model import Category, Finding, Prompt

RedactStyle = Literal["mask", "hash", "remove"]

_MASKED = (Category.PII, Category.SECRET)


def _label(finding: Finding) -> str:
    return (finding.subtype or finding.category.value).upper()


def replacement(finding: Finding, value: str, *, style: RedactStyle, salt: str) -> str:
    """What replaces one span: ``[EMAIL]``, ``[EMAIL:1a2b3c4d5e6f]`` or nothing."""
    if finding.category is Category.HIDDEN_TEXT or style == "remove":
        return ""
    if style == "hash":
        digest = hashlib.sha256(f"{salt}\x00{value}".encode("utf-8", "surrogatepass")).hexdigest()
        return f"[{_label(finding)}:{digest[:12]}]"
    return f"[{_label(finding)}]"


def redact_text(
    text: str, findings: Sequence[Finding], *, style: RedactStyle = "mask", salt: str = ""
) -> str:
    """``text`` with every PII/secret span replaced and hidden characters removed.

    Overlapping spans are merged so that no fragment of a masked value survives.
    """
    spans = sorted(
        (
            f
            for f in findings
            if (f.category in _MASKED or f.category is Category.HIDDEN_TEXT)
            and not f.suppressed
            and f.end > f.start
        ),
        key=lambda f: (f.start, -f.end),
    )
    if not spans:
        return text
    out: list[str] = []
    cursor = 0
    for finding in spans:
        if finding.end <= cursor:
            continue
        start = max(finding.start, cursor)
        out.append(text[cursor:start])
        out.append(replacement(finding, text[finding.start : finding.end], style=style, salt=salt))
        cursor = finding.end
    out.append(text[cursor:])
    return "".join(out)


def redact_prompt(
    prompt: Prompt, findings: Sequence[Finding], *, style: RedactStyle = "mask", salt: str = ""
) -> str:
    """The record's ``redacted`` value: the masked text, or for chat records a JSON list of messages."""
    if prompt.messages is None:
        return redact_text(prompt.text, findings, style=style, salt=salt)
    messages = [
        {
            "role": message.role,
            "content": redact_text(
                message.content, [f for f in findings if f.message == index], style=style, salt=salt
            ),
        }
        for index, message in enumerate(prompt.messages)
    ]
    return json.dumps(messages, ensure_ascii=False)


EVIDENCE_CHARS = 80


class _Overlaps:
    """The PII and secret spans that overlap a finding, found by bisection: a document with
    tens of thousands of e-mail addresses must not cost findings x spans comparisons."""

    def __init__(self, spans: Sequence[Finding]) -> None:
        self._by_message: dict[int | None, tuple[list[int], list[int], list[Finding]]] = {}
        groups: dict[int | None, list[Finding]] = {}
        for span in spans:
            groups.setdefault(span.message, []).append(span)
        for message, group in groups.items():
            group.sort(key=lambda span: span.start)
            reach, furthest = [], 0
            for span in group:
                furthest = max(furthest, span.end)
                reach.append(furthest)  # the furthest end among this span and those before it
            self._by_message[message] = ([span.start for span in group], reach, group)

    def __call__(self, finding: Finding) -> list[Finding]:
        starts, reach, group = self._by_message.get(finding.message, ([], [], []))
        found = []
        index = bisect.bisect_left(starts, finding.end) - 1
        while index >= 0 and reach[index] > finding.start:
            if group[index].end > finding.start:
                found.append(group[index])
            index -= 1
        found.reverse()
        return found


def hide_values_in_evidence(prompt: Prompt, findings: Sequence[Finding]) -> list[Finding]:
    """Findings whose evidence quotes text that holds PII or a secret, re-quoted with it masked.

    Rule-based detectors quote what they matched ("send it to jo@example.com"); when that
    overlaps a span the pii or secrets detector found, the quote shows ``[EMAIL]`` instead.
    """
    hidden = [f for f in findings if f.category in _MASKED and not f.suppressed and f.end > f.start]
    if not hidden:
        return list(findings)
    texts = {index: text for index, text, _ in prompt.segments()}
    overlapping = _Overlaps(hidden)
    result = []
    for finding in findings:
        if finding.category in _MASKED or finding.category is Category.HIDDEN_TEXT:
            result.append(finding)
            continue
        inside = overlapping(finding)
        if not inside:
            result.append(finding)
            continue
        window = texts[finding.message][finding.start : finding.end]
        shifted = [
            replace(
                span, start=max(0, span.start - finding.start), end=min(len(window), span.end - finding.start)
            )
            for span in inside
        ]
        quote = " ".join(redact_text(window, shifted).split())
        if len(quote) > EVIDENCE_CHARS:
            quote = quote[: EVIDENCE_CHARS - 1] + "…"
        result.append(replace(finding, evidence=quote))
    return result

"""Finding fingerprints: stable across runs and across unrelated edits of the file.

A fingerprint hashes the rule, the file's repository-relative path, the
record's own id when it has a stable one (a JSON key path, a dataset's id
column), the matched text with its whitespace collapsed (for PII and secrets
the masked evidence, never the value), and how many times that same text
already matched in the file. Line numbers are left out on
purpose, so adding a line above a finding does not change it.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import fields
from operator import attrgetter
from typing import Any

from sentinel_cli.ci.repo import RepoPaths
from sentinel_cli.model import Category, Finding, Prompt
from sentinel_cli.sources.records import default_id
from sentinel_cli.text_hash import folded_digest

LONG_SPAN = 65_536
"""A span longer than this (a size limit's ``EN092`` over megabytes) is fingerprinted by the
digest of its collapsed text, computed piece by piece, not by the text itself."""
VERSION = "sentinel/v1"
"""The ``partialFingerprints`` key; bump it if the recipe below changes."""

_UNSTAMPED = attrgetter(*(field.name for field in fields(Finding) if field.name != "fingerprint"))
"""A finding's fields before ``fingerprint``, its last: ``Finding(*_UNSTAMPED(f), p)`` is
``dataclasses.replace(f, fingerprint=p)`` at half the cost, and a document full of
e-mail addresses has dozens of findings, stamped in the main process, which the workers wait on."""


def stable_id(prompt: Prompt) -> str:
    """The part of the prompt id that does not move when lines are added above it."""
    location = prompt.location
    if prompt.id == default_id(location):
        return ""
    if prompt.id.startswith(location.file):
        return prompt.id[len(location.file) :]
    return prompt.id


def matched_text(prompt: Prompt, finding: Finding) -> str:
    if finding.category in (Category.PII, Category.SECRET):
        # Never the value: baselines get committed, and a short value (an SSN, a card of a known
        # issuer, a PIN) could be recovered from its hash by trying every candidate. The masked
        # evidence and the occurrence count tell such findings apart instead.
        return finding.evidence
    text = prompt.text
    if finding.message is not None and prompt.messages is not None and finding.message < len(prompt.messages):
        text = prompt.messages[finding.message].content
    if finding.end - finding.start > LONG_SPAN:
        return "sha256:" + folded_digest(text[finding.start : finding.end], _collapse)
    return _collapse(text[finding.start : finding.end]) or finding.evidence


def _collapse(text: str) -> str:
    return " ".join(text.split())


def fingerprint_of(rule_id: str, file_key: str, record: str, text: str, occurrence: int) -> str:
    payload = "\x1f".join((VERSION, rule_id, file_key, record, text, str(occurrence)))
    return hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()[:32]


class Fingerprinter:
    """Stamps ``Finding.fingerprint``. Inputs are scanned one file after another, so
    occurrences are counted per file and the count restarts with each new file."""

    def __init__(self, paths: RepoPaths) -> None:
        self.paths = paths
        self._file: str | None = None
        self._file_key = ""
        self._seen: Counter[tuple[str, str, str]] = Counter()

    def __call__(self, prompt: Prompt, findings: list[Finding]) -> list[Finding]:
        if not findings:
            return findings
        file = prompt.location.file
        if file != self._file:
            self._file, self._file_key = file, self.paths.key(file)
            self._seen.clear()
        record = stable_id(prompt)
        stamped = []
        for finding in findings:
            text = matched_text(prompt, finding)
            key = (finding.rule_id, record, text)
            occurrence = self._seen[key]
            self._seen[key] += 1
            print_ = fingerprint_of(finding.rule_id, self._file_key, record, text, occurrence)
            values: tuple[Any, ...] = (*_UNSTAMPED(finding), print_)
            stamped.append(Finding(*values))
        return stamped

"""SARIF 2.1.0 for code-scanning services (GitHub code scanning, Azure DevOps, GitLab).

One ``tool.driver.rules`` entry per rule that fired, one result per finding.
Files inside the repository get URIs relative to ``%SRCROOT%`` (the git
top-level, else the working directory) and, when the reader knows where the
prompt's characters sit, the exact line and column region of the evidence;
records of JSON Lines or CSV point at the record's line; prompts from stdin
get a logical location. ``partialFingerprints`` carry the finding's stable
fingerprint; suppressed findings are kept with an ``inSource`` suppression.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from sentinel_cli.ci.fingerprint import VERSION as FINGERPRINT_KEY
from sentinel_cli.ci.fingerprint import fingerprint_of
from sentinel_cli.ci.repo import SRCROOT, RepoPaths
from sentinel_cli.model import Finding, RuleInfo, ScanResult, Severity
from sentinel_cli.sinks.base import RunInfo, Sink
from sentinel_cli.sinks.output import Output
from sentinel_cli.sources.records import default_id
from sentinel_cli.sources.stream import STDIN_NAME

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/promptsentinel/sentinel"

LEVELS: dict[Severity, str] = {
    Severity.INFO: "note",
    Severity.LOW: "note",
    Severity.MEDIUM: "warning",
    Severity.HIGH: "error",
    Severity.CRITICAL: "error",
}
SECURITY_SEVERITY: dict[Severity, str] = {
    Severity.INFO: "1.0",
    Severity.LOW: "3.0",
    Severity.MEDIUM: "5.5",
    Severity.HIGH: "8.0",
    Severity.CRITICAL: "9.5",
}
"""GitHub shows > 9.0 as critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low."""


def _first_sentence(text: str) -> str:
    sentence = text.split(". ", 1)[0].strip()
    return sentence if sentence.endswith(".") else sentence + "."


def rule_descriptor(info: RuleInfo) -> dict[str, Any]:
    description = info.description or info.name
    help_text = info.help or description
    suppress = f"sentinel: ignore[{info.id}] <reason>"
    markdown = (
        f"**{info.name}** ({info.id}, {info.category.value}, severity {info.severity.value})\n\n"
        f"{description}\n\n{help_text if help_text != description else ''}\n\n"
        f"Reported by the `{info.detector}` detector. If the text is meant to be there "
        f"(a test fixture, an example attack), suppress it with `{suppress}` on its line, "
        "or record it in a baseline (`sentinel baseline create`)."
    ).replace("\n\n\n\n", "\n\n")
    return {
        "id": info.id,
        "name": info.name,
        "shortDescription": {"text": _first_sentence(description)[:1024]},
        "fullDescription": {"text": description},
        "help": {"text": f"{help_text} Suppress with '{suppress}' on the line.", "markdown": markdown},
        "defaultConfiguration": {"level": LEVELS[info.severity]},
        "properties": {
            "tags": list(dict.fromkeys(["security", info.category.value, info.detector, *info.tags])),
            "security-severity": SECURITY_SEVERITY[info.severity],
            "precision": "high" if info.confidence >= 0.85 else "medium",
        },
    }


def _fallback_rule(finding: Finding) -> RuleInfo:
    return RuleInfo(
        id=finding.rule_id,
        name=finding.rule_id,
        detector=finding.detector,
        category=finding.category,
        severity=finding.severity,
        confidence=finding.confidence,
        description=finding.description or f"{finding.category.value} finding",
    )


class SarifSink(Sink):
    def __init__(self, output: Output, run: RunInfo) -> None:
        super().__init__(output, run)
        self.paths = RepoPaths(run.root)
        self._results: list[dict[str, Any]] = []
        self._rules: dict[str, tuple[int, RuleInfo]] = {}
        self._unstamped: Counter[tuple[str, str, str]] = Counter()

    def write(self, result: ScanResult) -> None:
        for finding in result.findings:
            if finding.rule_id not in self._rules:
                info = self.run.rules.get(finding.rule_id) or _fallback_rule(finding)
                self._rules[finding.rule_id] = (len(self._rules), info)
            self._results.append(self._result(result, finding))

    def _fingerprint(self, result: ScanResult, finding: Finding) -> str:
        if finding.fingerprint:
            return finding.fingerprint
        # Results built without the engine's stages (tests, plug-ins): hash what is known.
        key = (finding.rule_id, self.paths.key(result.location.file), finding.evidence)
        occurrence = self._unstamped[key]
        self._unstamped[key] += 1
        return fingerprint_of(finding.rule_id, key[1], "", finding.evidence, occurrence)

    def _location(self, result: ScanResult, finding: Finding) -> dict[str, Any]:
        location = result.location
        if location.file == STDIN_NAME:
            return {
                "logicalLocations": [
                    {"name": result.id, "fullyQualifiedName": str(location), "kind": "object"}
                ]
            }
        uri, relative = self.paths.uri(location.file)
        artifact: dict[str, Any] = {"uri": uri}
        if relative:
            artifact["uriBaseId"] = SRCROOT
        physical: dict[str, Any] = {"artifactLocation": artifact}
        region = None
        if location.origin is not None and finding.message is None:
            region = location.origin.region(finding.start, finding.end)
        if region is not None:
            physical["region"] = {
                "startLine": region.start_line,
                "startColumn": region.start_column,
                "endLine": region.end_line,
                "endColumn": region.end_column,
            }
        elif location.line is not None:
            physical["region"] = {"startLine": location.line}
        return {"physicalLocation": physical}

    def _message(self, result: ScanResult, finding: Finding) -> str:
        info = self._rules[finding.rule_id][1]
        text = f'{info.description or finding.category.value} Evidence: "{finding.evidence}".'
        if finding.message is not None:
            text += f" In message {finding.message}."
        location = result.location
        if result.id not in (default_id(location), location.file):
            text += f" Record {result.id}."
        return text

    def _result(self, result: ScanResult, finding: Finding) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "ruleId": finding.rule_id,
            "ruleIndex": self._rules[finding.rule_id][0],
            "level": LEVELS[finding.severity],
            "message": {"text": self._message(result, finding)},
            "locations": [self._location(result, finding)],
            "partialFingerprints": {FINGERPRINT_KEY: self._fingerprint(result, finding)},
            "properties": {
                "record": result.id,
                "verdict": result.verdict.value,
                "score": round(result.score, 4),
                "confidence": round(finding.confidence, 4),
                "category": finding.category.value,
                "severity": finding.severity.value,
            },
        }
        if finding.suppressed:
            suppression: dict[str, Any] = {"kind": "inSource", "status": "accepted"}
            if finding.justification:
                suppression["justification"] = finding.justification
            entry["suppressions"] = [suppression]
        elif self.run.baseline:
            entry["baselineState"] = "new"
        return entry

    def close(self) -> None:
        version = self.run.tool_version
        document = {
            "$schema": SCHEMA_URI,
            "version": "2.1.0",
            "runs": [
                {
                    "tool": {
                        "driver": {
                            "name": "sentinel",
                            "version": version,
                            "semanticVersion": version,
                            "informationUri": INFORMATION_URI,
                            "rules": [rule_descriptor(info) for _, info in self._rules.values()],
                        }
                    },
                    "originalUriBaseIds": {SRCROOT: {"uri": self.paths.root_uri()}},
                    "results": self._results,
                    "columnKind": "unicodeCodePoints",
                }
            ],
        }
        json.dump(document, self.output.text(), indent=2, ensure_ascii=False)
        self.output.text().write("\n")
        super().close()

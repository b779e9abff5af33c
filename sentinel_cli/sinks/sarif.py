"""SARIF 2.1.0 for code-scanning services (GitHub, GitLab, Azure DevOps)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sentinel_cli.model import Finding, RuleInfo, ScanResult, Severity
from sentinel_cli.sinks.base import RunInfo, Sink
from sentinel_cli.sinks.output import Output

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


def _rule_descriptor(info: RuleInfo) -> dict[str, Any]:
    return {
        "id": info.id,
        "name": info.name,
        "shortDescription": {"text": info.description.split(". ")[0][:200] or info.name},
        "fullDescription": {"text": info.description or info.name},
        "help": {"text": info.help or info.description or info.name},
        "defaultConfiguration": {"level": LEVELS[info.severity]},
        "properties": {
            "tags": ["security", info.category.value, *info.tags],
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


def fingerprint(result: ScanResult, finding: Finding) -> str:
    """Stable across runs and unrelated edits: the rule and the matched text, not positions."""
    payload = "\x00".join((finding.rule_id, result.location.file, finding.evidence))
    return hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()[:32]


class SarifSink(Sink):
    def __init__(self, output: Output, run: RunInfo) -> None:
        super().__init__(output, run)
        self._results: list[dict[str, Any]] = []
        self._rules: dict[str, RuleInfo] = {}

    def write(self, result: ScanResult) -> None:
        for finding in result.findings:
            info = self.run.rules.get(finding.rule_id) or _fallback_rule(finding)
            self._rules.setdefault(info.id, info)
            self._results.append(self._result(result, finding))

    def _result(self, result: ScanResult, finding: Finding) -> dict[str, Any]:
        location = result.location
        entry: dict[str, Any] = {
            "ruleId": finding.rule_id,
            "level": LEVELS[finding.severity],
            "message": {
                "text": f"{finding.description or finding.category.value}: "
                f'"{finding.evidence}" (record {result.id}, confidence {finding.confidence:.2f})'
            },
            "partialFingerprints": {"sentinelFinding/v1": fingerprint(result, finding)},
            "properties": {"verdict": result.verdict.value, "score": round(result.score, 4)},
        }
        if location.file == "<stdin>":
            entry["locations"] = [{"logicalLocations": [{"name": result.id, "kind": "object"}]}]
        else:
            region: dict[str, int] = {}
            if location.line is not None:
                region["startLine"] = location.line
            entry["locations"] = [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": location.file},
                        **({"region": region} if region else {}),
                    }
                }
            ]
        if finding.suppressed:
            entry["suppressions"] = [{"kind": "inSource"}]
        return entry

    def close(self) -> None:
        document = {
            "$schema": SCHEMA_URI,
            "version": "2.1.0",
            "runs": [
                {
                    "tool": {
                        "driver": {
                            "name": "sentinel",
                            "version": self.run.tool_version,
                            "semanticVersion": self.run.tool_version,
                            "informationUri": INFORMATION_URI,
                            "rules": [_rule_descriptor(r) for r in self._rules.values()],
                        }
                    },
                    "results": self._results,
                    "columnKind": "unicodeCodePoints",
                }
            ],
        }
        json.dump(document, self.output.text(), indent=2, ensure_ascii=False)
        self.output.text().write("\n")
        super().close()

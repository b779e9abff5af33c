"""The worker side of ``--workers``: what crosses between the processes comes back unchanged."""

from __future__ import annotations

from sentinel_cli.engine import Detection
from sentinel_cli.model import Category, Finding, Severity
from sentinel_cli.worker import pack, unpack


def test_detections_cross_between_processes_unchanged() -> None:
    full = Finding(
        rule_id="PI001", detector="heuristics", category=Category.PII, severity=Severity.HIGH,
        confidence=0.75, start=3, end=9, evidence="[EMAIL]", message=1, view="normalized",
        description="d", subtype="EMAIL", suppressed=True, justification="test data", fingerprint="f" * 32,
    )  # fmt: skip
    plain = Finding("HE001", "heuristics", Category.JAILBREAK, Severity.MEDIUM, 0.5, 0, 4, "evil")
    for detection in (
        Detection(findings=(full, plain), seconds=0.25, text_sha256="a" * 64, text_hash="b" * 64),
        Detection(findings=(), seconds=0.0, text_sha256="c", text_hash="d", stages=(("pii", 0.5),)),
    ):
        back = unpack(pack(detection))
        assert back == detection
        # Enum members, not their string values (which would compare equal).
        assert all(type(f.category) is Category and type(f.severity) is Severity for f in back.findings)

from __future__ import annotations

from sentinel_cli.detectors.unicode import UnicodeDetector
from sentinel_cli.engine import Engine, EngineOptions
from sentinel_cli.model import Category, Verdict
from sentinel_cli.normalize import Document
from tests.helpers import prompt


def test_runs_of_hidden_characters_are_one_finding_each() -> None:
    text = "ig\u200b\u200bnore and \u202eevil" + "".join(chr(0xE0000 + ord(c)) for c in "hi there")
    found = UnicodeDetector().detect(Document(text))
    assert [(f.rule_id, f.start, f.end) for f in found] == [
        ("UC004", 2, 4),
        ("UC003", 13, 14),
        ("UC001", 18, 26),
    ]
    assert all(f.category is Category.HIDDEN_TEXT for f in found)
    assert found[2].evidence == "hidden text 'hi there'"
    assert "U+200B" in found[0].evidence


def test_benign_emoji_and_scripts_are_quiet() -> None:
    assert (
        UnicodeDetector().detect(
            Document("👍🏽 ❤\ufe0f क्\u200dष 🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f")
        )
        == []
    )


def test_hidden_characters_ask_for_strip_and_redaction_removes_them() -> None:
    engine = Engine([UnicodeDetector()], EngineOptions(redact=True))
    result = engine.scan(prompt("pay\u200bpal login"))
    assert result.verdict is Verdict.STRIP
    assert result.redacted == "paypal login"
    assert [rule.id for rule in UnicodeDetector().rules()] == ["UC001", "UC002", "UC003", "UC004", "UC005"]

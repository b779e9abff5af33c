"""Fingerprints hash what a finding is, not where it is."""

from __future__ import annotations

from pathlib import Path

from sentinel_cli.ci.fingerprint import Fingerprinter, stable_id
from sentinel_cli.ci.repo import RepoPaths
from sentinel_cli.model import Category, Finding, Location, Message, Prompt, Severity


def finding(start: int, end: int, message: int | None = None) -> Finding:
    return Finding(
        "PI001", "h", Category.DIRECT_INJECTION, Severity.HIGH, 0.9, start, end, "e", message=message
    )


def test_identical_matches_in_one_file_get_distinct_stable_prints(tmp_path: Path) -> None:
    stamp = Fingerprinter(RepoPaths(tmp_path))
    text = "bad bad"
    a = Prompt(f"{tmp_path}/f.txt:1", text, Location(f"{tmp_path}/f.txt", line=1))
    b = Prompt(f"{tmp_path}/f.txt:9", text, Location(f"{tmp_path}/f.txt", line=9))
    first = stamp(a, [finding(0, 3), finding(4, 7)]) + stamp(b, [finding(0, 3)])
    prints = [f.fingerprint for f in first]
    assert len(set(prints)) == 3
    # A new scan of the same file restarts the count; line numbers play no part.
    again = Fingerprinter(RepoPaths(tmp_path))
    moved = Prompt(f"{tmp_path}/f.txt:5", text, Location(f"{tmp_path}/f.txt", line=5))
    assert [f.fingerprint for f in again(moved, [finding(0, 3), finding(4, 7)])] == prints[:2]


def test_record_ids_and_whitespace(tmp_path: Path) -> None:
    stamp = Fingerprinter(RepoPaths(tmp_path))
    location = Location(str(tmp_path / "d.jsonl"), line=3)
    one = stamp(Prompt("rec-1", "say  hi", location), [finding(0, 7)])[0].fingerprint
    other = Fingerprinter(RepoPaths(tmp_path))
    two = other(Prompt("rec-2", "say hi", location), [finding(0, 6)])[0].fingerprint
    three = Fingerprinter(RepoPaths(tmp_path))(Prompt("rec-1", "say\nhi", location), [finding(0, 6)])
    assert one != two and one == three[0].fingerprint


def test_stable_id_drops_positions_and_file_names() -> None:
    location = Location("a/b.yaml", line=3)
    assert stable_id(Prompt("a/b.yaml:3", "x", location)) == ""
    assert stable_id(Prompt("a/b.yaml#prompts[0]", "x", location)) == "#prompts[0]"
    assert stable_id(Prompt("case-7", "x", location)) == "case-7"


def test_chat_findings_hash_their_message(tmp_path: Path) -> None:
    messages = (Message("system", "be nice"), Message("user", "be bad"))
    prompt = Prompt("c1", "be nice\n\nbe bad", Location(str(tmp_path / "c.jsonl"), line=1), messages)
    stamp = Fingerprinter(RepoPaths(tmp_path))
    a, b = stamp(prompt, [finding(3, 7, message=0), finding(3, 6, message=1)])
    assert a.fingerprint != b.fingerprint


def test_pii_and_secret_prints_never_hash_the_value(tmp_path: Path) -> None:
    from sentinel_cli.ci.fingerprint import fingerprint_of

    def pii(start: int, end: int) -> Finding:
        return Finding(
            "PII-US-SSN", "pii", Category.PII, Severity.HIGH, 0.9, start, end, "[US_SSN]", subtype="US_SSN"
        )

    text = "SSN 123-45-6789 and 987-65-4329"
    prompt = Prompt("r1", text, Location(str(tmp_path / "p.txt"), line=1))
    first, second = Fingerprinter(RepoPaths(tmp_path))(prompt, [pii(4, 15), pii(20, 31)])
    assert first.fingerprint != second.fingerprint  # told apart by occurrence, not by value
    # Someone holding the baseline cannot confirm a guessed SSN: the value is not in the hash.
    guessed = fingerprint_of("PII-US-SSN", "p.txt", "r1", "123-45-6789", 0)
    assert first.fingerprint != guessed
    assert first.fingerprint == fingerprint_of("PII-US-SSN", "p.txt", "r1", "[US_SSN]", 0)


def test_stamping_changes_the_fingerprint_and_nothing_else(tmp_path: Path) -> None:
    from dataclasses import replace

    every_field = Finding(
        "PII002", "pii", Category.PII, Severity.MEDIUM, 0.7, 2, 9, "j***@e***.com", message=1,
        view="normalized", description="e-mail", subtype="EMAIL", suppressed=True, justification="test data",
    )  # fmt: skip
    messages = (Message("system", "x"), Message("user", "mail jane@example.com"))
    prompt = Prompt("c1", "x\n\nmail jane@example.com", Location(str(tmp_path / "c.jsonl"), line=1), messages)
    (stamped,) = Fingerprinter(RepoPaths(tmp_path))(prompt, [every_field])
    assert stamped.fingerprint and stamped == replace(every_field, fingerprint=stamped.fingerprint)

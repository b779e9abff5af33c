from __future__ import annotations

from sentinel_cli.detectors.spans import Cues, Hit, Scan, SpanRule, lowered, masked, resolve
from sentinel_cli.model import Severity

RULES = {
    "A": SpanRule("A", "STRONG", Severity.HIGH, 0.9, "strong", priority=10),
    "B": SpanRule("B", "WEAK", Severity.LOW, 0.5, "weak", priority=30),
}


def test_resolve_keeps_the_better_of_overlapping_hits() -> None:
    hits = [Hit("B", 0, 10, 0.9), Hit("A", 5, 8, 0.5), Hit("B", 20, 25, 0.5), Hit("A", 24, 30, 0.9)]
    kept = resolve(hits, RULES)
    assert [(h.rule_id, h.start, h.end) for h in kept] == [("A", 5, 8), ("A", 24, 30)]


def test_resolve_keeps_touching_hits_and_dedupes_identical_ones() -> None:
    kept = resolve([Hit("A", 0, 5, 0.9), Hit("A", 5, 9, 0.9), Hit("A", 0, 5, 0.9)], RULES)
    assert [(h.start, h.end) for h in kept] == [(0, 5), (5, 9)]


def test_lowered_keeps_offsets_aligned() -> None:
    text = "İstanbul call 555"
    assert len(lowered(text)) == len(text)
    assert lowered(text).index("call") == text.index("call")


def test_scan_finds_anchors_once_and_in_order() -> None:
    scan = Scan("Token here, TOKEN there, and DL 12")
    assert scan.at("token") == [0, 12]
    assert scan.at("token", "here") == [0, 6, 12, 19]  # "there" holds "here": anchors are substrings
    assert scan.at("DL", case=True) == [29]
    assert scan.at("dl", case=True) == []
    assert scan.at("dl") == [29] and scan.at("token") == [0, 12]  # case and lower-case caches apart
    assert scan.has(("nothing", "there")) and not scan.has(("nothing", "Token"))
    assert scan.digits and not Scan("no numbers here").digits


def test_cues_whole_words_prefixes_and_phrases() -> None:
    cues = Cues(["tel", "messag*", "desk:"])
    text = "hotel 555 1234 / tel 555 1234 / messages to 555 1234 / desk: 555"
    lower = text.lower()
    assert not cues.near(lower, 6, 14, before=6)  # "hotel" is not "tel"
    assert cues.near(lower, 21, 29, before=6)
    assert cues.near(lower, 45, 53, before=14)
    assert cues.near(lower, 62, 65, before=8)
    assert Cues(["fax"]).near(lower, 0, 5, before=0, after=0) is False
    assert Cues(["office"]).near("555 1234 office", 0, 8, before=0, after=10)


def test_masked_evidence() -> None:
    assert masked("EMAIL") == "[EMAIL]"
    assert masked("CREDIT_CARD", "visa, 16 digits") == "[CREDIT_CARD] visa, 16 digits"

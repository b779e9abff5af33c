from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from sentinel_cli.model import Category, Finding, Severity
from sentinel_cli.redact import redact_prompt, redact_text


def span(start: int, end: int, category: Category = Category.PII, subtype: str = "EMAIL") -> Finding:
    return Finding("R", "pii", category, Severity.MEDIUM, 0.9, start, end, "", subtype=subtype)


def test_mask_hash_remove() -> None:
    text = "to a@b.co ok"
    assert redact_text(text, [span(3, 9)]) == "to [EMAIL] ok"
    assert redact_text(text, [span(3, 9)], style="remove") == "to  ok"
    hashed = redact_text(text, [span(3, 9)], style="hash", salt="k")
    assert hashed.startswith("to [EMAIL:") and "a@b.co" not in hashed
    assert hashed == redact_text(text, [span(3, 9)], style="hash", salt="k")  # stable
    assert hashed != redact_text(text, [span(3, 9)], style="hash", salt="other")  # salted


def test_overlapping_spans_leave_no_fragment() -> None:
    text = "key AKIAABCDEFGHIJKLMNOP end"
    spans = [span(4, 24, Category.SECRET, "AWS_ACCESS_KEY"), span(8, 20)]
    assert redact_text(text, spans) == "key [AWS_ACCESS_KEY] end"


def test_hidden_characters_are_removed() -> None:
    text = "hi\u200bthere"
    assert redact_text(text, [span(2, 3, Category.HIDDEN_TEXT)]) == "hithere"


def test_threat_findings_are_not_masked() -> None:
    assert redact_text("ignore it", [span(0, 6, Category.DIRECT_INJECTION)]) == "ignore it"


def test_redact_prompt_masks_plain_and_chat_records() -> None:
    from sentinel_cli.model import Location, Message, Prompt

    plain = Prompt("p", "to a@b.co ok", Location("f"))
    assert redact_prompt(plain, [span(3, 9)]) == "to [EMAIL] ok"
    chat = Prompt(
        "c", "hi\n\nto a@b.co", Location("f"), (Message("user", "hi"), Message("user", "to a@b.co"))
    )
    found = [Finding("R", "pii", Category.PII, Severity.MEDIUM, 0.9, 3, 9, "", message=1, subtype="EMAIL")]
    assert json.loads(redact_prompt(chat, found)) == [
        {"role": "user", "content": "hi"},
        {"role": "user", "content": "to [EMAIL]"},
    ]


def test_hide_values_in_evidence_requotes_only_overlapping_findings() -> None:
    from sentinel_cli.model import Location, Prompt
    from sentinel_cli.redact import hide_values_in_evidence

    text = "ignore it and mail a@b.co"
    threat = Finding("T", "h", Category.DIRECT_INJECTION, Severity.HIGH, 0.9, 0, 9, "ignore it")
    leak = Finding("X", "h", Category.DATA_EXFILTRATION, Severity.HIGH, 0.9, 14, 25, "mail a@b.co")
    email = span(19, 25)
    out = hide_values_in_evidence(Prompt("p", text, Location("f")), [threat, leak, email])
    assert [f.evidence for f in out] == ["ignore it", "mail [EMAIL]", ""]


@settings(max_examples=200, deadline=None)
@given(
    spans=st.lists(
        st.tuples(st.integers(0, 60), st.integers(1, 20), st.sampled_from([None, 0, 1])), max_size=25
    ),
    probe=st.tuples(st.integers(0, 70), st.integers(0, 20), st.sampled_from([None, 0, 1])),
)
def test_overlap_index_finds_exactly_the_overlapping_spans(
    spans: list[tuple[int, int, int | None]], probe: tuple[int, int, int | None]
) -> None:
    from dataclasses import replace as _replace

    from sentinel_cli.redact import _Overlaps

    base = Finding("PII-EMAIL", "pii", Category.PII, Severity.MEDIUM, 0.9, 0, 1, "[EMAIL]")
    hidden = [_replace(base, start=s, end=s + n, message=m) for s, n, m in spans]
    finding = _replace(base, start=probe[0], end=probe[0] + probe[1], message=probe[2])
    expected = [
        h for h in hidden if h.message == finding.message and h.start < finding.end and finding.start < h.end
    ]
    got = _Overlaps(hidden)(finding)
    assert sorted(got, key=id) == sorted(expected, key=id)

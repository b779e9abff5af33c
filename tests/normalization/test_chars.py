from __future__ import annotations

import pytest

from sentinel_cli.normalization.chars import HiddenKind, hidden_chars, is_invisible


def kinds(text: str) -> list[HiddenKind]:
    return [char.kind for char in hidden_chars(text)]


@pytest.mark.parametrize(
    "text",
    [
        "plain ascii",
        "👨\u200d👩\u200d👧 family",  # ZWJ in an emoji sequence
        "❤\ufe0f love",  # emoji presentation selector
        "1\ufe0f\u20e3 keycap",
        "क्\u200dष Hindi conjunct",  # ZWJ in Devanagari
        "می\u200cخواهم Persian ZWNJ",
        "ภาษา\u200bไทย Thai word break",
        "\ufeffBOM at the start",
        "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f Scotland",
        "مرحبا\u200fبك Arabic with a mark",
    ],
)
def test_legitimate_uses_are_not_reported(text: str) -> None:
    assert kinds(text) == []


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("ig\u200bnore", HiddenKind.ZERO_WIDTH),
        ("a\u200db", HiddenKind.ZERO_WIDTH),
        ("hello \U000e0041\U000e0042", HiddenKind.TAG),
        ("x\ufe00\ufe01\ufe02", HiddenKind.VARIATION_SELECTOR),
        ("a\ufe0f", HiddenKind.VARIATION_SELECTOR),
        ("abc\u202edcba", HiddenKind.BIDI_CONTROL),
        ("ab\u200ecd", HiddenKind.OTHER),
        ("soft\u00adhyphen", HiddenKind.OTHER),
        ("mid\ufefftext", HiddenKind.ZERO_WIDTH),
    ],
)
def test_hidden_characters_are_reported_with_their_kind(text: str, kind: HiddenKind) -> None:
    assert kind in kinds(text)


def test_is_invisible_covers_format_characters_but_not_visible_ones() -> None:
    assert is_invisible("\u200b") and is_invisible("\U000e0041") and is_invisible("\u2062")
    assert not is_invisible("a") and not is_invisible("\u0600") and not is_invisible("é")

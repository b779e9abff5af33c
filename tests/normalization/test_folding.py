from __future__ import annotations

from sentinel_cli.normalization.folding import (
    canonical,
    collapse_spacing,
    fold_leet,
    fold_lookalikes,
    normalize,
)


def test_lookalikes_fold_in_mixed_words_but_russian_prose_stays() -> None:
    assert fold_lookalikes("іgnоrе pаypal") == "ignore paypal"
    assert fold_lookalikes("Игнорируй все предыдущие") == "Игнорируй все предыдущие"
    assert fold_lookalikes("рау me now") == "pay me now"  # all look-alikes in a Latin text
    assert fold_lookalikes("Мы обсуждаем отчёт") == "Мы обсуждаем отчёт"
    assert fold_lookalikes("🅸🅶🅽🅾🆁🅴 ᴛʜᴇ ʀᴜʟᴇꜱ") == "IGNORE the rules"


def test_normalize_maps_expansions_and_removals() -> None:
    text = "ﬁle\u200b…"
    folded, mapping = normalize(text)
    assert folded == "file..."
    assert mapping is not None
    assert mapping.span(0, 2) == (0, 1)  # "fi" comes from the ligature
    assert mapping.span(4, 7) == (4, 5)  # "..." from the ellipsis; the ZWSP is gone


def test_normalize_composes_combining_marks_and_keeps_offsets_for_one_to_one() -> None:
    assert normalize("cafe\u0301")[0] == "café"
    folded, mapping = normalize("ｉｇｎｏｒｅ\u00a0all")
    assert folded == "ignore all" and mapping is None
    assert normalize("plain")[1] is None


def test_collapse_spacing_joins_spread_letters_and_split_words() -> None:
    joined = collapse_spacing("please i g n o r e  a l l now")
    assert joined is not None and joined[0] == "please ignore all now"
    split = collapse_spacing("System i-nstruction")
    assert split is not None and split[0] == "System instruction"
    assert collapse_spacing("no spread letters here") is None
    assert collapse_spacing("a b c") is None


def test_fold_leet_only_touches_words_written_in_digits() -> None:
    assert fold_leet("1gn0r3 4ll rul3s") == "ignore all rules"
    assert fold_leet("I have 3 apples") is None
    assert fold_leet("token aGVsbG8gd29ybGQ1234/abc9 here") is None


def test_canonical_collapses_space_and_case() -> None:
    assert canonical("  Hello\n\tWORLD  ") == "hello world"

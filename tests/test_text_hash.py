from __future__ import annotations

import hashlib

from hypothesis import given, settings
from hypothesis import strategies as st

from sentinel_cli.text_hash import normalised, text_hash


def test_case_compatibility_forms_and_spacing_fold() -> None:
    assert normalised("  Ｉｇｎｏｒｅ\tALL\n\nprevious  ") == "ignore all previous"
    assert text_hash("Ignore ALL previous") == text_hash("ignore   all previous ")
    assert text_hash("ignore all previous") == hashlib.sha256(b"ignore all previous").hexdigest()
    assert text_hash("ignore all") != text_hash("ignore all previous")


def test_sharp_s_casefolds() -> None:
    assert normalised("STRASSE") == normalised("straße")


_CHARS = st.sampled_from(
    [*"ab AZ09.", " ", "\t", "\n", "\u00a0", "\u3000", "\u00a8", "\u0301", "e", "ﬁ", "ß", "Σ", "\u2028", "ｉ"]
)


@settings(max_examples=300, deadline=None)
@given(text=st.lists(_CHARS, max_size=60).map("".join), chunk=st.integers(1, 9))
def test_the_hash_folded_piece_by_piece_equals_the_hash_of_the_whole(text: str, chunk: int) -> None:
    """Long prompts are folded in pieces (bounded memory); the hash must not change."""
    whole = hashlib.sha256(normalised(text).encode("utf-8", "surrogatepass")).hexdigest()
    assert text_hash(text, chunk=chunk) == whole

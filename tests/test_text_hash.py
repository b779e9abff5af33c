from __future__ import annotations

import hashlib

from sentinel_cli.text_hash import normalised, text_hash


def test_case_compatibility_forms_and_spacing_fold() -> None:
    assert normalised("  Ｉｇｎｏｒｅ\tALL\n\nprevious  ") == "ignore all previous"
    assert text_hash("Ignore ALL previous") == text_hash("ignore   all previous ")
    assert text_hash("ignore all previous") == hashlib.sha256(b"ignore all previous").hexdigest()
    assert text_hash("ignore all") != text_hash("ignore all previous")


def test_sharp_s_casefolds() -> None:
    assert normalised("STRASSE") == normalised("straße")

from __future__ import annotations

from sentinel_cli.normalization.scan import Scanner


def test_ascii_and_unicode_texts_give_character_offsets() -> None:
    scanner = Scanner(r"[0-9]+")
    assert scanner.spans("ab 12 cd 345") == [(3, 5), (9, 12)]
    assert scanner.spans("éé 12 чд 345") == [(3, 5), (9, 12)]
    assert scanner.search("x9") and not scanner.search("none")


def test_first_participating_group() -> None:
    scanner = Scanner(r"(?:^| )(a+)|(b+)(?: |$)")
    assert scanner.spans("aa bbb", 1, 2) == [(0, 2), (3, 6)]
    assert scanner.spans("ä aa", 1) == [(2, 4)]

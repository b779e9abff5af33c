"""Every pinned package has a reader and every reader a pinned package and a licence in the card."""

from __future__ import annotations

import pytest

pytest.importorskip("yaml")

from sentinel_cli.training.card import LICENCES, _family
from sentinel_cli.training.fetch import PACKAGES
from sentinel_cli.training.sources import READERS
from sentinel_cli.training.templates import TEMPLATE_PACKAGES


def test_readers_and_pinned_packages_match() -> None:
    assert sorted(READERS) == sorted(package.name for package in PACKAGES)
    assert all(len(package.sha256) == 64 and package.license for package in PACKAGES)


def test_template_rows_have_a_licence_in_the_card() -> None:
    for name in TEMPLATE_PACKAGES:
        assert _family(f"llm-prompts:{name}") in LICENCES

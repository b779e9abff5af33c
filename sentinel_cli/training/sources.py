"""Every training-data reader, by package, and the dev set.

Every reader returns rows in a deterministic order (sorted file lists, no
sets iterated) and reads data files only.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from sentinel_cli.training.attacks import (
    read_bastioncorpus,
    read_garak_multilingual,
    read_giskard,
    read_jailbreak_mini,
    read_pyrit,
    read_spikee,
)
from sentinel_cli.training.benign import (
    read_chatterbot,
    read_deepeval,
    read_django,
    read_garak_docs,
    read_udhr,
)
from sentinel_cli.training.rows import Row, read_dev
from sentinel_cli.training.templates import TEMPLATE_PACKAGES, read_templates

__all__ = ["READERS", "Row", "read_dev", "read_packages"]

READERS: dict[str, Callable[[Path], list[Row]]] = {
    "pyrit": read_pyrit,
    "garak": read_garak_docs,
    "garak-multilingual": read_garak_multilingual,
    "bastioncorpus": read_bastioncorpus,
    "jailbreak-corpus-mini-py": read_jailbreak_mini,
    "giskard": read_giskard,
    "spikee": read_spikee,
    "deepeval": read_deepeval,
    "django": read_django,
    "udhr": read_udhr,
    "chatterbot-corpus": read_chatterbot,
    **{name: partial(read_templates, package=name) for name in TEMPLATE_PACKAGES},
}
"""Package name (as in ``fetch.PACKAGES``) -> reader of its unpacked directory."""


def read_packages(unpacked: dict[str, Path]) -> list[Row]:
    rows: list[Row] = []
    for name, reader in READERS.items():
        rows.extend(reader(unpacked[name]))
    return rows

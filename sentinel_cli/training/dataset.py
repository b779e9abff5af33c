"""Assemble the training set: dev rows, package rows without dev duplicates, and derived rows.

Derived rows follow published recipes rather than inventing text:
- indirect injections (BIPIA's recipe): an attack string from the package
  data placed at the start, middle or end of a benign document from the
  package data (code, UI text, declarations in many languages);
- obfuscated copies of package attacks (leetspeak, letter spacing,
  homoglyphs, the tricks garak's and PyRIT's converters apply), so the model
  does not depend on the normaliser catching every one.
Only package rows are used for derived rows, never dev rows, so a dev row is
never present in training under a disguise while it is being scored.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import replace

from sentinel_cli.localmodel.features import canonical
from sentinel_cli.training.sources import Row

SEED = 20261126
_TOKENS = re.compile(r"\w+")
SHINGLE = 8


def _tokens(text: str) -> list[str]:
    return _TOKENS.findall(canonical(text))


def _shingles(tokens: Sequence[str]) -> set[str]:
    if len(tokens) < SHINGLE:
        return {" ".join(tokens)}
    return {" ".join(tokens[i : i + SHINGLE]) for i in range(len(tokens) - SHINGLE + 1)}


def drop_overlap(extra: Sequence[Row], dev: Sequence[Row], limit: float = 0.3) -> tuple[list[Row], int]:
    """Package rows minus those that repeat a dev row (same text, or >= ``limit`` of its 8-word runs).

    Several packages vendor the same public prompts the dev set was built
    from; keeping them would let cross-validation score rows it trained on.
    Also drops exact duplicates inside the package rows (first one kept).
    """
    dev_shingles: set[str] = set()
    for row in dev:
        dev_shingles |= _shingles(_tokens(row.text))
    kept: list[Row] = []
    seen: set[str] = set()
    dropped = 0
    for row in extra:
        tokens = _tokens(row.text)
        key = " ".join(tokens)
        shingles = _shingles(tokens)
        overlap = sum(1 for s in shingles if s in dev_shingles) / max(1, len(shingles))
        if not tokens or key in seen or overlap >= limit:
            dropped += 1
            continue
        seen.add(key)
        kept.append(row)
    return kept, dropped


_LEET = str.maketrans({"a": "4", "e": "3", "i": "1", "o": "0", "s": "5", "t": "7"})
_HOMOGLYPHS = str.maketrans({"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "i": "і"})


def obfuscate(text: str, how: str, rng: random.Random) -> str:
    if how == "leet":
        return text.translate(_LEET)
    if how == "homoglyph":
        return "".join(ch.translate(_HOMOGLYPHS) if rng.random() < 0.6 else ch for ch in text)
    if how == "spacing":
        words = text.split()
        picks = {i for i in range(len(words)) if rng.random() < 0.4}
        return " ".join(" ".join(w) if i in picks else w for i, w in enumerate(words))
    raise ValueError(how)


def derived_rows(extra: Sequence[Row]) -> list[Row]:
    """Indirect injections and obfuscated attacks built only from package rows."""
    rng = random.Random(SEED)
    attacks = [r for r in extra if r.label == "injection" and 15 <= len(r.text) <= 400]
    jailbreaks = [r for r in extra if r.label == "jailbreak" and len(r.text) <= 1500]
    documents = [r for r in extra if r.label == "benign" and r.source in ("django:code", "udhr", "deepeval")]
    derived: list[Row] = []
    for index, attack in enumerate(attacks * 3):
        doc = documents[rng.randrange(len(documents))]
        body = doc.text[:900]
        where = ("start", "middle", "end")[index % 3]
        if where == "start":
            text = f"{attack.text}\n{body}"
        elif where == "end":
            text = f"{body}\n{attack.text}"
        else:
            cut = body.find(" ", len(body) // 2)
            cut = cut if cut > 0 else len(body) // 2
            text = f"{body[:cut]}\n\n{attack.text}\n\n{body[cut:]}"
        derived.append(
            Row(
                text,
                "injection",
                f"derived:indirect<{attack.source}>",
                f"indirect:{where}",
                doc.lang,
                group=attack.group or f"attack:{attack.text[:80]}",
                tags=("indirect", "derived"),
            )
        )
    for index, attack in enumerate(attacks + jailbreaks):
        how = ("leet", "homoglyph", "spacing")[index % 3]
        derived.append(
            replace(
                attack,
                text=obfuscate(attack.text, how, rng),
                source=f"derived:{how}<{attack.source}>",
                category=f"obfuscated:{how}",
                tags=("obfuscation", "derived"),
                group=attack.group or f"attack:{attack.text[:80]}",
            )
        )
    return derived


def dev_contrasts(dev: Sequence[Row]) -> list[Row]:
    """The clean document behind each dev indirect injection, as a benign row.

    BIPIA builds an injection by joining an attack string to a document; taking
    the attack off again gives the document alone, so the model learns that the
    attack, not the document, is the signal. Each carries its parent's id:
    cross-validation leaves it out whenever the parent is being scored.
    """
    rows = []
    for row in dev:
        attack, position = row.meta.get("attack"), row.meta.get("position")
        if not attack or row.label == "benign":
            continue
        if position == "start" and row.text.startswith(attack + "\n"):
            text = row.text[len(attack) + 1 :]
        elif position == "end" and row.text.endswith("\n" + attack):
            text = row.text[: -len(attack) - 1]
        else:
            continue
        rows.append(
            Row(
                text,
                "benign",
                "derived:dev_clean_document",
                f"document:{row.category}",
                row.lang,
                group=row.group,
                tags=("document", "derived"),
                meta={"parent": row.meta["id"]},
            )
        )
    return rows


def with_groups(rows: Sequence[Row]) -> list[Row]:
    """Give every row a CV group: its own text unless a reader set one."""
    return [row if row.group else replace(row, group=f"text:{row.source}:{row.text[:120]}") for row in rows]

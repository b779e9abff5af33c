"""One labelled training row, and the dev set as rows."""

from __future__ import annotations

import json
from dataclasses import field
from pathlib import Path
from typing import Any

from sentinel_cli.frozen import frozen


@frozen
class Row:
    text: str
    label: str  # benign | injection | jailbreak
    source: str  # dataset name used for per-source reporting
    category: str = ""
    lang: str = "en"
    group: str = ""  # rows sharing a group stay in one CV fold
    tags: tuple[str, ...] = ()
    dev: bool = False
    meta: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


def read_dev(path: Path) -> list[Row]:
    rows = []
    for line in path.read_text(encoding="utf-8").split("\n"):
        if not line.strip():
            continue
        item = json.loads(line)
        meta = item.get("meta") or {}
        source = item["source"].split(":", 1)[0]
        rows.append(
            Row(
                text=item["text"],
                label=item["label"],
                source=f"dev:{source}",
                category=item.get("category", ""),
                lang=item.get("lang", "en"),
                group=f"dev-attack:{meta['attack']}" if "attack" in meta else item["id"],
                tags=tuple(item.get("tags", [])),
                dev=True,
                meta={"id": item["id"], **{k: meta[k] for k in ("attack", "position") if k in meta}},
            )
        )
    return rows

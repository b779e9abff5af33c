"""Regenerate the binary samples (Parquet) from the text samples: python scripts/make_samples.py"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def main() -> None:
    rows = [json.loads(line) for line in (SAMPLES / "prompts.jsonl").read_text("utf-8").splitlines()]
    table = pa.table(
        {
            "id": [row["id"] for row in rows],
            "prompt": [row["prompt"] for row in rows],
            "channel": ["web" if i % 2 else "api" for i in range(len(rows))],
        }
    )
    pq.write_table(table, SAMPLES / "prompts.parquet", compression="zstd")


if __name__ == "__main__":
    main()

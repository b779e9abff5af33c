"""Recall and false alarms under obfuscations, for the rule packs and the local model together.

    python benchmarks/bench_obfuscations.py [--dev ../shared/eval/dev/prompts.jsonl] [--model PATH]

Takes 200 attacks and 200 benign rows under 600 characters from the dev set (a
fixed random sample), writes each of them in every obfuscation below, and
scans them with ``heuristics,unicode,model``; a row counts when its score
reaches the ``moderate`` flag threshold. The dev rows are in the shipped
model's training data, so compare the obfuscations with each other and with
``plain``, not with cross-validated figures.
"""

from __future__ import annotations

import argparse
import base64
import codecs
import json
import random
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sentinel_cli.config import load_settings  # noqa: E402
from sentinel_cli.detectors.model import ModelDetector  # noqa: E402
from sentinel_cli.detectors.registry import create  # noqa: E402
from sentinel_cli.engine import THRESHOLDS, Engine, EngineOptions  # noqa: E402
from sentinel_cli.localmodel.artifact import DEFAULT_PATH  # noqa: E402
from sentinel_cli.localmodel.classifier import Classifier  # noqa: E402
from sentinel_cli.model import Location, Mode, Prompt  # noqa: E402

LOWER = "abcdefghijklmnopqrstuvwxyz"
MORSE = [
    ".-", "-...", "-.-.", "-..", ".", "..-.", "--.", "....", "..", ".---", "-.-", ".-..", "--",
    "-.", "---", ".--.", "--.-", ".-.", "...", "-", "..-", "...-", ".--", "-..-", "-.--", "--..",
]  # fmt: skip
BRAILLE = "⠁⠃⠉⠙⠑⠋⠛⠓⠊⠚⠅⠇⠍⠝⠕⠏⠟⠗⠎⠞⠥⠧⠺⠭⠽⠵"
UPSIDE_DOWN = "ɐqɔpǝɟƃɥᴉɾʞlɯuodbɹsʇnʌʍxʎz"


def _caesar3(text: str) -> str:
    moved = LOWER[3:] + LOWER[:3]
    return text.translate(str.maketrans(LOWER + LOWER.upper(), moved + moved.upper()))


def _zalgo(text: str) -> str:
    marks = random.Random(1)
    return "".join(
        char + "".join(chr(marks.randint(0x300, 0x36F)) for _ in range(marks.randint(1, 3)))
        if char.isalpha()
        else char
        for char in text
    )


def _morse(text: str) -> str:
    table = dict(zip(LOWER, MORSE, strict=True))
    return " / ".join(" ".join(table[c] for c in word.lower() if c in table) for word in text.split())


def _per_letter(table: str) -> Callable[[str], str]:
    mapping = dict(zip(LOWER, table, strict=True))
    return lambda text: "".join(mapping.get(c.lower(), c) for c in text)


OBFUSCATIONS: dict[str, Callable[[str], str]] = {
    "plain": lambda text: text,
    "rot13": lambda text: "rot13: " + codecs.encode(text, "rot13"),
    "caesar-3": _caesar3,
    "base64": lambda text: base64.b64encode(text.encode()).decode(),
    "morse": _morse,
    "braille": _per_letter(BRAILLE),
    "zero-width": "\u200b".join,
    "fullwidth": lambda text: "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text),
    "emoji between letters": lambda text: "".join(
        c + ("\U0001f600" if c.isalpha() and i % 2 else "") for i, c in enumerate(text)
    ),
    "zalgo": _zalgo,
    "upside down": lambda text: _per_letter(UPSIDE_DOWN)(text)[::-1],
    "words cut in two": lambda text: " ".join(
        w[: len(w) // 2] + " " + w[len(w) // 2 :] if len(w) > 5 else w for w in text.split()
    ),
}


def main() -> int:
    raw = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=raw)
    parser.add_argument("--dev", type=Path, default=ROOT.parent / "shared" / "eval" / "dev" / "prompts.jsonl")
    parser.add_argument("--model", type=Path, default=DEFAULT_PATH)
    parser.add_argument("--rows", type=int, default=200, help="attacks and benign rows each")
    args = parser.parse_args()
    if not args.dev.is_file():
        print(f"dev set not found: {args.dev} (give --dev PATH)", file=sys.stderr)
        return 2
    lines = args.dev.read_text(encoding="utf-8").split("\n")  # not splitlines: U+2028 is inside rows
    rows = [json.loads(line) for line in lines if line.strip()]
    short = [row for row in rows if len(row["text"]) < 600]
    sample = random.Random(5)
    attacks = sample.sample([r["text"] for r in short if r["label"] != "benign"], args.rows)
    benign = sample.sample([r["text"] for r in short if r["label"] == "benign"], args.rows)
    rules = create(["heuristics", "unicode"], load_settings(discover=False, environment=False))
    engine = Engine([*rules, ModelDetector(Classifier.load(args.model))], EngineOptions())
    flag = THRESHOLDS[Mode.MODERATE].flag

    def share(texts: list[str], obfuscate: Callable[[str], str]) -> float:
        hits = sum(
            engine.scan(Prompt(id="o", text=obfuscate(text), location=Location("bench"))).score >= flag
            for text in texts
        )
        return hits / len(texts)

    print(f"{'obfuscation':24s} {'recall':>7s} {'benign flagged':>15s}")
    for name, obfuscate in OBFUSCATIONS.items():
        print(f"{name:24s} {share(attacks, obfuscate):7.3f} {share(benign, obfuscate):15.3f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

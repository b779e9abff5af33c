"""Absolute cost of hostile inputs: CPU time and peak memory of one scan per case and size.

    python benchmarks/bench_adversarial.py [--sizes 250000,1000000]

The test suite checks that each case grows linearly (tests/test_adversarial.py);
this prints what it costs. Each case is one prompt of the given number of
characters, scanned by the default engine with ``max_prompt_chars`` lifted so
the detectors see all of it. Times are CPU time of this process (best of two);
memory is the peak that ``tracemalloc`` saw during a separate, third scan, so
timing runs without its overhead. ``--cli`` also runs ``sentinel scan`` on a
50 MB single line (the default limits on) under ``getrusage`` for its peak RSS.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sentinel_cli.config import load_settings  # noqa: E402
from sentinel_cli.engine import Engine  # noqa: E402
from sentinel_cli.model import Location, Prompt  # noqa: E402
from sentinel_cli.scan_service import build_engine  # noqa: E402
from tests.test_adversarial import CASES  # noqa: E402 - one definition of the hostile inputs


def measure(engine: Engine, text: str) -> tuple[float, int]:
    prompt = Prompt(id="p", text=text, location=Location("bench", line=1))
    best = float("inf")
    for _ in range(2):
        started = time.process_time()
        engine.scan(prompt)
        best = min(best, time.process_time() - started)
    tracemalloc.start()
    try:
        engine.scan(prompt)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return best, peak


def cli_50mb() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        big = Path(scratch) / "line.txt"
        chunk = ("lorem ipsum dolor sit amet " * 40).encode()
        with big.open("wb") as handle:
            for _ in range(50 * 1024 * 1024 // len(chunk) + 1):
                handle.write(chunk)
            handle.write(b"\n")
        # A small parent of its own: the child's peak RSS would include this process's pages,
        # which it inherits until exec, if this process started it.
        measure = (
            "import resource, subprocess, sys, time\n"
            "started = time.perf_counter()\n"
            "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=False)\n"
            "print(time.perf_counter() - started, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
        )
        scan = [sys.executable, "-m", "sentinel_cli", "scan", str(big), "-f", "jsonl", "-q"]
        done = subprocess.run(
            [sys.executable, "-c", measure, *scan], cwd=ROOT, capture_output=True, text=True, check=False
        )
        elapsed, rss_kib = (float(value) for value in done.stdout.split())
        rss = rss_kib / 1024
        size = big.stat().st_size / 1024 / 1024
        print(f"\nsentinel scan, one {size:.0f} MB line: {elapsed:.1f} s wall, peak RSS {rss:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="250000,1000000", help="characters per prompt, comma-separated")
    parser.add_argument("--cli", action="store_true", help="also scan a 50 MB single line with the CLI")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    engine = build_engine(load_settings(discover=False, max_prompt_chars=100_000_000))
    engine.scan(Prompt(id="w", text="warm up", location=Location("bench", line=1)))
    print(f"{'case':40s}" + "".join(f"{size:>12,} chars" for size in sizes) + "   (CPU s / peak MB)")
    for name, (make, _) in CASES.items():
        cells = []
        for size in sizes:
            seconds, peak = measure(engine, make(size))
            cells.append(f"{seconds:8.2f} s {peak / 1e6:6.0f} MB")
        print(f"{name:40s}" + "".join(f"{cell:>20s}" for cell in cells), flush=True)
    if args.cli:
        cli_50mb()


if __name__ == "__main__":
    main()

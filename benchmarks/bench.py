"""sentinel's benchmarks: cold start, throughput, latency, memory at scale, the LLM path.

Run from the repository root (or ``tox -e bench``)::

    python benchmarks/bench.py                      # everything, as published
    python benchmarks/bench.py --quick              # fewer and smaller runs
    python benchmarks/bench.py --only cold,throughput
    python benchmarks/bench.py --write-docs         # also rewrite docs/performance.md

Every figure is a median over several runs of the real command in a fresh
process (the 1,000,000-row Parquet run is long and runs once per setting).
Throughput counts the whole process, start-up included; "per core" divides
by the CPU time of all its processes, which other jobs on a shared machine
disturb less than wall time. Cold start compares ``echo hello | sentinel scan -``
with ``python -c "import typer, rich, pydantic_settings"``.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import (
    ROOT,
    Run,
    cli_env,
    compile_tree,
    machine,
    median,
    mix,
    parallel_ceiling,
    percentile,
    sentinel,
    write_jsonl,
)

SECTIONS = ("cold", "throughput", "parquet", "llm")
BASELINE = [sys.executable, "-c", "import typer, rich, pydantic_settings"]
COUNTS = {"short": 20_000, "2kb": 4_000, "10kb": 1_000}
LONG = 5
"""The short-prompt case also runs this many times as many prompts (a run of half a minute):
a run of a few seconds is a tenth start-up, the pool's start and first compiles."""
WITH_MODEL = ["--detectors", "heuristics,unicode,model,pii,secrets"]
CASES: dict[str, tuple[str, list[str], bool]] = {
    "short": ("short", [], True),
    "2kb": ("2kb", [], True),
    "10kb": ("10kb", [], True),
    "short+model": ("short", WITH_MODEL, False),
}
"""Case -> (texts, extra scan arguments, also with all cores)."""
LLM_LATENCY = 0.05
LLM_PROMPTS = 200


def cold_start(runs: int) -> dict[str, Any]:
    scan = sentinel("scan", "-")
    for _ in range(3):  # warm the file cache
        Run(BASELINE)
        Run(scan, stdin=b"hello\n")
    base, ours = [], []
    for _ in range(runs):  # interleaved, so drifting load hits both alike
        base.append(Run(BASELINE))
        ours.append(Run(scan, stdin=b"hello\n"))
    assert all(run.returncode == 0 for run in ours), ours[0].stderr
    result = {
        "runs": runs,
        "baseline_wall_ms": median([r.wall for r in base]) * 1000,
        "baseline_cpu_ms": median([r.cpu for r in base]) * 1000,
        "scan_wall_ms": median([r.wall for r in ours]) * 1000,
        "scan_cpu_ms": median([r.cpu for r in ours]) * 1000,
    }
    result["ratio_wall"] = result["scan_wall_ms"] / result["baseline_wall_ms"]
    result["ratio_cpu"] = result["scan_cpu_ms"] / result["baseline_cpu_ms"]
    return result


def throughput(runs: int, scale: float, workdir: Path, cores: int) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for kind, (texts, extra, all_cores) in CASES.items():
        count = max(int(COUNTS[texts] * scale), 50)
        source = workdir / f"{texts}.jsonl"
        if not source.exists():
            write_jsonl(source, mix(texts, count))
        output = workdir / f"{kind}.out.jsonl"
        row: dict[str, Any] = {"prompts": count}
        settings = sorted({1, cores if all_cores else 1})
        runs_of, ceilings, _ = _interleaved(runs, source, output, settings, extra)
        for workers in settings:
            timings = runs_of[workers]
            key = "one_worker" if workers == 1 else "all_cores"
            row[key] = {
                "workers": workers,
                "prompts_per_s": count / median([r.wall for r in timings]),
                "prompts_per_cpu_s": count / median([r.cpu for r in timings]),
            }
            if workers == 1:
                elapsed = [json.loads(line)["elapsed_ms"] for line in output.open(encoding="utf-8")]
                assert len(elapsed) == count
                row["latency_ms"] = {"p50": percentile(elapsed, 0.5), "p99": percentile(elapsed, 0.99)}
        if "all_cores" in row:
            row["speedup"] = row["all_cores"]["prompts_per_s"] / row["one_worker"]["prompts_per_s"]
            row["ceiling"] = median(ceilings)
            if kind == "short":
                # The speed-up target is read from this run: more rounds, a steadier median.
                row["steady"] = _steady(runs + 2 if runs > 1 else runs, texts, count, workdir, settings)
        results[kind] = row
    return results


def _interleaved(
    runs: int,
    source: Path,
    output: Path,
    settings: list[int],
    extra: list[str],
    parts: Sequence[Path] = (),
) -> tuple[dict[int, list[Run]], list[float], list[float]]:
    """``runs`` rounds of ``sentinel scan source`` with each worker count in ``settings``, and
    in each round the machine's ``parallel_ceiling`` for the most workers (when more than one),
    over as long as that round's run with the most workers took, then ``_side_by_side(parts)``
    when ``parts`` are given.

    Interleaved, so drifting machine speed hits every setting alike; one worker runs last
    in each round, so the output left behind is a one-worker run's (for the latencies)."""
    runs_of: dict[int, list[Run]] = {workers: [] for workers in settings}
    ceilings, side_by_side = [], []
    most = max(settings)
    for _ in range(runs):
        for workers in sorted(settings, reverse=True):
            run = Run(_scan_command(source, output, workers, extra))
            assert run.returncode == 0, run.stderr
            runs_of[workers].append(run)
        if most > 1:
            ceilings.append(parallel_ceiling(most, runs_of[most][-1].wall))
        if parts:
            side_by_side.append(_side_by_side(parts))
    return runs_of, ceilings, side_by_side


def _scan_command(source: Path, output: Path, workers: int, extra: Sequence[str] = ()) -> list[str]:
    return sentinel("scan", str(source), "-o", str(output), "--workers", str(workers),
                    "--fail-on", "never", "-q", *extra)  # fmt: skip


def _steady(runs: int, texts: str, count: int, workdir: Path, settings: list[int]) -> dict[str, Any]:
    """The whole-run speed-up of ``LONG`` times the prompts, runs interleaved; and, as a control,
    the same prompts cut into one part per worker, each part scanned by its own one-worker
    process, all at once."""
    large = count * LONG
    texts_of = mix(texts, large)
    source = write_jsonl(workdir / f"{texts}-x{LONG}.jsonl", texts_of)
    one, every = min(settings), max(settings)
    cuts = [n * large // every for n in range(every + 1)]
    parts = [
        write_jsonl(workdir / f"{texts}-x{LONG}-part{n}.jsonl", texts_of[cuts[n] : cuts[n + 1]])
        for n in range(every)
        if every > 1
    ]
    output = workdir / f"{texts}-x{LONG}.out.jsonl"
    timings, ceilings, side_by_side = _interleaved(runs, source, output, settings, [], parts)
    rates = {workers: large / median([r.wall for r in timings[workers]]) for workers in settings}
    row = {
        "prompts": large,
        "runs": runs,
        "one_worker_per_cpu_s": large / median([r.cpu for r in timings[one]]),
        "one_worker": rates[one],
        "all_cores": rates[every],
        "workers": every,
        "speedup": rates[every] / rates[one],
    }
    if every > 1:
        row["ceiling"] = median(ceilings)
        row["side_by_side"] = large / median(side_by_side) / rates[one]
    return row


def _side_by_side(sources: Sequence[Path]) -> float:
    """Seconds until one-worker scans of all ``sources``, started together, have all finished."""
    started = time.perf_counter()
    scans = []
    for source in sources:
        command = _scan_command(source, source.with_suffix(".out.jsonl"), 1)
        scans.append(
            subprocess.Popen(
                command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=cli_env(), cwd=ROOT
            )
        )
    for scan in scans:
        _, stderr = scan.communicate()
        assert scan.returncode == 0, stderr.decode(errors="replace")
    return time.perf_counter() - started


def _memory(pid: int) -> tuple[int, int]:
    """``(PSS, largest RSS)`` in bytes of a process and its children (Linux ``/proc``).

    The proportional set size counts pages that forked workers share with the parent
    once, split between them, so the sum is the memory the run really holds."""
    pss = largest = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            parent = int(stat.rpartition(")")[2].split()[1])
            if int(entry.name) != pid and parent != pid:
                continue
            for line in (entry / "smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    largest = max(largest, int(line.split()[1]) * 1024)
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1]) * 1024
        except (OSError, ValueError, IndexError):
            continue
    return pss, largest


def make_parquet(path: Path, rows: int) -> Path:
    """Distinct short prompts (a dev row and a letter code), one row group, as many tools write."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    pool = mix("short", 5000)

    def code(number: int) -> str:
        letters = ""
        while True:
            letters = chr(97 + number % 26) + letters
            number //= 26
            if not number:
                return letters

    texts = [f"{pool[i % len(pool)]} [{code(i)}]" for i in range(rows)]
    pq.write_table(pa.table({"id": [f"r{i}" for i in range(rows)], "text": texts}), path, compression="zstd")
    return path


def parquet(rows: int, workdir: Path, cores: int) -> dict[str, Any]:
    import subprocess

    source = workdir / "big.parquet"
    # Made in a child process, so the million strings do not stay in this one's memory.
    subprocess.run([sys.executable, __file__, "--make-parquet", str(source), str(rows)], check=True)
    results: dict[str, Any] = {"rows": rows, "input_mb": source.stat().st_size / 1e6}
    for workers in sorted({1, cores}):
        output = workdir / f"out{workers}.parquet"
        command = sentinel(
            "scan", str(source), "-o", str(output), "--workers", str(workers), "--fail-on", "never", "-q"
        )
        peak_pss = peak_rss = 0
        started = time.perf_counter()
        process = subprocess.Popen(
            command, env=cli_env(), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        while process.poll() is None:
            pss, rss = _memory(process.pid)
            peak_pss, peak_rss = max(peak_pss, pss), max(peak_rss, rss)
            time.sleep(0.1)
        wall = time.perf_counter() - started
        assert process.returncode == 0, process.stderr.read() if process.stderr else ""
        import pyarrow.parquet as pq

        assert pq.ParquetFile(output).metadata.num_rows == rows
        results["one_worker" if workers == 1 else "all_cores"] = {
            "workers": workers,
            "rows_per_s": rows / wall,
            "peak_pss_total_mb": peak_pss / 1e6,
            "peak_rss_largest_mb": peak_rss / 1e6,
        }
    return results


def llm(workdir: Path, quick: bool) -> dict[str, Any]:
    """Judge throughput against the fake API: marginal prompts/s between a small and a large run
    (so the SDK import and connection set-up, paid once, are left out), then a cache-warm re-run."""
    from tests.fake_llm_api import Behaviour, FakeLlmApi

    small, large = (40, 160) if quick else (100, 500)
    fake = FakeLlmApi().start()
    fake.default["anthropic"] = Behaviour(delay=LLM_LATENCY)
    try:
        texts = mix("short", large)
        inputs = {n: write_jsonl(workdir / f"llm{n}.jsonl", texts[:n]) for n in (small, large)}
        env = cli_env(
            ANTHROPIC_API_KEY="sk-ant-bench",
            SENTINEL_ANTHROPIC_BASE_URL=fake.anthropic_url,
            SENTINEL_LLM_PROVIDERS="anthropic",
            SENTINEL_CACHE_DIR=str(workdir / "cache"),
            SENTINEL_DATA_DIR=str(workdir / "data"),
        )

        def scan(count: int, *extra: str) -> float:
            command = sentinel(
                "scan", str(inputs[count]), "-o", str(workdir / "llm.out.jsonl"), "--llm", "always"
            )
            return _run_seconds(Run([*command, "--fail-on", "never", *extra], env=env))

        results: dict[str, Any] = {"prompts": (small, large), "latency_ms": LLM_LATENCY * 1000}
        results["concurrency"] = {}
        for concurrency in (1, 4, 16, 64):
            flags = ("--no-cache", "--llm-concurrency", str(concurrency))
            seconds = scan(large, *flags) - scan(small, *flags)
            results["concurrency"][concurrency] = (large - small) / seconds
        cold = scan(large, "--llm-concurrency", "16")
        calls = len(fake.calls())
        warm = scan(large, "--llm-concurrency", "16")
        results["cache_cold_s"] = cold
        results["cache_warm_s"] = warm
        results["warm_calls"] = len(fake.calls()) - calls
        return results
    finally:
        fake.stop()


def _run_seconds(run: Run) -> float:
    """The scan's own time from its summary line ("scanned N prompt(s) ... in 1.23s")."""
    assert run.returncode == 0, run.stderr
    match = re.search(r"scanned \d+ prompt\(s\) from \d+ input\(s\) in ([0-9.]+)s", run.stderr)
    assert match is not None, run.stderr
    return float(match.group(1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs and smaller inputs")
    parser.add_argument("--only", help=f"comma-separated sections ({', '.join(SECTIONS)})")
    parser.add_argument("--parquet-rows", type=int, help="rows of the Parquet file (default 1,000,000)")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    parser.add_argument("--write-docs", action="store_true", help="rewrite docs/performance.md")
    parser.add_argument("--merge", type=Path, help="take the sections not run from this earlier --json file")
    parser.add_argument("--make-parquet", nargs=2, metavar=("PATH", "ROWS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.make_parquet:
        make_parquet(Path(args.make_parquet[0]), int(args.make_parquet[1]))
        return 0
    sections = args.only.split(",") if args.only else list(SECTIONS)
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown section(s): {', '.join(sorted(unknown))}")
    compile_tree()
    info = machine()
    cores = int(str(info["usable_cores"]))
    results: dict[str, Any] = {"machine": info, "quick": args.quick}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="sentinel-bench-") as tmp:
        workdir = Path(tmp)
        if "cold" in sections:
            results["cold"] = cold_start(8 if args.quick else 20)
            _progress("cold start", results["cold"])
        if "throughput" in sections:
            results["throughput"] = throughput(
                1 if args.quick else 3, 0.25 if args.quick else 1.0, workdir, cores
            )
            _progress("throughput", results["throughput"])
        if "parquet" in sections:
            rows = args.parquet_rows or (200_000 if args.quick else 1_000_000)
            results["parquet"] = parquet(rows, workdir, cores)
            _progress("parquet", results["parquet"])
        if "llm" in sections:
            results["llm"] = llm(workdir, args.quick)
            _progress("llm", results["llm"])
    if args.merge:
        earlier = json.loads(args.merge.read_text("utf-8"))
        # Where each section kept from the earlier run was measured (itself merged, perhaps).
        origin = f"the run of {earlier['machine']['command']} at commit {earlier['machine']['commit']}"
        sources: dict[str, str] = {}
        for section in SECTIONS:
            if section not in sections and section in earlier:
                results[section] = earlier[section]
                sources[section] = earlier["machine"].get("sources", {}).get(section, origin)
        info["sources"] = sources
        by_origin: dict[str, list[str]] = {}
        for section, where in sources.items():
            by_origin.setdefault(where, []).append(section)
        info["merged"] = "; ".join(f"{', '.join(kept)} from {where}" for where, kept in by_origin.items())
    info["load_end"] = os.getloadavg()
    info["minutes"] = (time.perf_counter() - started) / 60
    info["date"] = datetime.date.today().isoformat()
    info["command"] = "python benchmarks/bench.py " + " ".join(sys.argv[1:])
    from report import render

    text = render(results)
    print(text)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str), "utf-8")
    if args.write_docs:
        (ROOT / "docs" / "performance.md").write_text(text, "utf-8")
        print("wrote docs/performance.md", file=sys.stderr)
    return 0


def _progress(name: str, data: object) -> None:
    print(
        f"[{time.strftime('%H:%M:%S')}] {name}: {json.dumps(data, default=str)}", file=sys.stderr, flush=True
    )


if __name__ == "__main__":
    threading.current_thread().name = "bench"
    raise SystemExit(main())

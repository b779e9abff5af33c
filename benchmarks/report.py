"""Turn ``bench.py`` results into ``docs/performance.md``."""

from __future__ import annotations

from typing import Any

KINDS = {
    "short": "short chat prompts (dev rows <= 500 chars)",
    "2kb": "2 KB documents",
    "10kb": "10 KB documents",
}


def _load(values: Any) -> str:
    return " / ".join(f"{value:.2f}" for value in values)


def _check(ok: bool) -> str:
    return "met" if ok else "**not met**"


def render(results: dict[str, Any]) -> str:
    info = results["machine"]
    packages = ", ".join(f"{name} {version}" for name, version in info["packages"].items())
    lines = [
        "# Performance",
        "",
        "<!-- Written by benchmarks/bench.py --write-docs; do not edit by hand. -->",
        "",
        f"Measured on {info['date']} with `{info['command'].strip()}` (commit {info['commit']}, "
        f"sentinel {info['sentinel']}, {info['minutes']:.0f} minutes"
        + (", quick mode: fewer and smaller runs" if results.get("quick") else "")
        + ")"
        + (f"; {info['merged']}" if info.get("merged") else "")
        + ".",
        "",
        f"- Machine: {info['cpu']}, {info['cores']} cores ({info['usable_cores']} usable), "
        f"{info['platform']}",
        f"- Python {info['python']}; {packages}",
        f"- Load average (1/5/15 min) at start {_load(info['load_start'])}, at end {_load(info['load_end'])}"
        " (this machine is shared with other jobs)",
        "",
    ]
    lines += _targets(results)
    if "cold" in results:
        lines += _cold(results["cold"])
    if "throughput" in results:
        lines += _throughput(results["throughput"])
    if "parquet" in results:
        lines += _parquet(results["parquet"])
    if "llm" in results:
        lines += _llm(results["llm"])
    lines += [
        "## Method",
        "",
        "- Every figure is the median of several runs of the real command in a new process "
        "(`python -m sentinel_cli`, byte-compiled first as `pip install` does); the Parquet runs are "
        "long and run once per setting.",
        "- Throughput is prompts divided by the wall time of the whole process, start-up included. "
        '"Per CPU-second" divides by the CPU time of all its processes: on a machine other jobs share, '
        "it is the steadier measure of the per-core rate.",
        "- A machine ceiling beside a speed-up is what the same machine gave N processes at once in "
        "the same rounds: the work N copies of a pure-Python loop got done together, in units of "
        "what one copy got done alone, each for as long as that round's N-worker run took "
        "(`parallel_ceiling` in `benchmarks/common.py`; median over the rounds). It is 2.00x for "
        "two idle cores of their own; on a virtual machine whose cores share hardware, or whose "
        "host limits its CPU time, it is lower, and lower for long runs than for short ones. It "
        "bounds the speed-up measured beside it, up to the machine's drift between the two.",
        "- The long short-prompt run has a second control: the same prompts cut into one part per "
        "worker, each part scanned by a one-worker `sentinel scan` of its own, all started together "
        "(no pool, nothing passed between processes), timed until the last one ends, in the same "
        "rounds. That is what this machine gives this very work split N ways; the `--workers` "
        "speed-up beside it shows what the pool costs on top.",
        "- Latency is the `elapsed_ms` each record reports (detection, finding stages and scoring of "
        "that prompt), over every prompt of the one-worker run.",
        "- Peak memory is the largest proportional set size (PSS: pages shared by forked workers "
        "counted once) of the process and its workers together, sampled every 0.1 s from "
        "`/proc/<pid>/smaps_rollup`; the largest single process's RSS is shown beside it.",
        "- The LLM path runs against the local fake API (`tests/fake_llm_api.py`) answering after a "
        "fixed delay, through the real SDK; the cache-warm run repeats the cache-cold run.",
        "",
    ]
    return "\n".join(lines)


def _targets(results: dict[str, Any]) -> list[str]:
    rows = []
    cold = results.get("cold")
    if cold:
        ratio = cold["ratio_wall"]
        rows.append(("cold start, `echo hello \\| sentinel scan -` / imports", f"{ratio:.2f}x", "<= 1.5x",
                     _check(ratio <= 1.5)))  # fmt: skip
    short = results.get("throughput", {}).get("short")
    if short:
        # Read from the long run when there is one, as the speed-up is: a run of a few seconds
        # is partly start-up.
        long_run = short.get("steady", {})
        if "one_worker_per_cpu_s" in long_run:
            rate, prompts = long_run["one_worker_per_cpu_s"], long_run["prompts"]
        else:
            rate, prompts = short["one_worker"]["prompts_per_cpu_s"], short["prompts"]
        rows.append(
            (
                f"local detection, short prompts, per core ({prompts:,}-prompt run, one worker)",
                f"{rate:,.0f} /s",
                ">= 3,000 /s",
                _check(rate >= 3000),
            )
        )
        if "steady" in short:
            steady = short["steady"]
            name = f"`--workers {steady['workers']}` speed-up, short prompts, {steady['prompts']:,} of them"
            speedup = steady["speedup"]
            rows.append((name, f"{speedup:.2f}x{_against(steady)}", ">= 1.7x", _check(speedup >= 1.7)))
        if "speedup" in short:
            workers = short["all_cores"]["workers"]
            name = (
                f"`--workers {workers}` speed-up, short prompts, a whole {short['prompts']:,}-prompt run "
                "(start-up and warm-up included)"
            )
            rows.append((name, f"{short['speedup']:.2f}x{_against(short)}", "-", ""))
    big = results.get("parquet")
    if big:
        for key in ("one_worker", "all_cores"):
            if key in big:
                run = big[key]
                peak = run["peak_pss_total_mb"]
                label = f"{big['rows']:,} Parquet rows to Parquet, {run['workers']} worker(s), peak memory"
                rows.append((label, f"{peak:.0f} MB", "< 400 MB", _check(peak < 400)))
    if not rows:
        return []
    out = ["## Targets (issue 11)", "", "| measure | result | target | |", "|---|---|---|---|"]
    out += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    return [*out, ""]


def _against(row: dict[str, Any]) -> str:
    """The machine's parallel ceiling measured beside a speed-up, when it was, and the
    side-by-side control, when it ran."""
    ceiling, split = row.get("ceiling"), row.get("side_by_side")
    controls = [f"machine ceiling {ceiling:.2f}x"] if ceiling else []
    if split:
        controls.append(f"separate one-worker scans of its {row['workers']} parts at once {split:.2f}x")
    return f" ({'; '.join(controls)})" if controls else ""


def _cold(cold: dict[str, Any]) -> list[str]:
    return [
        "## Cold start",
        "",
        f"Median of {cold['runs']} interleaved runs of each command.",
        "",
        "| command | wall | CPU |",
        "|---|---|---|",
        f'| `python -c "import typer, rich, pydantic_settings"` | {cold["baseline_wall_ms"]:.0f} ms | '
        f"{cold['baseline_cpu_ms']:.0f} ms |",
        f"| `echo hello \\| sentinel scan -` | {cold['scan_wall_ms']:.0f} ms | "
        f"{cold['scan_cpu_ms']:.0f} ms |",
        f"| ratio | {cold['ratio_wall']:.2f}x | {cold['ratio_cpu']:.2f}x |",
        "",
    ]


def _throughput(data: dict[str, Any]) -> list[str]:
    out = [
        "## Local detection",
        "",
        "`sentinel scan in.jsonl -o out.jsonl --workers N --fail-on never -q`, default detectors "
        "(heuristics, unicode, pii, secrets). Short prompts are the dev set's rows of at most 500 "
        "characters (mean about 160); documents join dev rows with a fixed mix of prose, an e-mail "
        "with contact details, code and log lines (`benchmarks/common.py`), so the PII detector has "
        "numbers, addresses and e-mails to check in every document.",
        "",
        "| input | prompts | 1 worker | per CPU-second | all cores | speed-up | p50 | p99 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for kind, row in data.items():
        one = row["one_worker"]
        every = row.get("all_cores")
        out.append(
            f"| {KINDS.get(kind, kind)} | {row['prompts']:,} | {one['prompts_per_s']:,.0f} /s | "
            f"{one['prompts_per_cpu_s']:,.0f} /s | "
            + (
                f"{every['prompts_per_s']:,.0f} /s ({every['workers']} workers) | "
                f"{row['speedup']:.2f}x{_against(row)} | "
                if every
                else "- | - | "
            )
            + f"{row['latency_ms']['p50']:.2f} ms | {row['latency_ms']['p99']:.2f} ms |"
        )
    short = data.get("short", {}).get("steady")
    if short:
        per_cpu = short.get("one_worker_per_cpu_s")
        cpu_note = f" ({per_cpu:,.0f} per CPU-second)" if per_cpu else ""
        out += [
            "",
            f"A longer run of the same short prompts, {short['prompts']:,} of them (about half a minute "
            "with one worker): a run of a few seconds is a tenth start-up, the pool's start and each "
            "process's first compiles, which say more about a pipeline's first prompt (see Cold start) "
            f"than about a batch job's rate: {short['one_worker']:,.0f} /s with one worker{cpu_note}, "
            f"{short['all_cores']:,.0f} /s with {short['workers']} ({short['speedup']:.2f}x"
            f"{_against(short)}), medians of {short.get('runs', 3)} interleaved rounds.",
        ]
    return [*out, ""]


def _parquet(data: dict[str, Any]) -> list[str]:
    out = [
        "## Streaming Parquet to Parquet",
        "",
        f"{data['rows']:,} distinct short prompts in one row group ({data['input_mb']:.0f} MB, zstd), "
        "`sentinel scan big.parquet -o out.parquet --workers N`.",
        "",
        "| workers | rows/s | peak memory, all processes (PSS) | largest single process (RSS) |",
        "|---|---|---|---|",
    ]
    for key in ("one_worker", "all_cores"):
        if key in data:
            run = data[key]
            out.append(
                f"| {run['workers']} | {run['rows_per_s']:,.0f} | {run['peak_pss_total_mb']:.0f} MB | "
                f"{run['peak_rss_largest_mb']:.0f} MB |"
            )
    return [*out, ""]


def _llm(data: dict[str, Any]) -> list[str]:
    small, large = data["prompts"]
    out = [
        "## LLM judge against the fake API",
        "",
        f"`--llm always` on short prompts, each call answered after {data['latency_ms']:.0f} ms. "
        f"Judge throughput is marginal: ({large} - {small}) prompts over the difference of the two runs' "
        "times, so the SDK import and other one-off costs are left out.",
        "",
        "| run | result |",
        "|---|---|",
    ]
    for concurrency, rate in data["concurrency"].items():
        out.append(f"| `--no-cache --llm-concurrency {concurrency}` | {rate:,.1f} prompts/s |")
    out.append(f"| {large} prompts, cache cold, `--llm-concurrency 16` | {data['cache_cold_s']:.2f} s |")
    out.append(
        f"| the same again, cache warm ({data['warm_calls']} API calls) | {data['cache_warm_s']:.2f} s |"
    )
    return [*out, ""]

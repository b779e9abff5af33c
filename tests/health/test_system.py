"""Memory: the real machine's figures, and the container limit read from cgroup files."""

from __future__ import annotations

from pathlib import Path

import pytest

from sentinel_cli.health.model import Status
from sentinel_cli.health.system import MIB, MemoryCheck, measure
from tests.health.helpers import check, context

MEMINFO = "MemTotal:       16000000 kB\nMemFree:         1000000 kB\nMemAvailable:    8000000 kB\n"


def fake_host(tmp_path: Path, cgroup_line: str = "0::/\n") -> tuple[Path, Path]:
    proc, cgroup = tmp_path / "proc", tmp_path / "cgroup"
    (proc / "self").mkdir(parents=True)
    (proc / "meminfo").write_text(MEMINFO)
    (proc / "self" / "cgroup").write_text(cgroup_line)
    cgroup.mkdir()
    return proc, cgroup


@pytest.mark.skipif(not Path("/proc/meminfo").exists(), reason="needs Linux /proc/meminfo")
def test_this_machine(tmp_path: Path) -> None:
    memory = measure()
    assert memory is not None and 0 < memory.available <= (memory.total or memory.available)
    ok = check(MemoryCheck(unhealthy_below=0, degraded_below=0), context(tmp_path))
    assert ok.status is Status.HEALTHY and ok.outcome.message.endswith("MiB available")
    short = check(MemoryCheck(degraded_below=1 << 62), context(tmp_path))
    assert short.status is Status.DEGRADED and "--batch-size" in (short.outcome.remedy or "")
    none = check(MemoryCheck(unhealthy_below=1 << 62, degraded_below=1 << 62), context(tmp_path))
    assert none.status is Status.UNHEALTHY


def test_meminfo_without_a_container_limit(tmp_path: Path) -> None:
    proc, cgroup = fake_host(tmp_path)
    (cgroup / "memory.max").write_text("max\n")
    (cgroup / "memory.current").write_text("123\n")
    memory = measure(proc, cgroup)
    assert memory is not None
    assert (memory.available, memory.total, memory.source) == (8000000 * 1024, 16000000 * 1024, "meminfo")


def test_cgroup_v2_limit_of_this_process_wins_when_tighter(tmp_path: Path) -> None:
    proc, cgroup = fake_host(tmp_path, "0::/kubepods/pod1\n")
    pod = cgroup / "kubepods" / "pod1"
    pod.mkdir(parents=True)
    (pod / "memory.max").write_text(str(300 * MIB))
    (pod / "memory.current").write_text(str(100 * MIB))
    memory = measure(proc, cgroup)
    assert memory is not None and (memory.available, memory.source) == (200 * MIB, "cgroup")
    result = check(MemoryCheck(proc=proc, cgroup=cgroup), context(tmp_path))
    assert result.status is Status.DEGRADED
    assert result.outcome.message == "200 MiB available (container limit): below 256 MiB"
    assert result.outcome.details["limit_bytes"] == 300 * MIB


def test_cgroup_v1_limit(tmp_path: Path) -> None:
    proc, cgroup = fake_host(tmp_path, "4:memory:/job\n0::/\n")
    job = cgroup / "memory" / "job"
    job.mkdir(parents=True)
    (job / "memory.limit_in_bytes").write_text(str(100 * MIB))
    (job / "memory.usage_in_bytes").write_text(str(60 * MIB))
    result = check(MemoryCheck(proc=proc, cgroup=cgroup), context(tmp_path))
    assert result.status is Status.UNHEALTHY and result.outcome.details["available_bytes"] == 40 * MIB


def test_unlimited_v1_cgroup_is_no_limit(tmp_path: Path) -> None:
    proc, cgroup = fake_host(tmp_path, "4:memory:/\n")
    (cgroup / "memory").mkdir()
    (cgroup / "memory" / "memory.limit_in_bytes").write_text("9223372036854771712")
    (cgroup / "memory" / "memory.usage_in_bytes").write_text(str(MIB))
    memory = measure(proc, cgroup)
    assert memory is not None and memory.source == "meminfo" and memory.limit is None

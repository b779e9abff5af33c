"""The memory check: memory available to this process, the container's limit included.

On Linux, ``MemAvailable`` from ``/proc/meminfo`` is the kernel's estimate of
what can be used without swapping; inside a container the cgroup limit (v2
``memory.max``/``memory.current``, v1 ``memory.limit_in_bytes``/``usage_in_bytes``)
can be far lower, and the OOM killer goes by that, so the smaller one counts.
Elsewhere ``sysconf`` gives available physical pages when it can.
"""

from __future__ import annotations

import os
from pathlib import Path

from sentinel_cli.frozen import frozen
from sentinel_cli.health.interface import Check, Context
from sentinel_cli.health.model import Outcome, degraded, healthy, skipped, unhealthy

MIB = 1024 * 1024
UNHEALTHY_AVAILABLE_BYTES = 64 * MIB
DEGRADED_AVAILABLE_BYTES = 256 * MIB
_UNLIMITED = 1 << 60
"""cgroup v1 reports "no limit" as a huge number; anything above this is no limit."""


@frozen
class Memory:
    available: int
    total: int | None
    source: str
    """``meminfo``, ``cgroup`` (the container limit is the tighter bound) or ``sysconf``."""
    limit: int | None = None


def _read_int(path: Path) -> int | None:
    try:
        text = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return int(text) if text.isdigit() else None


def _meminfo(path: Path) -> tuple[int, int] | None:
    values: dict[str, int] = {}
    try:
        for line in path.read_text(encoding="ascii").splitlines():
            key, _, rest = line.partition(":")
            parts = rest.split()
            if parts and parts[0].isdigit():
                values[key] = int(parts[0]) * 1024  # reported in kB
    except (OSError, UnicodeDecodeError):
        return None
    if "MemAvailable" not in values or "MemTotal" not in values:
        return None
    return values["MemAvailable"], values["MemTotal"]


def _own_cgroups(proc: Path) -> tuple[str, str]:
    """This process's cgroup paths: v2 (``0::/path``) and v1 memory (``N:memory:/path``)."""
    v2 = v1 = ""
    try:
        for line in (proc / "self" / "cgroup").read_text(encoding="ascii").splitlines():
            _, controllers, path = line.split(":", 2)
            if controllers == "":
                v2 = path.strip().lstrip("/")
            elif "memory" in controllers.split(","):
                v1 = path.strip().lstrip("/")
    except (OSError, UnicodeDecodeError, ValueError):
        pass
    return v2, v1


def _cgroup(root: Path, own: tuple[str, str]) -> tuple[int, int] | None:
    """The first limit set, with its usage: this process's cgroup, then the mount's root."""
    v2, v1 = own
    candidates = [
        (root / v2, "memory.max", "memory.current"),
        (root, "memory.max", "memory.current"),
        (root / "memory" / v1, "memory.limit_in_bytes", "memory.usage_in_bytes"),
        (root / "memory", "memory.limit_in_bytes", "memory.usage_in_bytes"),
    ]
    for directory, limit_file, usage_file in candidates:
        limit = _read_int(directory / limit_file)  # "max" (no limit) is not a number
        usage = _read_int(directory / usage_file)
        if limit is not None and usage is not None and limit < _UNLIMITED:
            return limit, usage
    return None


def measure(proc: Path = Path("/proc"), cgroup: Path = Path("/sys/fs/cgroup")) -> Memory | None:
    info = _meminfo(proc / "meminfo")
    if info is not None:
        available, total = info
        container = _cgroup(cgroup, _own_cgroups(proc))
        if container is not None:
            limit, usage = container
            if limit - usage < available:
                return Memory(max(limit - usage, 0), total, "cgroup", limit)
            return Memory(available, total, "meminfo", limit)
        return Memory(available, total, "meminfo")
    try:
        pages = os.sysconf("SC_AVPHYS_PAGES")
        size = os.sysconf("SC_PAGE_SIZE")
        total_pages = os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None
    return Memory(pages * size, total_pages * size, "sysconf")


class MemoryCheck(Check):
    name = "memory"
    title = "memory available (the container's limit counts)"

    def __init__(
        self,
        unhealthy_below: int = UNHEALTHY_AVAILABLE_BYTES,
        degraded_below: int = DEGRADED_AVAILABLE_BYTES,
        proc: Path = Path("/proc"),
        cgroup: Path = Path("/sys/fs/cgroup"),
    ) -> None:
        self.unhealthy_below = unhealthy_below
        self.degraded_below = degraded_below
        self.proc = proc
        self.cgroup = cgroup

    def run(self, context: Context) -> Outcome:
        memory = measure(self.proc, self.cgroup)
        if memory is None:
            return skipped("cannot measure available memory on this platform")
        facts = {
            "available_bytes": memory.available,
            "total_bytes": memory.total,
            "limit_bytes": memory.limit,
            "source": memory.source,
        }
        where = " (container limit)" if memory.source == "cgroup" else ""
        summary = f"{memory.available / MIB:,.0f} MiB available{where}"
        remedy = "stop other processes, raise the container's memory limit, or scan smaller --batch-size"
        if memory.available < self.unhealthy_below:
            return unhealthy(f"{summary}: below {self.unhealthy_below / MIB:,.0f} MiB", remedy, **facts)
        if memory.available < self.degraded_below:
            return degraded(f"{summary}: below {self.degraded_below / MIB:,.0f} MiB", remedy, **facts)
        return healthy(summary, **facts)

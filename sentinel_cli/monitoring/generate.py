"""The generated tree (path -> content) and writing it without surprises.

Generation is deterministic (no dates, sorted where order is free), so a second
run with the same options finds every file ``unchanged``. A file that exists
with other content is overwritten only with ``force``; without it nothing at
all is written, so a refused run never leaves a half-updated stack.
"""

from __future__ import annotations

import os
import tempfile
from enum import StrEnum
from pathlib import Path

from sentinel_cli.errors import UsageError
from sentinel_cli.frozen import frozen
from sentinel_cli.monitoring.options import MonitoringOptions

RULES = "prometheus/alerts/sentinel.yml"
RULE_TESTS = "prometheus/tests/sentinel_test.yml"
PROMETHEUS = "prometheus/prometheus.yml"
ALERTMANAGER = "alertmanager/alertmanager.yml"


def generate(options: MonitoringOptions) -> dict[str, str]:
    """Every file of the chosen stacks, by path relative to the output directory."""
    files: dict[str, str] = {}
    if "metrics" in options.stacks:
        from sentinel_cli.monitoring import (
            alertmanager,
            compose,
            dashboards,
            grafana,
            prometheus,
            rule_tests,
            rules,
        )

        files[PROMETHEUS] = prometheus.prometheus_file(options)
        files[RULES] = rules.rules_file(options)
        files[RULE_TESTS] = rule_tests.rule_tests_file(options)
        files[ALERTMANAGER] = alertmanager.alertmanager_file(options)
        files.update(dashboards.dashboard_files(options))
        files.update(grafana.provisioning_files(options))
        files["docker-compose.monitoring.yml"] = compose.metrics_compose(options)
    if "logging" in options.stacks:
        from sentinel_cli.monitoring import logging_stack

        files.update(logging_stack.logging_files(options))
    if "tracing" in options.stacks:
        from sentinel_cli.monitoring import tracing_stack

        files.update(tracing_stack.tracing_files(options))
    from sentinel_cli.monitoring.readme import readme

    files["README.md"] = readme(options, files)
    return dict(sorted(files.items()))


class Status(StrEnum):
    NEW = "new"
    CHANGED = "changed"
    UNCHANGED = "unchanged"


@frozen
class Planned:
    path: str
    status: Status


def plan(output_dir: Path, files: dict[str, str]) -> list[Planned]:
    planned = []
    for relative, content in files.items():
        target = output_dir / relative
        if target.is_dir():
            raise UsageError(f"{target}: is a directory, expected a file")
        if not target.exists():
            status = Status.NEW
        else:
            try:
                same = target.read_text(encoding="utf-8") == content
            except (OSError, UnicodeDecodeError):
                same = False
            status = Status.UNCHANGED if same else Status.CHANGED
        planned.append(Planned(relative, status))
    return planned


def write_tree(output_dir: Path, files: dict[str, str], *, force: bool) -> list[Planned]:
    """Write new and changed files (changed ones only with ``force``), each atomically."""
    planned = plan(output_dir, files)
    changed = [p.path for p in planned if p.status is Status.CHANGED]
    if changed and not force:
        shown = ", ".join(changed[:5]) + (f" and {len(changed) - 5} more" if len(changed) > 5 else "")
        raise UsageError(
            f"{len(changed)} file(s) in {output_dir} differ from what would be generated ({shown}); "
            "use --force to overwrite them, or --dry-run to list them"
        )
    for item in planned:
        if item.status is not Status.UNCHANGED:
            _write(output_dir / item.path, files[item.path])
    return planned


def _write(path: Path, content: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(content)
        mask = os.umask(0)
        os.umask(mask)
        Path(temp).chmod(0o666 & ~mask)
        Path(temp).replace(path)
    except OSError as exc:
        raise UsageError(f"{path}: cannot write ({exc.strerror})") from None

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from sentinel_cli import __version__
from tests.helpers import ROOT, cli_env, run_cli


def test_version() -> None:
    done = run_cli("--version")
    assert done.returncode == 0 and done.stdout.decode().strip() == f"sentinel {__version__}"


@pytest.mark.parametrize(
    "command",
    [
        *(
            [],
            ["scan"],
            ["detectors"],
            ["eval"],
            ["config"],
            ["config", "show"],
            ["config", "init"],
            ["config", "validate"],
        ),
        *(["gen-monitoring"], ["report"], ["report", "patterns"], ["health"]),
    ],
)
def test_help_on_every_command(command: list[str]) -> None:
    done = run_cli(*command, "--help")
    assert done.returncode == 0
    assert "Usage: sentinel" in done.stdout.decode()


def test_scan_help_documents_exit_codes_and_examples() -> None:
    text = run_cli("scan", "--help").stdout.decode()
    assert "Exit codes" in text and "130" in text and "Examples" in text


def test_one_prompt_scan_imports_nothing_heavy() -> None:
    """Start-up is part of every pipeline's cost: no SDKs, OTel or pyarrow unless needed."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "sentinel_cli", "scan", "-", "--fail-on", "never"],
        input=b"hello\n",
        capture_output=True,
        cwd=ROOT,
        env=cli_env(),
        check=True,
    )
    imported = {
        line.split("|")[-1].strip().split(".")[0]
        for line in done.stderr.decode().splitlines()
        if line.startswith("import time:")
    }
    heavy = {"anthropic", "openai", "opentelemetry", "pyarrow", "diskcache", "numpy"}
    # Telemetry libraries load only when a telemetry flag asks for them.
    heavy |= {"prometheus_client", "pythonjsonlogger"}
    assert not imported & heavy
    assert json.loads(done.stdout)["verdict"] == "allow"


def test_telemetry_flags_load_only_what_they_use(tmp_path: Path) -> None:
    def imported(*flags: str) -> set[str]:
        done = subprocess.run(
            [
                sys.executable,
                "-X",
                "importtime",
                "-m",
                "sentinel_cli",
                "scan",
                "-",
                "--fail-on",
                "never",
                *flags,
            ],
            input=b"hello\n",
            capture_output=True,
            cwd=ROOT,
            env=cli_env(),
            check=True,
        )
        return {
            line.split("|")[-1].strip().split(".")[0]
            for line in done.stderr.decode().splitlines()
            if line.startswith("import time:")
        }

    audit_only = imported("--audit-log", str(tmp_path / "a.jsonl"))
    assert not audit_only & {"prometheus_client", "opentelemetry", "pythonjsonlogger"}
    metrics = imported("--metrics-file", str(tmp_path / "m.prom"))
    assert "prometheus_client" in metrics and "opentelemetry" not in metrics
    assert "opentelemetry" in imported("--trace", "console")


def test_detectors_lists_versions_and_rule_counts() -> None:
    done = run_cli("detectors", "--json")
    entries = json.loads(done.stdout)
    heuristics = next(e for e in entries if e["id"] == "heuristics")
    assert heuristics["rule_count"] > 0 and heuristics["version"] and heuristics["default"]


def test_detectors_rules_lists_every_rule_id() -> None:
    entries = json.loads(run_cli("detectors", "--rules", "--json").stdout)
    ids = [rule["id"] for entry in entries for rule in entry["rules"]]
    assert "PI001" in ids and len(ids) == len(set(ids))

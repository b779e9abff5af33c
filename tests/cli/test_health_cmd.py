"""``sentinel health`` end to end: exit codes, formats, probes, real servers, nothing secret printed."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.fake_llm_api import Behaviour, FakeLlmApi
from tests.fixtures.servers import Pushgateway, closed_port
from tests.helpers import ROOT, cli_env, run_cli, stderr_text

KEY = "sk-cli-health-secret-abcdef0123456789"


def env(tmp_path: Path, **extra: str) -> dict[str, str]:
    values = cli_env(
        SENTINEL_CACHE_DIR=str(tmp_path / "cache"), SENTINEL_DATA_DIR=str(tmp_path / "data"), **extra
    )
    for name in ("ANTHROPIC_API_KEY", "OPENAI_API_KEY", "ANTHROPIC_BASE_URL", "OPENAI_BASE_URL"):
        values.pop(name, None)
    return values


def health(tmp_path: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[bytes]:
    return run_cli("health", *args, cwd=tmp_path, env=env(tmp_path, **extra))


def report(done: subprocess.CompletedProcess[bytes]) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(done.stdout)
    return data


def statuses(data: dict[str, Any]) -> dict[str, str]:
    return {c["name"]: ("skipped" if c["skipped"] else c["status"]) for c in data["checks"]}


def test_healthy_machine_exits_0_with_a_table(tmp_path: Path) -> None:
    done = health(tmp_path)
    out = done.stdout.decode()
    assert done.returncode == 0, out + done.stderr.decode()
    for name in ("config", "detectors", "cache", "data", "memory", "llm.anthropic", "pushgateway", "budget"):
        assert name in out
    assert "overall: healthy" in out and done.stderr == b""


def test_json_lists_every_check(tmp_path: Path) -> None:
    done = health(tmp_path, "--format", "json")
    data = report(done)
    assert done.returncode == 0 and data["status"] == "healthy" and data["probe"] == "all"
    assert statuses(data) == {
        "config": "healthy",
        "detectors": "healthy",
        "cache": "healthy",
        "data": "healthy",
        "memory": "healthy",
        "llm.anthropic": "skipped",
        "llm.openai": "skipped",
        "pushgateway": "skipped",
        "otlp": "skipped",
        "budget": "skipped",
    }


def test_invalid_config_file_is_an_unhealthy_result_exit_1(tmp_path: Path) -> None:
    config = tmp_path / "sentinel.toml"
    config.write_text('mode = "reckless"\nbatch_size = 0\n')
    done = health(tmp_path, "--format", "json")
    data = report(done)
    assert done.returncode == 1 and data["status"] == "unhealthy"
    config_check = data["checks"][0]
    assert config_check["name"] == "config" and config_check["status"] == "unhealthy"
    assert "mode:" in config_check["message"] and "batch_size:" in config_check["message"]
    assert config_check["remedy"] and config_check["details"]["file"] == str(config)
    assert all(c["skipped"] for c in data["checks"][1:])
    table = health(tmp_path, "--config", str(config))
    assert (
        table.returncode == 1
        and "unhealthy" in table.stdout.decode()
        and "Traceback" not in stderr_text(table)
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--check", "nosuch"], "unknown check(s) nosuch"),
        (["--check", "config", "--probe", "ready"], "do not go together"),
        (["--format", "xml"], "--format"),
        (["--probe", "sometimes"], "--probe"),
        (["--fail-on", "healthy"], "--fail-on"),
        (["--timeout", "0"], "--timeout"),
    ],
)
def test_usage_errors_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    done = health(tmp_path, *args)
    assert done.returncode == 2 and message in stderr_text(done) and done.stdout == b""


def test_degraded_exits_1_unless_fail_on_unhealthy(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    # Nothing uses the cache with the judge off, so an unwritable one is degraded, not unhealthy.
    extra = {"SENTINEL_CACHE_DIR": str(blocker / "cache")}
    done = run_cli("health", "--check", "cache", "-f", "json", cwd=tmp_path, env={**env(tmp_path), **extra})
    assert done.returncode == 1 and report(done)["status"] == "degraded"
    tolerant = run_cli(
        "health", "--check", "cache", "--fail-on", "unhealthy", cwd=tmp_path, env={**env(tmp_path), **extra}
    )
    assert tolerant.returncode == 0 and "degraded" in tolerant.stdout.decode()


def test_read_only_cache_with_the_judge_on_is_unhealthy(read_only_dir: Path, tmp_path: Path) -> None:
    extra = {"SENTINEL_CACHE_DIR": str(read_only_dir), "SENTINEL_LLM": "always"}
    done = run_cli("health", "--check", "cache", "-f", "json", cwd=tmp_path, env={**env(tmp_path), **extra})
    (cache,) = report(done)["checks"]
    assert done.returncode == 1 and cache["status"] == "unhealthy" and not cache["details"]["writable"]
    tolerant = run_cli(
        "health", "--check", "cache", "--fail-on", "unhealthy", cwd=tmp_path, env={**env(tmp_path), **extra}
    )
    assert tolerant.returncode == 1


def test_pushgateway_up_and_down(pushgateway: Pushgateway, tmp_path: Path) -> None:
    up = health(tmp_path, "--check", "pushgateway", SENTINEL_PUSHGATEWAY_URL=pushgateway.url)
    assert up.returncode == 0 and "ready (HTTP 200)" in up.stdout.decode()
    url = f"http://127.0.0.1:{closed_port()}"
    down = health(tmp_path, "--check", "pushgateway", "-f", "json", SENTINEL_PUSHGATEWAY_URL=url)
    (check,) = report(down)["checks"]
    assert down.returncode == 1 and check["message"] == f"{url}/-/ready: connection refused"


def test_provider_key_refused_and_never_printed(fake_llm: FakeLlmApi, tmp_path: Path) -> None:
    fake_llm.accepted_keys["openai"] = "the-right-key"
    fake_llm.accepted_keys["anthropic"] = KEY
    extra = {
        "OPENAI_API_KEY": KEY,
        "SENTINEL_OPENAI_BASE_URL": fake_llm.openai_url,
        "SENTINEL_ANTHROPIC_API_KEY": KEY,
        "ANTHROPIC_BASE_URL": fake_llm.anthropic_url,
        "SENTINEL_LLM": "uncertain",
    }
    done = run_cli("health", "--check", "llm", "-f", "json", cwd=tmp_path, env={**env(tmp_path), **extra})
    assert statuses(report(done)) == {"llm.anthropic": "healthy", "llm.openai": "unhealthy"}
    table = run_cli("health", "--check", "llm", cwd=tmp_path, env={**env(tmp_path), **extra})
    assert table.returncode == done.returncode == 1
    for output in (done.stdout, done.stderr, table.stdout, table.stderr):
        assert KEY.encode() not in output and b"cli-health-secret" not in output


def test_a_slow_provider_cannot_hold_up_the_command(fake_llm: FakeLlmApi, tmp_path: Path) -> None:
    fake_llm.queue("openai", Behaviour(delay=30.0))
    extra = {"OPENAI_API_KEY": KEY, "OPENAI_BASE_URL": fake_llm.openai_url}
    start = time.monotonic()
    done = run_cli(
        "health", "--check", "llm.openai", "--timeout", "1", "-f", "json", cwd=tmp_path,
        env={**env(tmp_path), **extra}, timeout=25,
    )  # fmt: skip
    elapsed = time.monotonic() - start
    (check,) = report(done)["checks"]
    assert check["status"] == "degraded"  # the judge is off: a dead provider does not stop the job
    assert check["duration_ms"] < 1000 + 250 and elapsed < 20
    assert "within 1s" in check["message"] or "timed out after 1s" in check["message"]


def test_live_probe_is_the_configuration_alone(tmp_path: Path) -> None:
    done = health(tmp_path, "--probe", "live", "-f", "json", SENTINEL_PUSHGATEWAY_URL="http://127.0.0.1:1")
    data = report(done)
    assert done.returncode == 0 and data["probe"] == "live" and statuses(data) == {"config": "healthy"}
    broken = health(tmp_path, "--probe", "live", SENTINEL_MODE="reckless")
    assert broken.returncode == 1


def test_ready_probe_checks_what_the_job_uses(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    done = health(tmp_path, "--probe", "ready", "-f", "json", SENTINEL_PUSHGATEWAY_URL=url)
    data = report(done)
    assert statuses(data) == {
        "config": "healthy",
        "detectors": "healthy",
        "memory": "healthy",
        "pushgateway": "unhealthy",
    }
    assert done.returncode == 1 and data["probe"] == "ready"


def test_health_without_llm_keys_imports_no_sdk(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "sentinel_cli", "health", "-f", "json"],
        capture_output=True,
        cwd=ROOT,
        env=env(tmp_path),
        check=False,
    )
    imported = {
        line.split("|")[-1].strip().split(".")[0]
        for line in done.stderr.decode().splitlines()
        if line.startswith("import time:")
    }
    assert done.returncode == 0
    assert not imported & {"anthropic", "openai", "opentelemetry", "pyarrow", "diskcache"}


def test_check_is_repeatable_and_keeps_report_order(tmp_path: Path) -> None:
    done = health(tmp_path, "--check", "memory", "--check", "config", "-f", "json")
    data = report(done)
    assert done.returncode == 0 and data["probe"] == "selected"
    assert [c["name"] for c in data["checks"]] == ["config", "memory"]


def test_an_invalid_configuration_is_reported_whatever_checks_are_asked_for(tmp_path: Path) -> None:
    (tmp_path / "rules.toml").write_text('[[rules]]\nid = "X1"\n')
    (tmp_path / "sentinel.toml").write_text('rule_files = ["rules.toml"]\n')
    done = health(tmp_path, "--check", "detectors", "-f", "json")
    data = report(done)
    assert done.returncode == 1 and statuses(data) == {"config": "unhealthy", "detectors": "skipped"}
    assert "rules.toml" in data["checks"][0]["message"]

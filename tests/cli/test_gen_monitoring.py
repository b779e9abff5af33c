"""``sentinel gen-monitoring`` as a user runs it: idempotent, --force, --dry-run, --check,
thresholds from a file and flags, and clear usage errors."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from tests.helpers import run_cli


def _gen(out: Path, *args: str) -> tuple[int, str, str]:
    done = run_cli("gen-monitoring", "-o", str(out), *args)
    return done.returncode, done.stdout.decode(), done.stderr.decode()


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()
    }


def test_generates_the_tree_and_a_second_run_changes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "monitoring"
    code, _, err = _gen(out)
    assert code == 0, err
    assert "10 new, 0 overwritten, 0 unchanged" in err
    first = _snapshot(out)
    assert set(first) == {
        "README.md",
        "alertmanager/alertmanager.yml",
        "docker-compose.monitoring.yml",
        "grafana/dashboards/sentinel-overview.json",
        "grafana/dashboards/sentinel-security.json",
        "grafana/provisioning/dashboards/sentinel.yml",
        "grafana/provisioning/datasources/prometheus.yml",
        "prometheus/alerts/sentinel.yml",
        "prometheus/prometheus.yml",
        "prometheus/tests/sentinel_test.yml",
    }
    code, _, err = _gen(out)
    assert code == 0 and "0 new, 0 overwritten, 10 unchanged" in err
    assert _snapshot(out) == first


def test_changed_files_need_force_and_nothing_is_written_without_it(tmp_path: Path) -> None:
    out = tmp_path / "m"
    assert _gen(out)[0] == 0
    rules = out / "prometheus" / "alerts" / "sentinel.yml"
    rules.write_text("# my edits\n")
    before = _snapshot(out)
    code, _, err = _gen(out, "--stale-after", "2d")
    assert code == 2
    assert "differ from what would be generated" in err and "--force" in err and "Traceback" not in err
    assert _snapshot(out) == before  # not even the unchanged-but-regenerated files moved
    code, _, err = _gen(out, "--stale-after", "2d", "--force")
    assert code == 0, err
    assert "> 172800" in rules.read_text()


def test_dry_run_lists_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "m"
    code, stdout, _ = _gen(out, "--dry-run")
    assert code == 0
    assert not out.exists()
    lines = stdout.splitlines()
    assert len(lines) == 10 and all(line.startswith("new") for line in lines)
    assert _gen(out)[0] == 0
    (out / "README.md").write_text("x")
    code, stdout, _ = _gen(out, "--dry-run", "--stale-after", "3d")
    status = {line.split()[1].removeprefix(str(out) + "/"): line.split()[0] for line in stdout.splitlines()}
    assert status["README.md"] == "changed"
    assert status["prometheus/alerts/sentinel.yml"] == "changed"
    assert status["grafana/provisioning/datasources/prometheus.yml"] == "unchanged"
    assert (out / "README.md").read_text() == "x"


def test_check_runs_promtool_and_amtool(tmp_path: Path) -> None:
    code, _, err = _gen(tmp_path / "m", "--check", "--slack-channel", "#sec", "--pagerduty")
    assert code == 0, err
    assert "check: metric names: ok" in err
    for name in (
        "promtool check config",
        "promtool check rules",
        "promtool test rules",
        "amtool check-config",
    ):
        if shutil.which(name.split()[0]):
            assert f"check: {name}: ok" in err
        else:
            assert f"check: {name}: skipped ({name.split()[0]} is not installed)" in err


def test_check_failure_exits_3_with_the_tool_output(tmp_path: Path) -> None:
    if shutil.which("promtool") is None:
        import pytest

        pytest.skip("promtool is not installed (Debian package prometheus)")
    fake = tmp_path / "bin"
    fake.mkdir()
    # A promtool that rejects everything stands in for a broken generated file.
    (fake / "promtool").write_text("#!/bin/sh\necho 'FAILED: broken on purpose' >&2\nexit 1\n")
    (fake / "promtool").chmod(0o755)
    from tests.helpers import cli_env

    env = cli_env()
    env["PATH"] = f"{fake}:{env['PATH']}"
    done = run_cli("gen-monitoring", "-o", str(tmp_path / "m"), "--check", env=env)
    err = done.stderr.decode()
    assert done.returncode == 3
    assert "check: promtool check rules: FAILED" in err and "broken on purpose" in err


def test_thresholds_file_then_flags(tmp_path: Path) -> None:
    config = tmp_path / "thresholds.toml"
    config.write_text('[thresholds]\nstale_after = "8d"\nerror_ratio = 0.2\nbudget_warning = 60\n')
    out = tmp_path / "m"
    code, _, err = _gen(out, "--thresholds", str(config), "--error-ratio", "0.3", "--check")
    assert code == 0, err
    rules = yaml.safe_load((out / "prometheus" / "alerts" / "sentinel.yml").read_text())
    exprs = {
        r["alert"] + r["labels"]["severity"]: r["expr"]
        for g in rules["groups"]
        for r in g["rules"]
        if "alert" in r
    }
    assert exprs["SentinelBatchStalecritical"].endswith("> 691200")  # 8d from the file
    assert exprs["SentinelHighErrorRatiowarning"].endswith("> 0.3")  # the flag wins
    assert exprs["SentinelLlmBudgetwarning"].endswith(">= 60")
    readme = (out / "README.md").read_text()
    assert 'stale_after = "8d"' in readme and "error_ratio = 0.3" in readme


def test_usage_errors_are_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[thresholds]\nerror_ratio = 2\nnonsense = 1\n")
    for args, message in [
        (("--stale-after", "soon"), "not a duration"),
        (("--thresholds", str(bad)), "nonsense: unknown threshold"),
        (("--thresholds", str(tmp_path / "missing.toml")), "cannot read"),
        (("--stack", "metrics,pager"), "unknown stack"),
        (("--pushgateway", "http://pgw"), "HOST:PORT"),
        (("--critical-categories", "spam"), "unknown threat category"),
        (("--route", "critical=slack"), "not configured"),
        (("--latency-p95-warning", "2"), "latency_p95_critical must not be below"),
    ]:
        code, _, err = _gen(tmp_path / "m", *args)
        assert code == 2, (args, err)
        assert message in err and "Traceback" not in err, (args, err)
        assert len(err.strip().splitlines()) == 1, err
    assert not (tmp_path / "m").exists()


def test_compose_mounts_only_generated_files(tmp_path: Path) -> None:
    out = tmp_path / "m"
    assert _gen(out, "--stack", "all")[0] == 0
    composes = sorted(out.glob("docker-compose.*.yml"))
    assert [p.name for p in composes] == [
        "docker-compose.logging.yml",
        "docker-compose.monitoring.yml",
        "docker-compose.tracing.yml",
    ]
    for compose in composes:
        document = yaml.safe_load(compose.read_text())
        volumes = set(document.get("volumes") or {})
        for name, service in document["services"].items():
            assert service["image"].count(":") >= 1 and not service["image"].endswith(":latest"), name
            for mount in service.get("volumes", []):
                source = mount.split(":")[0]
                if source.startswith("."):
                    assert (out / source).exists(), f"{compose.name}: {name} mounts {source}, not generated"
                elif not source.startswith("/"):
                    assert source in volumes, f"{compose.name}: {name} uses undeclared volume {source}"

"""``--push``: a real Pushgateway receives the run's metrics; a dead one never costs the results."""

from __future__ import annotations

import json
import time
import urllib.request
from pathlib import Path

from sentinel_cli.telemetry.metrics import RunMetrics
from sentinel_cli.telemetry.push import PushConfig, push
from tests.fixtures.servers import PUSH_PASSWORD as PASSWORD
from tests.fixtures.servers import Pushgateway, closed_port, stop
from tests.helpers import SAMPLES, cli_env, run_cli

SAMPLE = SAMPLES / "prompts.jsonl"
SAMPLE_COUNT = len(SAMPLE.read_text().splitlines())


def test_scan_push_lands_in_the_pushgateway(pushgateway: Pushgateway, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    before = time.time()
    done = run_cli(
        "scan", str(SAMPLE), "-o", str(out), "--push", pushgateway.url,
        "--job", "nightly-scan", "--group", "instance=ci-7", "--group", "env=test",
    )  # fmt: skip
    assert done.returncode == 1, done.stderr  # the sample holds attacks: the gate still works
    assert len(out.read_text().splitlines()) == SAMPLE_COUNT
    group = pushgateway.group(job="nightly-scan", instance="ci-7", env="test")
    value = Pushgateway.value
    assert value(group, "promptsentinel_requests_total", endpoint="scan", status="ok") == SAMPLE_COUNT
    verdicts = [json.loads(line)["verdict"] for line in out.read_text().splitlines()]
    assert value(group, "promptsentinel_detections_total", verdict="block") == verdicts.count("block") > 0
    assert value(group, "promptsentinel_detections_total", verdict="allow") == verdicts.count("allow")
    assert value(group, "promptsentinel_batch_prompts") == SAMPLE_COUNT
    assert value(group, "promptsentinel_batch_duration_seconds") > 0
    assert before <= value(group, "promptsentinel_last_success_timestamp_seconds") <= time.time()
    assert "promptsentinel_last_failure_timestamp_seconds" not in group
    assert value(group, "promptsentinel_memory_usage_bytes") > 1_000_000
    histogram = group["promptsentinel_request_duration_seconds"]
    assert histogram["type"] == "HISTOGRAM"
    assert float(histogram["metrics"][0]["count"]) == SAMPLE_COUNT
    blocked = value(group, "promptsentinel_threats_blocked_total")
    assert blocked >= verdicts.count("block")


def test_env_url_and_default_job(pushgateway: Pushgateway) -> None:
    done = run_cli(
        "scan", str(SAMPLE), "--fail-on", "never", env=cli_env(SENTINEL_PUSHGATEWAY_URL=pushgateway.url)
    )
    assert done.returncode == 0, done.stderr
    group = pushgateway.group(job="sentinel")
    assert Pushgateway.value(group, "promptsentinel_batch_prompts") == SAMPLE_COUNT


def test_failed_run_keeps_the_last_success_time(pushgateway: Pushgateway, tmp_path: Path) -> None:
    """Batch-job convention: a failure adds its metrics but never erases the last success."""
    args = ("--push", pushgateway.url, "--group", "instance=a", "--fail-on", "never")
    assert run_cli("scan", str(SAMPLE), *args).returncode == 0
    first = Pushgateway.value(
        pushgateway.group(instance="a"), "promptsentinel_last_success_timestamp_seconds"
    )
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"prompt": "hello"}\n{not json\n')
    failed = run_cli("scan", str(bad), *args)
    assert failed.returncode == 2 and "bad.jsonl:2" in failed.stderr.decode()
    group = pushgateway.group(instance="a")
    assert Pushgateway.value(group, "promptsentinel_last_success_timestamp_seconds") == first
    assert Pushgateway.value(group, "promptsentinel_last_failure_timestamp_seconds") >= first
    assert Pushgateway.value(group, "promptsentinel_errors_total", type="input") == 1
    assert Pushgateway.value(group, "promptsentinel_batch_prompts") == 1


def test_dead_pushgateway_never_loses_results(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    url = f"http://127.0.0.1:{closed_port()}"
    done = run_cli(
        "scan", str(SAMPLE), "-o", str(out), "--push", url, "--push-retries", "1", "--fail-on", "never"
    )
    assert done.returncode == 0
    assert len(out.read_text().splitlines()) == SAMPLE_COUNT
    err = done.stderr.decode()
    assert "sentinel: warning: push to Pushgateway" in err and "after 2 attempt(s)" in err
    assert "results were written" in err and "Traceback" not in err


def test_push_required_turns_a_failed_push_into_exit_3(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    url = f"http://127.0.0.1:{closed_port()}"
    args = ("scan", str(SAMPLE), "-o", str(out), "--push", url, "--push-retries", "0", "--push-required")
    done = run_cli(*args, "--fail-on", "never")
    assert done.returncode == 3
    assert len(out.read_text().splitlines()) == SAMPLE_COUNT
    assert "sentinel: error: push to Pushgateway" in done.stderr.decode()
    # Stdout results, too, are complete before the exit code is decided.
    piped = run_cli(
        "scan", str(SAMPLE), "--push", url, "--push-retries", "0", "--push-required", "--fail-on", "never"
    )
    assert piped.returncode == 3 and len(piped.stdout.splitlines()) == SAMPLE_COUNT


def test_bad_push_settings_fail_before_scanning(tmp_path: Path) -> None:
    done = run_cli("scan", str(SAMPLE), "--push", "ftp://example.org")
    assert done.returncode == 2 and "not an http(s) URL" in done.stderr.decode()
    done = run_cli("scan", str(SAMPLE), "--push", "http://127.0.0.1:9", "--group", "job=x")
    assert done.returncode == 2 and "grouping label name 'job'" in done.stderr.decode()
    done = run_cli(
        "scan", str(SAMPLE), "--push", "http://127.0.0.1:9", "--push-ca-file", str(tmp_path / "no.pem")
    )
    assert done.returncode == 2 and "no such file" in done.stderr.decode()
    assert done.stdout == b""


def test_retries_then_gives_up_without_retrying_client_errors() -> None:
    metrics = RunMetrics()
    slept: list[float] = []
    refused = push(
        metrics.registry,
        PushConfig(url=f"http://127.0.0.1:{closed_port()}", retries=3, timeout=2),
        sleep=slept.append,
    )
    assert not refused.ok and refused.attempts == 4 and refused.error == "connection refused"
    assert slept == [0.5, 1.0, 2.0]


def test_client_error_is_not_retried(pushgateway: Pushgateway) -> None:
    # Another job pushed the same name with another type: the Pushgateway answers 400 to ours.
    clash = b"# TYPE promptsentinel_batch_prompts counter\npromptsentinel_batch_prompts 1\n"
    request = urllib.request.Request(pushgateway.url + "/metrics/job/other", data=clash, method="PUT")
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 200
    slept: list[float] = []
    result = push(RunMetrics().registry, PushConfig(url=pushgateway.url, retries=3), sleep=slept.append)
    assert not result.ok and result.attempts == 1 and slept == []
    assert result.error is not None and result.error.startswith("HTTP 400")


# -- TLS and basic auth against a real Pushgateway -----------------------------------


def test_push_over_tls_with_basic_auth(secure_pushgateway: Pushgateway, tmp_path: Path) -> None:
    gateway = secure_pushgateway
    try:
        cert = tmp_path / "cert.pem"
        env = cli_env(SENTINEL_PUSH_PASSWORD=PASSWORD)
        base = ("scan", str(SAMPLE), "--fail-on", "never", "--push", gateway.url, "--push-retries", "0")
        ok = run_cli(
            *base, "--push-ca-file", str(cert), "--push-user", "sentinel", "--group", "instance=tls", env=env
        )
        assert ok.returncode == 0 and ok.stderr.decode().count("warning") == 0, ok.stderr
        group = gateway.group(instance="tls")
        assert Pushgateway.value(group, "promptsentinel_batch_prompts") == SAMPLE_COUNT

        wrong = run_cli(
            *base,
            "--push-ca-file",
            str(cert),
            "--push-user",
            "sentinel",
            env=cli_env(SENTINEL_PUSH_PASSWORD="no"),
        )
        assert wrong.returncode == 0 and "HTTP 401" in wrong.stderr.decode()
        untrusted = run_cli(*base, "--push-user", "sentinel", env=env)
        assert (
            "TLS error" in untrusted.stderr.decode()
            and "CERTIFICATE_VERIFY_FAILED" in untrusted.stderr.decode()
        )
        insecure = run_cli(
            *base, "--push-insecure", "--push-user", "sentinel", "--group", "instance=insecure", env=env
        )
        assert insecure.returncode == 0 and "warning" not in insecure.stderr.decode()
        assert gateway.group(instance="insecure")

        # Credentials in the URL work too, and never appear in messages.
        host = gateway.url.removeprefix("https://")
        scan = ("scan", str(SAMPLE), "--fail-on", "never", "--push-retries", "0", "--push-ca-file", str(cert))
        in_url = run_cli(*scan, "--push", f"https://sentinel:{PASSWORD}@{host}", "--group", "instance=url")
        assert in_url.returncode == 0 and "warning" not in in_url.stderr.decode(), in_url.stderr
        assert gateway.group(instance="url")
        wrong_in_url = run_cli(*scan, "--push", f"https://sentinel:wrong-pw@{host}")
        err = wrong_in_url.stderr.decode()
        assert "HTTP 401" in err and "wrong-pw" not in err and f"https://{host}" in err
    finally:
        stop(gateway)

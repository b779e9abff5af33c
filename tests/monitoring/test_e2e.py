"""End to end: the generated Prometheus config and rules, with the real Pushgateway, Prometheus
and Alertmanager, see what ``sentinel scan --push`` pushes and deliver a threat alert."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.fixtures.servers import Pushgateway, wait_until
from tests.helpers import SAMPLES, run_cli
from tests.monitoring.servers import (
    ALERTMANAGER,
    PROMETHEUS,
    Process,
    Webhook,
    need,
    query,
    start,
    webhook_receiver,
)

pytestmark = pytest.mark.slow


def test_pushed_scan_reaches_prometheus_and_a_threat_alert_reaches_the_webhook(
    tmp_path: Path, pushgateway: Pushgateway
) -> None:
    prometheus_bin = need(PROMETHEUS, "prometheus")
    alertmanager_bin = need(ALERTMANAGER, "prometheus-alertmanager")
    out = tmp_path / "monitoring"
    with webhook_receiver() as hook:
        # Alertmanager first: Prometheus' config needs its port.
        generated = run_cli(
            "gen-monitoring", "-o", str(out), "--webhook-url", hook.url, "--pushgateway",
            pushgateway.url.removeprefix("http://"),
        )  # fmt: skip
        assert generated.returncode == 0, generated.stderr
        am_config = out / "alertmanager" / "alertmanager.yml"
        config = yaml.safe_load(am_config.read_text())
        config["route"].update(group_wait="1s", group_interval="1s")  # test speed only
        am_config.write_text(yaml.safe_dump(config))
        alertmanager = start(
            "alertmanager",
            lambda port: [
                alertmanager_bin,
                f"--config.file={am_config}",
                f"--storage.path={tmp_path / 'am-data'}",
                f"--web.listen-address=127.0.0.1:{port}",
                "--cluster.listen-address=",
                "--log.level=warn",
            ],
            tmp_path,
            "/-/ready",
        )
        try:
            regenerated = run_cli(
                "gen-monitoring", "-o", str(out), "--force", "--webhook-url", hook.url,
                "--pushgateway", pushgateway.url.removeprefix("http://"),
                "--alertmanager", f"127.0.0.1:{alertmanager.port}",
                "--scrape-interval", "1s", "--evaluation-interval", "1s",
            )  # fmt: skip
            assert regenerated.returncode == 0, regenerated.stderr
            prom_config = out / "prometheus" / "prometheus.yml"
            prometheus = start(
                "prometheus",
                lambda port: [
                    prometheus_bin,
                    f"--config.file={prom_config}",
                    f"--storage.tsdb.path={tmp_path / 'prom-data'}",
                    f"--web.listen-address=127.0.0.1:{port}",
                    "--rules.alert.resend-delay=1s",
                    "--log.level=warn",
                ],
                tmp_path,
                "/-/ready",
            )
            try:
                _scan_and_watch(tmp_path, pushgateway, prometheus, hook)
            finally:
                prometheus.stop()
        finally:
            alertmanager.stop()


def _scan_and_watch(tmp_path: Path, pushgateway: Pushgateway, prometheus: Process, hook: Webhook) -> None:
    scanned = run_cli(
        "scan", str(SAMPLES / "prompts.jsonl"), "-o", str(tmp_path / "results.jsonl"),
        "--push", pushgateway.url, "--group", "instance=e2e",
    )  # fmt: skip
    assert scanned.returncode == 1, scanned.stderr  # the sample has prompts that block
    blocked = 'promptsentinel_threats_blocked_total{job="sentinel", instance="e2e"}'
    wait_until(lambda: any(float(r["value"][1]) > 0 for r in query(prometheus, blocked)), 60, "pushed series")
    by_category = {r["metric"]["category"]: float(r["value"][1]) for r in query(prometheus, blocked)}
    # p02, p07 and the German p11 are direct injections; p04 is the DAN jailbreak.
    assert by_category["jailbreak"] == 1 and by_category["direct_injection"] == 3
    assert query(prometheus, 'promptsentinel_last_success_timestamp_seconds{instance="e2e"}')
    ratio = 'sentinel:block_ratio:last_run{instance="e2e"}'
    wait_until(lambda: bool(query(prometheus, ratio)), 60, "the recording rule")
    assert float(query(prometheus, ratio)[0]["value"][1]) == pytest.approx(4 / 12)  # 4 of 12 blocked

    def threat_alert() -> bool:
        return any(
            a["labels"].get("alertname") == "SentinelThreatsBlocked" and a["status"] == "firing"
            for a in hook.alerts()
        )

    wait_until(threat_alert, 90, "SentinelThreatsBlocked at the webhook")
    alert = next(a for a in hook.alerts() if a["labels"]["alertname"] == "SentinelThreatsBlocked")
    assert alert["labels"]["job"] == "sentinel" and alert["labels"]["instance"] == "e2e"
    assert alert["labels"]["severity"] == "info"
    assert "blocked by sentinel/e2e" in alert["annotations"]["summary"]
    assert alert["annotations"]["runbook_url"] == "README.md#sentinelthreatsblocked"

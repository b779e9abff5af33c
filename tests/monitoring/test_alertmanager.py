"""The generated alertmanager.yml: routing by severity, secrets only as file paths, amtool-valid."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from sentinel_cli.errors import UsageError
from sentinel_cli.monitoring.generate import ALERTMANAGER
from sentinel_cli.monitoring.options import MonitoringOptions, Receivers, check_webhook, parse_routes
from tests.monitoring.helpers import generate_into, tool

EVERYTHING = Receivers(
    slack_channel="#llm-security",
    pagerduty=True,
    email_to="oncall@example.org",
    smtp_auth_username="alerts",
    webhook_url="https://hooks.example.org/sentinel",
    webhook_token_file="/etc/alertmanager/secrets/webhook_token",
)


def _receivers(config: dict) -> dict[str, dict]:  # type: ignore[type-arg]
    return {r["name"]: r for r in config["receivers"]}


@pytest.mark.parametrize(
    "receivers",
    [
        Receivers(),
        EVERYTHING,
        Receivers(slack_channel="#a"),
        Receivers(pagerduty=True),
        Receivers(email_to="a@example.org"),
        Receivers(webhook_url="http://127.0.0.1:5001/"),
    ],
    ids=["none", "all", "slack", "pagerduty", "email", "webhook"],
)
def test_amtool_accepts_every_channel_combination(tmp_path: Path, receivers: Receivers) -> None:
    generate_into(tmp_path, MonitoringOptions(receivers=receivers))
    checked = tool("amtool", "check-config", ALERTMANAGER, cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_severities_route_to_their_channels_and_critical_inhibits_warning(tmp_path: Path) -> None:
    generate_into(tmp_path, MonitoringOptions(receivers=EVERYTHING))
    config = yaml.safe_load((tmp_path / ALERTMANAGER).read_text())
    routes = {r["matchers"][0]: r["receiver"] for r in config["route"]["routes"]}
    assert routes == {
        'severity="critical"': "sentinel-critical",
        'severity="warning"': "sentinel-warning",
        'severity="info"': "sentinel-info",
    }
    receivers = _receivers(config)
    assert set(receivers["sentinel-critical"]) == {
        "name", "slack_configs", "pagerduty_configs", "email_configs", "webhook_configs",
    }  # fmt: skip
    assert set(receivers["sentinel-warning"]) == {"name", "slack_configs", "email_configs", "webhook_configs"}
    assert set(receivers["sentinel-info"]) == {"name", "slack_configs", "webhook_configs"}
    inhibit = config["inhibit_rules"][0]
    assert inhibit["source_matchers"] == ['severity="critical"']
    assert inhibit["target_matchers"] == ['severity="warning"']


def test_secrets_are_only_ever_file_paths(tmp_path: Path) -> None:
    generate_into(tmp_path, MonitoringOptions(receivers=EVERYTHING))
    config = yaml.safe_load((tmp_path / ALERTMANAGER).read_text())
    glob = config["global"]
    assert glob["slack_api_url_file"] == "/etc/alertmanager/secrets/slack_api_url"
    assert glob["smtp_auth_password_file"] == "/etc/alertmanager/secrets/smtp_password"
    assert "slack_api_url" not in glob and "smtp_auth_password" not in glob
    critical = _receivers(config)["sentinel-critical"]
    assert critical["pagerduty_configs"][0]["routing_key_file"].endswith("pagerduty_routing_key")
    assert "routing_key" not in critical["pagerduty_configs"][0]
    auth = critical["webhook_configs"][0]["http_config"]["authorization"]
    assert auth == {"credentials_file": "/etc/alertmanager/secrets/webhook_token"}
    with pytest.raises(UsageError, match="no credentials"):
        check_webhook("https://user:secret@hooks.example.org/x")


def test_routes_can_be_overridden() -> None:
    routes = parse_routes(["critical=pagerduty", "info=none"], EVERYTHING.configured)
    receivers = replace(EVERYTHING, routes=routes)
    assert receivers.channels_for("critical") == ("pagerduty",)
    assert receivers.channels_for("info") == ()
    assert receivers.channels_for("warning") == ("slack", "email", "webhook")
    with pytest.raises(UsageError, match="not configured"):
        parse_routes(["warning=slack"], ())
    with pytest.raises(UsageError, match="SEVERITY"):
        parse_routes(["urgent=slack"], ("slack",))


def test_without_channels_every_severity_goes_nowhere(tmp_path: Path) -> None:
    generate_into(tmp_path)
    config = yaml.safe_load((tmp_path / ALERTMANAGER).read_text())
    assert all(set(r) == {"name"} for r in config["receivers"])

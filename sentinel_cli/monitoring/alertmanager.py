"""``alertmanager.yml``: one receiver per severity, each sending to the channels chosen for it.

Secrets never appear in the file: Slack's URL, PagerDuty's routing key, the SMTP
password and a webhook's bearer token are read by Alertmanager from files
(``*_file`` fields) whose paths are given here.
"""

from __future__ import annotations

from sentinel_cli.monitoring.options import SEVERITIES, MonitoringOptions, Receivers
from sentinel_cli.monitoring.yamltext import dump

SLACK_TITLE = "[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }} ({{ .CommonLabels.severity }})"
SLACK_TEXT = "{{ range .Alerts }}{{ .Annotations.summary }}\n{{ .Annotations.runbook_url }}\n{{ end }}"


def _configs(receivers: Receivers, channels: tuple[str, ...]) -> dict[str, object]:
    configs: dict[str, object] = {}
    if "slack" in channels:
        configs["slack_configs"] = [
            {
                "channel": receivers.slack_channel,
                "send_resolved": True,
                "title": SLACK_TITLE,
                "text": SLACK_TEXT,
            }
        ]
    if "pagerduty" in channels:
        configs["pagerduty_configs"] = [
            {
                "routing_key_file": receivers.pagerduty_routing_key_file,
                "send_resolved": True,
                "description": "{{ .CommonAnnotations.summary }}",
            }
        ]
    if "email" in channels:
        configs["email_configs"] = [{"to": receivers.email_to, "send_resolved": True}]
    if "webhook" in channels:
        webhook: dict[str, object] = {"url": receivers.webhook_url, "send_resolved": True}
        if receivers.webhook_token_file:
            webhook["http_config"] = {"authorization": {"credentials_file": receivers.webhook_token_file}}
        configs["webhook_configs"] = [webhook]
    return configs


def alertmanager_document(options: MonitoringOptions) -> dict[str, object]:
    receivers = options.receivers
    configured = receivers.configured
    glob: dict[str, object] = {"resolve_timeout": "5m"}
    if "slack" in configured:
        glob["slack_api_url_file"] = receivers.slack_api_url_file
    if "email" in configured:
        glob["smtp_smarthost"] = receivers.smtp_smarthost
        glob["smtp_from"] = receivers.smtp_from
        if receivers.smtp_auth_username:
            glob["smtp_auth_username"] = receivers.smtp_auth_username
            glob["smtp_auth_password_file"] = receivers.smtp_auth_password_file
    routes = [
        {"matchers": [f'severity="{severity}"'], "receiver": f"sentinel-{severity}"}
        for severity in SEVERITIES
    ]
    return {
        "global": glob,
        "route": {
            "receiver": "sentinel-default",
            "group_by": ["alertname", "job", "instance"],
            "group_wait": "30s",
            "group_interval": "5m",
            "repeat_interval": "4h",
            "routes": routes,
        },
        "inhibit_rules": [
            {
                # A critical alert silences the warning of the same name for the same job.
                "source_matchers": ['severity="critical"'],
                "target_matchers": ['severity="warning"'],
                "equal": ["alertname", "job", "instance"],
            }
        ],
        "receivers": [
            {"name": "sentinel-default"},
            *(
                {"name": f"sentinel-{severity}", **_configs(receivers, receivers.channels_for(severity))}
                for severity in SEVERITIES
            ),
        ],
    }


def alertmanager_file(options: MonitoringOptions) -> str:
    routing = "; ".join(
        f"{severity} -> {', '.join(options.receivers.channels_for(severity)) or 'nobody'}"
        for severity in SEVERITIES
    )
    header = (
        "Alertmanager configuration for sentinel (sentinel gen-monitoring).\n"
        f"Routing: {routing}.\n"
        "Secrets are read from the *_file paths below; create those files, never paste secrets here."
    )
    return dump(alertmanager_document(options), header)

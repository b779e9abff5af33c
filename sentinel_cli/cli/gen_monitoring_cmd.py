"""``sentinel gen-monitoring``: write Prometheus, Alertmanager, Grafana, log and trace stacks
that read exactly what sentinel emits."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from sentinel_cli.cli.errors import guarded
from sentinel_cli.errors import RuntimeFailure

EPILOG = """\
[bold]Examples[/bold]

  sentinel gen-monitoring --dry-run
  sentinel gen-monitoring -o monitoring --slack-channel '#llm-security' --pagerduty --check
  sentinel gen-monitoring --stack all --stale-after 8d --thresholds thresholds.toml --force
"""

THRESHOLDS = "Thresholds"
TARGETS = "Targets"
ALERTS = "Alertmanager"
LOGS = "Logging stack"


@guarded
def gen_monitoring(
    output_dir: Annotated[
        Path, typer.Option("--output-dir", "-o", help="Directory to write the stacks into.")
    ] = Path("monitoring"),
    stack: Annotated[
        str, typer.Option(help="Comma-separated stacks: metrics, logging, tracing, or all.")
    ] = "metrics",
    force: Annotated[bool, typer.Option("--force", help="Overwrite files that differ.")] = False,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="List what would be written (new/changed/unchanged); write nothing."),
    ] = False,
    check: Annotated[
        bool, typer.Option("--check", help="Run promtool and amtool (when installed) and check metric names.")
    ] = False,
    thresholds: Annotated[
        Path | None,
        typer.Option(
            help="TOML file with thresholds (a \\[thresholds] table); flags win.", rich_help_panel=THRESHOLDS
        ),
    ] = None,
    stale_after: Annotated[
        str | None,
        typer.Option(
            help="Alert when no run succeeded for this long. (default 26h)", rich_help_panel=THRESHOLDS
        ),
    ] = None,
    error_ratio: Annotated[
        float | None,
        typer.Option(help="Bad-record ratio per run. (default 0.05)", rich_help_panel=THRESHOLDS),
    ] = None,
    latency_p95_warning: Annotated[
        float | None, typer.Option(help="p95 seconds per prompt. (default 0.5)", rich_help_panel=THRESHOLDS)
    ] = None,
    latency_p95_critical: Annotated[
        float | None, typer.Option(help="p95 seconds per prompt. (default 1)", rich_help_panel=THRESHOLDS)
    ] = None,
    cache_hit_ratio: Annotated[
        float | None,
        typer.Option(help="LLM cache hit ratio floor. (default 0.5)", rich_help_panel=THRESHOLDS),
    ] = None,
    threat_ratio: Annotated[
        float | None, typer.Option(help="Blocked share per run. (default 0.1)", rich_help_panel=THRESHOLDS)
    ] = None,
    critical_categories: Annotated[
        str | None,
        typer.Option(
            help="Threat categories paged as critical. (default data_exfiltration)",
            rich_help_panel=THRESHOLDS,
        ),
    ] = None,
    llm_error_ratio: Annotated[
        float | None, typer.Option(help="Failed LLM call ratio. (default 0.1)", rich_help_panel=THRESHOLDS)
    ] = None,
    budget_warning: Annotated[
        float | None, typer.Option(help="LLM budget percent. (default 80)", rich_help_panel=THRESHOLDS)
    ] = None,
    budget_critical: Annotated[
        float | None, typer.Option(help="LLM budget percent. (default 100)", rich_help_panel=THRESHOLDS)
    ] = None,
    job: Annotated[
        str, typer.Option(help="Job sentinel pushes as (scan --job).", rich_help_panel=TARGETS)
    ] = "sentinel",
    pushgateway: Annotated[
        str, typer.Option(metavar="HOST:PORT", help="Pushgateway to scrape.", rich_help_panel=TARGETS)
    ] = "pushgateway:9091",
    alertmanager: Annotated[
        str, typer.Option(metavar="HOST:PORT", help="Alertmanager to alert.", rich_help_panel=TARGETS)
    ] = "alertmanager:9093",
    node_exporter: Annotated[
        list[str] | None,
        typer.Option(
            metavar="HOST:PORT", help="Node exporter to scrape (repeatable).", rich_help_panel=TARGETS
        ),
    ] = None,
    scrape_target: Annotated[
        list[str] | None,
        typer.Option(
            metavar="HOST:PORT",
            help="A 'sentinel scan --metrics-port' process (repeatable).",
            rich_help_panel=TARGETS,
        ),
    ] = None,
    scrape_interval: Annotated[str, typer.Option(help="Scrape interval.", rich_help_panel=TARGETS)] = "15s",
    evaluation_interval: Annotated[
        str, typer.Option(help="Rule evaluation interval.", rich_help_panel=TARGETS)
    ] = "15s",
    runbook_base: Annotated[
        str, typer.Option(help="Where alerts' runbook_url points.", rich_help_panel=TARGETS)
    ] = "README.md",
    slack_channel: Annotated[
        str | None, typer.Option(help="Send to this Slack channel.", rich_help_panel=ALERTS)
    ] = None,
    slack_api_url_file: Annotated[
        str, typer.Option(help="File (in Alertmanager) with the Slack webhook URL.", rich_help_panel=ALERTS)
    ] = "/etc/alertmanager/secrets/slack_api_url",
    pagerduty: Annotated[
        bool, typer.Option("--pagerduty", help="Page through PagerDuty.", rich_help_panel=ALERTS)
    ] = False,
    pagerduty_routing_key_file: Annotated[
        str, typer.Option(help="File with the PagerDuty routing key.", rich_help_panel=ALERTS)
    ] = "/etc/alertmanager/secrets/pagerduty_routing_key",
    email_to: Annotated[
        str | None, typer.Option(help="Send e-mail to this address.", rich_help_panel=ALERTS)
    ] = None,
    smtp_smarthost: Annotated[
        str, typer.Option(metavar="HOST:PORT", help="SMTP server.", rich_help_panel=ALERTS)
    ] = "smtp.example.org:587",
    smtp_from: Annotated[
        str, typer.Option(help="Sender address.", rich_help_panel=ALERTS)
    ] = "sentinel-alerts@example.org",
    smtp_auth_username: Annotated[str | None, typer.Option(help="SMTP user.", rich_help_panel=ALERTS)] = None,
    smtp_auth_password_file: Annotated[
        str, typer.Option(help="File with the SMTP password.", rich_help_panel=ALERTS)
    ] = "/etc/alertmanager/secrets/smtp_password",
    webhook_url: Annotated[
        str | None,
        typer.Option(help="POST alerts to this URL (no credentials in it).", rich_help_panel=ALERTS),
    ] = None,
    webhook_token_file: Annotated[
        str | None, typer.Option(help="File with a bearer token for the webhook.", rich_help_panel=ALERTS)
    ] = None,
    route: Annotated[
        list[str] | None,
        typer.Option(
            metavar="SEVERITY=CHANNELS",
            help="Override routing, e.g. critical=pagerduty,slack (repeatable; 'none' for nobody).",
            rich_help_panel=ALERTS,
        ),
    ] = None,
    log_dir: Annotated[
        str, typer.Option(help="Host directory with sentinel's log and audit files.", rich_help_panel=LOGS)
    ] = "/var/log/sentinel",
    log_file: Annotated[
        str, typer.Option(help="JSON log file name in --log-dir.", rich_help_panel=LOGS)
    ] = "sentinel.log",
    audit_file: Annotated[
        str, typer.Option(help="Audit log file name in --log-dir.", rich_help_panel=LOGS)
    ] = "audit.jsonl",
) -> int:
    """Generate Prometheus, Alertmanager, Grafana and Compose files for sentinel's batch jobs.

    Prometheus scrape config and alert rules with unit tests, Alertmanager routing, Grafana
    dashboards and Docker Compose files, all on the metric names sentinel emits; with --stack,
    the logging (Elasticsearch, Logstash, Kibana, Filebeat) and tracing (OpenTelemetry
    Collector, Jaeger) stacks too. Existing files are never overwritten without --force.
    """
    from dataclasses import replace

    from sentinel_cli.monitoring import options as opts
    from sentinel_cli.monitoring.generate import Status, generate, plan, write_tree

    receivers = opts.Receivers(
        slack_channel=slack_channel,
        slack_api_url_file=slack_api_url_file,
        pagerduty=pagerduty,
        pagerduty_routing_key_file=pagerduty_routing_key_file,
        email_to=email_to,
        smtp_smarthost=opts.check_target("--smtp-smarthost", smtp_smarthost),
        smtp_from=smtp_from,
        smtp_auth_username=smtp_auth_username,
        smtp_auth_password_file=smtp_auth_password_file,
        webhook_url=opts.check_webhook(webhook_url) if webhook_url else None,
        webhook_token_file=webhook_token_file,
    )
    receivers = replace(receivers, routes=opts.parse_routes(route or [], receivers.configured))
    options = opts.MonitoringOptions(
        thresholds=opts.load_thresholds(
            thresholds,
            {
                "stale_after": stale_after,
                "error_ratio": error_ratio,
                "latency_p95_warning": latency_p95_warning,
                "latency_p95_critical": latency_p95_critical,
                "cache_hit_ratio": cache_hit_ratio,
                "threat_ratio": threat_ratio,
                "critical_categories": opts.parse_categories(critical_categories),
                "llm_error_ratio": llm_error_ratio,
                "budget_warning": budget_warning,
                "budget_critical": budget_critical,
            },
        ),
        receivers=receivers,
        stacks=opts.parse_stacks(stack),
        job=opts.check_label_value("--job", job),
        pushgateway=opts.check_target("--pushgateway", pushgateway),
        alertmanager=opts.check_target("--alertmanager", alertmanager),
        node_exporters=tuple(opts.check_target("--node-exporter", t) for t in node_exporter or ()),
        scrape_targets=tuple(opts.check_target("--scrape-target", t) for t in scrape_target or ()),
        scrape_interval=opts.check_duration("--scrape-interval", scrape_interval),
        evaluation_interval=opts.check_duration("--evaluation-interval", evaluation_interval),
        runbook_base=runbook_base,
        log_dir=log_dir,
        log_file=opts.check_file_name("--log-file", log_file),
        audit_file=opts.check_file_name("--audit-file", audit_file),
    )
    files = generate(options)
    if dry_run:
        for item in plan(output_dir, files):
            sys.stdout.write(f"{item.status.value:9}  {output_dir / item.path}\n")
        return _check(files, None) if check else 0
    written = write_tree(output_dir, files, force=force)
    counts = {status: sum(1 for p in written if p.status is status) for status in Status}
    sys.stderr.write(
        f"{output_dir}: {counts[Status.NEW]} new, {counts[Status.CHANGED]} overwritten, "
        f"{counts[Status.UNCHANGED]} unchanged ({', '.join(options.stacks)})\n"
    )
    return _check(files, output_dir) if check else 0


def _check(files: dict[str, str], output_dir: Path | None) -> int:
    """Run the checks on ``output_dir`` (or on a temporary copy for --dry-run)."""
    import tempfile

    from sentinel_cli.monitoring.check import check_names, run_tools
    from sentinel_cli.monitoring.generate import write_tree

    with tempfile.TemporaryDirectory(prefix="sentinel-monitoring-") as temp:
        directory = output_dir or Path(temp)
        if output_dir is None:
            write_tree(directory, files, force=True)
        results = [check_names(files), *run_tools(directory, files)]
    failed = [r for r in results if not r.ok]
    for result in results:
        state = "skipped" if result.skipped else "ok" if result.ok else "FAILED"
        line = f"check: {result.name}: {state}"
        if result.skipped or not result.ok:
            line += f" ({result.detail})" if "\n" not in result.detail else "\n" + result.detail
        sys.stderr.write(line + "\n")
    if failed:
        raise RuntimeFailure(f"{len(failed)} check(s) failed: {', '.join(r.name for r in failed)}")
    return 0

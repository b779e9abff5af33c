"""The logging stack is produced from the schema declaration: every field the generated Logstash
pipeline and index template name is declared in telemetry.schema, and every declared field is
there; real log and audit lines from a scan fit the mapping."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from sentinel_cli.monitoring.logging_stack import (
    CRITICAL_CATEGORIES,
    OWN_FIELDS,
    field_mappings,
    index_template,
    logging_files,
)
from sentinel_cli.monitoring.options import MonitoringOptions
from sentinel_cli.telemetry.schema import AUDIT_FIELDS, FINDING_FIELDS, LOG_FIELDS
from tests.helpers import SAMPLES, run_cli

DECLARED = {f.name for f in (*LOG_FIELDS, *AUDIT_FIELDS)}


def _conf() -> str:
    return logging_files(MonitoringOptions())["logging/logstash.conf"]


def _branches(conf: str) -> tuple[str, str]:
    audit, _, log = conf.partition("} else {")
    return audit, log


def _copied(text: str) -> set[str]:
    return set(re.findall(r'"\[@metadata\]\[line\]\[([^\]]+)\]" => "\[\1\]"', text))


def test_every_field_logstash_references_is_declared_and_every_declared_field_is_copied() -> None:
    conf = _conf()
    code = "\n".join(line for line in conf.splitlines() if not line.lstrip().startswith("#"))
    references = set(re.findall(r"\[([A-Za-z_@][A-Za-z0-9_@]*)\]", code)) - {"@metadata", "line"}
    assert references, "no field references found"
    assert references <= DECLARED | set(OWN_FIELDS), references - DECLARED - set(OWN_FIELDS)
    audit, log = _branches(conf)
    assert _copied(audit) == {f.name for f in AUDIT_FIELDS}
    assert _copied(log) == {f.name for f in LOG_FIELDS}
    whitelist = set(re.findall(r'"\^([^$"]+)\$"', conf))
    assert whitelist == DECLARED | set(OWN_FIELDS)


def test_the_index_template_maps_exactly_the_declared_fields_with_their_types() -> None:
    properties = index_template()["template"]["mappings"]["properties"]
    assert set(properties) == DECLARED | set(OWN_FIELDS)
    for spec in (*LOG_FIELDS, *AUDIT_FIELDS):
        assert properties[spec.name]["type"] == spec.es_type, spec.name
    findings = properties["findings"]["properties"]
    assert {name: m["type"] for name, m in findings.items()} == {f.name: f.es_type for f in FINDING_FIELDS}
    assert index_template()["index_patterns"] == ["sentinel-*"]
    assert field_mappings() == properties


def test_daily_index_and_threat_severity() -> None:
    conf = _conf()
    assert 'index => "sentinel-%{+YYYY.MM.dd}"' in conf
    critical = re.search(
        r"if (.*) \{\n\s*mutate \{ add_field => \{ \"threat_severity\" => \"critical\" \}", conf
    )
    assert critical is not None
    for category in ("data_exfiltration", "pii", "secret"):
        assert f'"{category}" in [categories]' in critical.group(1)
    assert set(CRITICAL_CATEGORIES) == {"data_exfiltration", "pii", "secret"}
    assert "[pii_types][0]" in critical.group(1)
    assert conf.count("{") == conf.count("}")


def test_filebeat_and_compose(tmp_path: Path) -> None:
    options = MonitoringOptions(log_dir="/srv/logs", log_file="s.log", audit_file="a.jsonl")
    files = logging_files(options)
    filebeat = yaml.safe_load(files["logging/filebeat.yml"])
    paths = [p for i in filebeat["filebeat.inputs"] for p in i["paths"]]
    assert paths == ["/var/log/sentinel/s.log", "/var/log/sentinel/s.log.*", "/var/log/sentinel/a.jsonl"]
    assert filebeat["output.logstash"]["hosts"] == ["logstash:5044"]
    compose = yaml.safe_load(files["docker-compose.logging.yml"])
    assert "/srv/logs:/var/log/sentinel:ro" in compose["services"]["filebeat"]["volumes"]
    assert set(compose["services"]) == {"elasticsearch", "logstash", "kibana", "filebeat"}
    template = json.loads(files["logging/index-template.json"])
    assert template == index_template()


def test_real_log_and_audit_lines_fit_the_mapping(tmp_path: Path) -> None:
    log, audit = tmp_path / "sentinel.log", tmp_path / "audit.jsonl"
    done = run_cli(
        "scan", str(SAMPLES / "prompts.jsonl"), "--fail-on", "never", "--log-format", "json",
        "--log-level", "debug", "--log-file", str(log), "--audit-log", str(audit),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    properties = index_template()["template"]["mappings"]["properties"]
    seen: set[str] = set()
    for path in (log, audit):
        for line in path.read_text().splitlines():
            record = json.loads(line)
            assert set(record) <= set(properties), set(record) - set(properties)
            seen |= set(record)
    assert {"text_hash", "pii_types", "findings", "event", "prompt_sha256"} <= seen

"""The log stack: Filebeat reads sentinel's JSON log and audit log, Logstash parses them and
adds a threat severity, Elasticsearch stores them in daily ``sentinel-YYYY.MM.dd`` indices.

Every field name below comes from ``telemetry.schema`` (``LOG_FIELDS``,
``AUDIT_FIELDS``): Logstash copies exactly the declared fields of each line,
and the index template maps exactly those, with their declared types.
"""

from __future__ import annotations

import json
from typing import Any

from sentinel_cli.model import Category
from sentinel_cli.monitoring.compose import IMAGES, NETWORK
from sentinel_cli.monitoring.options import MonitoringOptions
from sentinel_cli.monitoring.yamltext import dump
from sentinel_cli.telemetry.schema import AUDIT_FIELDS, AUDIT_SCHEMA_ID, LOG_FIELDS, FieldSpec

OWN_FIELDS: dict[str, str] = {
    "@timestamp": "date",
    "sentinel_kind": "keyword",
    "threat_severity": "keyword",
    "tags": "keyword",
}
"""Fields the pipeline adds itself (Elasticsearch types): the event time, which schema the line
follows (``log`` or ``audit``), the threat severity and Logstash's failure tags."""

CRITICAL_CATEGORIES = (Category.DATA_EXFILTRATION.value, Category.PII.value, Category.SECRET.value)
"""PII exposure (PII and secrets) and data exfiltration are critical."""

TEMPLATE_PATH = "/usr/share/logstash/templates/sentinel-index-template.json"
INDEX = "sentinel-%{+YYYY.MM.dd}"


def _mapping(spec: FieldSpec) -> dict[str, Any]:
    if spec.es_type == "nested" and isinstance(spec.items, tuple):
        return {"type": "nested", "properties": {item.name: _mapping(item) for item in spec.items}}
    if spec.es_type == "object":
        return {"type": "object", "dynamic": True}
    return {"type": spec.es_type}


def field_mappings() -> dict[str, dict[str, Any]]:
    """Log and audit fields merged; a name both schemas use must have one type."""
    merged: dict[str, dict[str, Any]] = {name: {"type": es} for name, es in OWN_FIELDS.items()}
    for spec in (*LOG_FIELDS, *AUDIT_FIELDS):
        mapping = _mapping(spec)
        if spec.name in merged and merged[spec.name] != mapping:
            raise ValueError(
                f"field {spec.name} has two Elasticsearch types: {merged[spec.name]} and {mapping}"
            )
        merged[spec.name] = mapping
    return dict(sorted(merged.items()))


def index_template() -> dict[str, Any]:
    return {
        "index_patterns": ["sentinel-*"],
        "priority": 200,
        "_meta": {"description": f"sentinel log lines and {AUDIT_SCHEMA_ID} audit lines"},
        "template": {
            "settings": {"number_of_shards": 1, "number_of_replicas": 0},
            # Only declared fields are indexed; anything else stays in _source.
            "mappings": {"dynamic": False, "properties": field_mappings()},
        },
    }


def _copy(fields: tuple[FieldSpec, ...], indent: str) -> str:
    pairs = "\n".join(f'{indent}  "[@metadata][line][{f.name}]" => "[{f.name}]"' for f in fields)
    return f"{indent}copy => {{\n{pairs}\n{indent}}}"


def _any_category(names: tuple[str, ...]) -> str:
    return " or ".join(f'"{name}" in [categories]' for name in names)


def logstash_conf(options: MonitoringOptions) -> str:
    kept = sorted({*OWN_FIELDS, *(f.name for f in (*LOG_FIELDS, *AUDIT_FIELDS))})
    whitelist = ", ".join(f'"^{name}$"' for name in kept)
    return f"""# Logstash pipeline for sentinel's JSON log and audit log (sentinel gen-monitoring).
# Field names come from sentinel_cli.telemetry.schema: LOG_FIELDS and AUDIT_FIELDS.
input {{
  beats {{
    port => 5044
  }}
}}

filter {{
  json {{
    source => "message"
    target => "[@metadata][line]"
    tag_on_failure => ["sentinel_unparsed"]
  }}
  if "sentinel_unparsed" not in [tags] {{
    mutate {{
      remove_field => ["message"]
    }}
    if [@metadata][line][schema] == "{AUDIT_SCHEMA_ID}" {{
      mutate {{
        add_field => {{ "sentinel_kind" => "audit" }}
{_copy(AUDIT_FIELDS, "        ")}
      }}
    }} else {{
      mutate {{
        add_field => {{ "sentinel_kind" => "log" }}
{_copy(LOG_FIELDS, "        ")}
      }}
    }}
    date {{
      match => ["[timestamp]", "ISO8601"]
      target => "@timestamp"
    }}
    # Threat severity: PII exposure and data exfiltration are critical.
    if {_any_category(CRITICAL_CATEGORIES)} or [pii_types][0] {{
      mutate {{ add_field => {{ "threat_severity" => "critical" }} }}
    }} else if [verdict] == "block" {{
      mutate {{ add_field => {{ "threat_severity" => "high" }} }}
    }} else if [verdict] == "flag" or [verdict] == "strip" or [verdict] == "redact" {{
      mutate {{ add_field => {{ "threat_severity" => "medium" }} }}
    }} else if [verdict] == "allow" {{
      mutate {{ add_field => {{ "threat_severity" => "none" }} }}
    }}
  }}
  # Keep only declared fields (Filebeat's host, agent and input metadata go).
  prune {{
    whitelist_names => [{whitelist}]
  }}
}}

output {{
  elasticsearch {{
    hosts => ["http://elasticsearch:9200"]
    index => "{INDEX}"
    manage_template => true
    template_api => "composable"
    template_name => "sentinel"
    template => "{TEMPLATE_PATH}"
    template_overwrite => true
  }}
}}
"""


def filebeat_yml(options: MonitoringOptions) -> str:
    base = "/var/log/sentinel"
    document = {
        "filebeat.inputs": [
            {
                "type": "filestream",
                "id": "sentinel-log",
                # The rotated files too: a line written just before rotation is still read.
                "paths": [f"{base}/{options.log_file}", f"{base}/{options.log_file}.*"],
            },
            {"type": "filestream", "id": "sentinel-audit", "paths": [f"{base}/{options.audit_file}"]},
        ],
        "output.logstash": {"hosts": ["logstash:5044"]},
        "logging.level": "info",
    }
    header = (
        f"Filebeat: ships sentinel's JSON log ({options.log_file}) and audit log ({options.audit_file})\n"
        f"from {options.log_dir} (mounted at {base}) to Logstash, one line per event."
    )
    return dump(document, header)


def logging_compose(options: MonitoringOptions) -> str:
    services: dict[str, object] = {
        "elasticsearch": {
            "image": IMAGES["elasticsearch"],
            "environment": {
                "discovery.type": "single-node",
                # Single node on a private network; turn security on before exposing it.
                "xpack.security.enabled": "false",
                "ES_JAVA_OPTS": "-Xms1g -Xmx1g",
            },
            "volumes": ["elasticsearch-data:/usr/share/elasticsearch/data"],
            "ports": ["127.0.0.1:9200:9200"],
            "networks": [NETWORK],
            "restart": "unless-stopped",
        },
        "logstash": {
            "image": IMAGES["logstash"],
            "volumes": [
                "./logging/logstash.conf:/usr/share/logstash/pipeline/logstash.conf:ro",
                f"./logging/index-template.json:{TEMPLATE_PATH}:ro",
            ],
            "environment": {"XPACK_MONITORING_ENABLED": "false"},
            "depends_on": ["elasticsearch"],
            "networks": [NETWORK],
            "restart": "unless-stopped",
        },
        "kibana": {
            "image": IMAGES["kibana"],
            "environment": {"ELASTICSEARCH_HOSTS": "http://elasticsearch:9200"},
            "ports": ["127.0.0.1:5601:5601"],
            "depends_on": ["elasticsearch"],
            "networks": [NETWORK],
            "restart": "unless-stopped",
        },
        "filebeat": {
            "image": IMAGES["filebeat"],
            "user": "root",
            "command": ["filebeat", "-e", "--strict.perms=false"],
            "volumes": [
                "./logging/filebeat.yml:/usr/share/filebeat/filebeat.yml:ro",
                f"{options.log_dir}:/var/log/sentinel:ro",
                "filebeat-data:/usr/share/filebeat/data",
            ],
            "depends_on": ["logstash"],
            "networks": [NETWORK],
            "restart": "unless-stopped",
        },
    }
    document = {
        "name": "sentinel-monitoring",
        "services": services,
        "volumes": {"elasticsearch-data": {}, "filebeat-data": {}},
        "networks": {NETWORK: {"name": NETWORK}},
    }
    header = (
        "Elasticsearch, Logstash, Kibana and Filebeat for sentinel's logs (sentinel gen-monitoring).\n"
        "docker compose -f docker-compose.logging.yml up -d"
    )
    return dump(document, header)


def logging_files(options: MonitoringOptions) -> dict[str, str]:
    return {
        "logging/filebeat.yml": filebeat_yml(options),
        "logging/logstash.conf": logstash_conf(options),
        "logging/index-template.json": json.dumps(index_template(), indent=2) + "\n",
        "docker-compose.logging.yml": logging_compose(options),
    }

"""``sentinel detectors``: list the detectors, their versions and rule counts."""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer

from sentinel_cli.cli.errors import guarded
from sentinel_cli.cli.options import ConfigOption

EPILOG = """\
[bold]Examples[/bold]

  sentinel detectors
  sentinel detectors --rules --json | jq '.[].rules[].id'
"""


@guarded
def detectors(
    rules: Annotated[bool, typer.Option("--rules", help="Also list every rule.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    config: ConfigOption = None,
) -> int:
    """List the available detectors with their versions and rule counts."""
    from sentinel_cli.config import load_settings
    from sentinel_cli.detectors import registry

    settings = load_settings(config)
    default = set(registry.DEFAULT_DETECTORS)
    entries: list[dict[str, Any]] = []
    for name in registry.available():
        detector = registry.create([name], settings)[0]
        rule_infos = list(detector.rules())
        entries.append(
            {
                "id": detector.id,
                "version": detector.version,
                "default": name in default,
                "description": detector.description,
                "rule_count": len(rule_infos),
                "rules": [
                    {
                        "id": r.id,
                        "name": r.name,
                        "category": r.category.value,
                        "severity": r.severity.value,
                        "confidence": r.confidence,
                    }
                    for r in rule_infos
                ]
                if rules
                else None,
            }
        )
    if as_json:
        for entry in entries:
            if entry["rules"] is None:
                del entry["rules"]
        sys.stdout.write(json.dumps(entries, indent=2) + "\n")
        return 0
    from rich.table import Table

    from sentinel_cli.console import console as make_console

    table = Table()
    for column in ("Detector", "Version", "Default", "Rules", "Description"):
        table.add_column(column)
    for entry in entries:
        table.add_row(
            str(entry["id"]),
            str(entry["version"]),
            "yes" if entry["default"] else "no",
            str(entry["rule_count"]),
            str(entry["description"]),
        )
    console = make_console()
    console.print(table)
    if rules:
        rule_table = Table()
        for column in ("Rule", "Detector", "Category", "Severity", "Confidence", "Name"):
            rule_table.add_column(column)
        for entry in entries:
            for rule in entry["rules"] or []:
                rule_table.add_row(
                    rule["id"],
                    str(entry["id"]),
                    rule["category"],
                    rule["severity"],
                    f"{rule['confidence']:.2f}",
                    rule["name"],
                )
        console.print(rule_table)
    return 0

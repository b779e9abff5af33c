"""YAML out, through PyYAML's safe emitter: quoting PromQL, templates and
``#channel`` names by hand is how generated configs break."""

from __future__ import annotations

from typing import Any


def dump(data: Any, header: str = "") -> str:
    """Block-style YAML in insertion order; multi-line strings as literal blocks."""
    import yaml

    class _Dumper(yaml.SafeDumper):
        pass

    def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
        style = "|" if "\n" in value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    _Dumper.add_representer(str, _str)
    _Dumper.add_representer(tuple, _Dumper.represent_list)
    text = yaml.dump(data, Dumper=_Dumper, sort_keys=False, default_flow_style=False, width=4096)
    lines = "".join(f"# {line}".rstrip() + "\n" for line in header.splitlines()) if header else ""
    return lines + text

"""TOML renderings of the settings schema: ``config init`` and ``config show``."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from pydantic import SecretStr
from pydantic_core import PydanticUndefined

from sentinel_cli.config import Settings, effective_values

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def _toml_key(key: object) -> str:
    """Bare when TOML allows it; quoted otherwise (``"gpt-6.1-sol"`` is not a dotted key)."""
    text = str(key)
    return text if _BARE_KEY.match(text) else json.dumps(text, ensure_ascii=False)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items()) + " }"
    return json.dumps(str(value), ensure_ascii=False)


def to_toml(values: Mapping[str, Any]) -> str:
    """Flat settings as TOML lines; unset (``None``) values become comments."""
    lines = []
    for name, value in values.items():
        if value is None:
            lines.append(f"# {name} = (not set)")
        else:
            lines.append(f"{name} = {_toml_value(value)}")
    return "\n".join(lines) + "\n"


def sample_config() -> str:
    """Every setting with its description and default, commented out, ready to edit."""
    defaults = effective_values(Settings.model_construct())
    out = [
        "# sentinel configuration. Save as sentinel.toml, or put the same keys under",
        "# [tool.sentinel] in pyproject.toml. Every setting can also be given as an",
        "# environment variable SENTINEL_<NAME> (e.g. SENTINEL_MODE=strict); flags win.",
        "",
    ]
    for name, field in Settings.model_fields.items():
        out.append(f"# {field.description or name}")
        default = defaults.get(name)
        if field.default is not PydanticUndefined and isinstance(field.default, SecretStr):
            default = ""
        if default is None:
            out.append(f"# {name} =")
        else:
            out.append(f"# {name} = {_toml_value(default)}")
        out.append("")
    return "\n".join(out)

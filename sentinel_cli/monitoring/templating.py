"""Render the small subset of Prometheus' Go templates the generated annotations use.

``promtool test rules`` compares annotations exactly, so the generated unit
tests must state the rendered text. The alert templates stick to
``{{ $labels.NAME }}`` and ``{{ $value | FUNC }}`` with ``humanize``,
``humanizePercentage`` and ``humanizeDuration``; these mirror Prometheus'
functions (``template/template.go``), and promtool itself checks that they agree.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

_PLACEHOLDER = re.compile(r"\{\{\s*(.*?)\s*\}\}")
_SMALL = ("m", "u", "n", "p", "f", "a", "z", "y")
_LARGE = ("k", "M", "G", "T", "P", "E", "Z", "Y")


def _g(value: float) -> str:
    return f"{value:.4g}"


def humanize(value: float) -> str:
    if value == 0 or math.isnan(value) or math.isinf(value):
        return _g(value)
    prefix = ""
    if abs(value) >= 1:
        for unit in _LARGE:
            if abs(value) < 1000:
                break
            prefix, value = unit, value / 1000
        return _g(value) + prefix
    for unit in _SMALL:
        if abs(value) >= 1:
            break
        prefix, value = unit, value * 1000
    return _g(value) + prefix


def humanize_duration(value: float) -> str:
    if math.isnan(value) or math.isinf(value):
        return _g(value)
    if value == 0:
        return _g(value) + "s"
    if abs(value) >= 1:
        sign = "-" if value < 0 else ""
        value = abs(value)
        whole = int(value)
        seconds, minutes = whole % 60, (whole // 60) % 60
        hours, days = (whole // 3600) % 24, whole // 86400
        if days:
            return f"{sign}{days}d {hours}h {minutes}m {seconds}s"
        if hours:
            return f"{sign}{hours}h {minutes}m {seconds}s"
        if minutes:
            return f"{sign}{minutes}m {seconds}s"
        return f"{sign}{_g(value)}s"
    prefix = ""
    for unit in _SMALL:
        if abs(value) >= 1:
            break
        prefix, value = unit, value * 1000
    return f"{_g(value)}{prefix}s"


def humanize_percentage(value: float) -> str:
    return _g(value * 100) + "%"


FUNCTIONS = {
    "humanize": humanize,
    "humanizeDuration": humanize_duration,
    "humanizePercentage": humanize_percentage,
}


def render(template: str, labels: Mapping[str, str], value: float) -> str:
    """The text Prometheus renders for ``template``; anything outside the subset is an error."""

    def one(match: re.Match[str]) -> str:
        expression = match.group(1)
        if expression.startswith("$labels."):
            return labels.get(expression.removeprefix("$labels."), "<no value>")
        parts = [part.strip() for part in expression.split("|")]
        if parts[0] != "$value" or len(parts) != 2 or parts[1] not in FUNCTIONS:
            raise ValueError(f"template expression outside the supported subset: {{{{ {expression} }}}}")
        return FUNCTIONS[parts[1]](value)

    return _PLACEHOLDER.sub(one, template)

"""The configuration check: the settings parse and validate (flags aside).

Loading happens once, in the command, before any check runs; this check only
reports how that went, so an invalid file is a check result (unhealthy, exit 1)
rather than a usage error: a probe must be able to say "this config is broken".
"""

from __future__ import annotations

import platform

from sentinel_cli import __version__
from sentinel_cli.health.interface import Check, Context
from sentinel_cli.health.model import Outcome, healthy, unhealthy


class ConfigCheck(Check):
    name = "config"
    title = "settings file and SENTINEL_* variables parse and validate"
    needs_settings = False

    def run(self, context: Context) -> Outcome:
        file = str(context.config_file) if context.config_file else None
        facts = {"file": file, "sentinel_version": __version__, "python": platform.python_version()}
        if context.config_error is not None:
            return unhealthy(
                context.config_error,
                "fix the settings named above (sentinel config validate FILE checks a file alone)",
                **facts,
            )
        where = f"from {file}" if file else "no config file: defaults and environment"
        return healthy(f"valid ({where})", **facts)

"""``sentinel health``: checks that tell whether this machine can run the configured job, and why not.

Layout: ``model`` (statuses, results, the report), ``interface`` (the ``Check``
base class and its context), one small module per family of checks
(``config_check``, ``detectors``, ``storage``, ``system``, ``providers``,
``telemetry``, ``budget``), ``registry`` (stable names, probes) and ``runner``
(concurrency and per-check timeouts). Nothing here prints.
"""

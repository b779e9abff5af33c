"""Generators for the monitoring stacks that read what sentinel emits.

Each module turns a ``MonitoringOptions`` into file contents (pure functions, no
I/O): Prometheus and its rules, Alertmanager, Grafana, the compose files, the
log and trace stacks. ``generate.generate`` collects them into a file tree and
``generate.write_tree`` writes it; ``check`` runs promtool and amtool on it.
"""

"""Detectors: each finds one kind of evidence and has a permanent id."""

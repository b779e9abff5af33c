"""CI gating: repository paths, finding fingerprints, inline suppressions and baselines.

These are engine *stages*: pure functions of a prompt and its findings that
run before scoring (``EngineOptions.stages``), so a suppressed or baselined
finding never raises a score, changes a verdict or trips a gate.
"""

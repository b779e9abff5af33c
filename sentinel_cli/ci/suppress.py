"""Inline suppression: ``sentinel: ignore[RULE_ID] reason`` on the line of a finding.

The marker may sit on any line the finding spans or, for a string literal in
code, on the line where the literal ends (where a trailing comment fits).
When the reader knows only the record (JSON Lines, CSV, chat messages), a
marker anywhere in the record applies to it.
"""

from __future__ import annotations

from dataclasses import replace

from sentinel_cli.model import Finding, Prompt
from sentinel_cli.origin import Marker, TextOrigin


def marker_for(origin: TextOrigin, finding: Finding) -> Marker | None:
    """The marker that suppresses ``finding``, if any."""
    candidates = origin.markers
    if origin.anchors and finding.message is None:
        region = origin.region(finding.start, finding.end)
        assert region is not None
        lines = set(range(region.start_line, region.end_line + 1))
        if origin.comment_line is not None:
            lines.add(origin.comment_line)
        candidates = tuple(marker for marker in candidates if marker.line in lines)
    return next((marker for marker in candidates if marker.covers(finding.rule_id)), None)


def apply_suppressions(prompt: Prompt, findings: list[Finding]) -> list[Finding]:
    """Mark findings an inline marker covers as suppressed, with the marker's reason."""
    origin = prompt.location.origin
    if origin is None or not origin.markers or not findings:
        return findings
    marked = []
    for finding in findings:
        marker = marker_for(origin, finding)
        if marker is None:
            marked.append(finding)
        else:
            marked.append(replace(finding, suppressed=True, justification=marker.reason))
    return marked

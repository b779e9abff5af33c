"""The size limit of one scanned text, and the finding that says when it was reached.

Detectors work on at most ``max_prompt_chars`` characters of each prompt (each
chat message): time and memory per prompt stay bounded however large the input.
The characters past the limit are not scanned, and that is never silent: the
record gets finding ``EN092`` over the part that was left out, with confidence
0.5, enough to flag it in the default mode, since padding a prompt is a way to
push an attack out of sight. The decoding limits (``EN090``, ``EN091``) are the
heuristics detector's (``sentinel_cli.normalization.decoders``).
"""

from __future__ import annotations

from sentinel_cli.model import Category, Finding, RuleInfo, Severity

DEFAULT_MAX_PROMPT_CHARS = 1_000_000
DETECTOR_ID = "engine"

PROMPT_SIZE_LIMIT = RuleInfo(
    id="EN092",
    name="prompt-size-limit",
    detector=DETECTOR_ID,
    category=Category.ENCODING_ATTACK,
    severity=Severity.MEDIUM,
    confidence=0.5,
    description=(
        "The text is longer than max_prompt_chars; only its beginning was scanned, so an attack "
        "placed after the padding would not be seen."
    ),
    help="Raise max_prompt_chars (SENTINEL_MAX_PROMPT_CHARS) to scan longer texts whole.",
    tags=("limit",),
)
RULES = (PROMPT_SIZE_LIMIT,)


def over_limit(text: str, limit: int | None) -> Finding | None:
    """The ``EN092`` finding for ``text`` when it is longer than ``limit`` (else ``None``)."""
    if limit is None or len(text) <= limit:
        return None
    evidence = f"{len(text):,} characters; the first {limit:,} were scanned, the rest was not"
    return PROMPT_SIZE_LIMIT.finding(limit, len(text), evidence)

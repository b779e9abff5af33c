"""Fit the linear model on featurised rows, calibrate it, and export the artifact bytes.

Vocabulary, matrix layout and solver are deterministic: grams are sorted,
liblinear gets a fixed ``random_state``, and weights are exported as float32.
Calibration (Platt) is fitted on out-of-fold margins computed by the serving
code path (``classifier.best_window``), so it calibrates what actually runs.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from sentinel_cli.localmodel import features
from sentinel_cli.localmodel.artifact import dump, loads
from sentinel_cli.localmodel.classifier import Classifier, best_window
from sentinel_cli.training.sources import Row

SEED = 20261126


@dataclass(frozen=True, slots=True)
class Params:
    c: float = 8.0
    category_c: float = 4.0
    min_df: int = 2
    max_features: int = 200_000
    floor: float = 0.05
    calibration_folds: int = 3


@dataclass(frozen=True, slots=True)
class Featurised:
    chars: list[frozenset[str]]
    words: list[frozenset[str]]


def featurise(rows: Sequence[Row]) -> Featurised:
    chars, words = [], []
    for row in rows:
        found = features.grams(features.canonical(row.text))
        chars.append(frozenset(found.chars))
        words.append(frozenset(found.words))
    return Featurised(chars, words)


def _vocab(sets: Sequence[frozenset[str]], min_df: int) -> list[str]:
    counts: Counter[str] = Counter()
    for found in sets:
        counts.update(found)
    return sorted(gram for gram, df in counts.items() if df >= min_df)


def _block(sets: Sequence[frozenset[str]], vocab: dict[str, int]) -> sparse.csr_matrix:
    indptr, indices, data = [0], [], []
    for found in sets:
        cols = sorted(vocab[g] for g in found if g in vocab)
        scale = 1.0 / math.sqrt(len(found)) if found else 0.0
        indices.extend(cols)
        data.extend([scale] * len(cols))
        indptr.append(len(indices))
    return sparse.csr_matrix(
        (np.asarray(data, dtype=np.float64), np.asarray(indices, dtype=np.int64), np.asarray(indptr)),
        shape=(len(sets), len(vocab)),
    )


def _labels(rows: Sequence[Row]) -> np.ndarray:
    return np.asarray([row.label != "benign" for row in rows], dtype=np.int64)


def _fit_linear(
    feats: Featurised, index: Sequence[int], rows: Sequence[Row], params: Params, version: str
) -> tuple[bytes, list[Row]]:
    """Train both heads on ``index`` and export an uncalibrated artifact (identity Platt)."""
    chars = [feats.chars[i] for i in index]
    words = [feats.words[i] for i in index]
    char_vocab, word_vocab = _vocab(chars, params.min_df), _vocab(words, params.min_df)
    char_pos = {g: i for i, g in enumerate(char_vocab)}
    word_pos = {g: i for i, g in enumerate(word_vocab)}
    matrix = sparse.hstack([_block(chars, char_pos), _block(words, word_pos)], format="csr")
    train_rows = [rows[i] for i in index]
    y = _labels(train_rows)
    main = LogisticRegression(C=params.c, solver="liblinear", class_weight="balanced", random_state=SEED)
    main.fit(matrix, y)
    malicious = np.flatnonzero(y)
    jail = np.asarray([train_rows[i].label == "jailbreak" for i in malicious], dtype=np.int64)
    cat = LogisticRegression(C=params.category_c, solver="liblinear", class_weight="balanced", random_state=SEED)
    cat.fit(matrix[malicious], jail)
    weights = main.coef_[0].astype(np.float32)
    cat_weights = cat.coef_[0].astype(np.float32)
    # Keep the strongest features only: the artifact stays small and loads fast.
    keep = np.sort(np.argsort(-np.abs(weights), kind="stable")[: params.max_features])
    keep = keep[weights[keep] != 0]
    n_char = len(char_vocab)
    all_vocab = char_vocab + word_vocab
    char_keep = [int(i) for i in keep if i < n_char]
    word_keep = [int(i) for i in keep if i >= n_char]
    header = {
        "format": 1,
        "version": version,
        "char_ngrams": list(features.CHAR_NGRAMS),
        "window": features.WINDOW,
        "stride": features.STRIDE,
        "bias": float(np.float32(main.intercept_[0])),
        "category_bias": float(np.float32(cat.intercept_[0])),
        "platt": [1.0, 0.0],
        "floor": params.floor,
    }
    blob = dump(
        header,
        {"char": [all_vocab[i] for i in char_keep], "word": [all_vocab[i] for i in word_keep]},
        {
            "char": weights[char_keep].tolist(),
            "word": weights[word_keep].tolist(),
            "char_jailbreak": cat_weights[char_keep].tolist(),
            "word_jailbreak": cat_weights[word_keep].tolist(),
        },
    )
    return blob, train_rows


def margins(blob: bytes, rows: Sequence[Row]) -> np.ndarray:
    """Serving-path margins (max over windows) of ``rows`` under the model in ``blob``."""
    classifier = Classifier(loads(blob))
    return np.asarray([best_window(classifier, row.text)[0] for row in rows])


def platt(scores: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Platt scaling fitted on out-of-fold margins (a 1-D logistic regression)."""
    model = LogisticRegression(C=1e6, solver="lbfgs", max_iter=1000)
    model.fit(scores.reshape(-1, 1), y)
    return float(np.float32(model.coef_[0][0])), float(np.float32(model.intercept_[0]))


def train(rows: Sequence[Row], feats: Featurised, index: Sequence[int], params: Params, version: str) -> bytes:
    """The calibrated artifact trained on ``rows[index]``; calibration uses inner group folds."""
    index = list(index)
    groups = [rows[i].group for i in index]
    oof = np.zeros(len(index))
    y = _labels([rows[i] for i in index])
    for inner_train, inner_test in GroupKFold(n_splits=params.calibration_folds).split(index, y, groups):
        blob, _ = _fit_linear(feats, [index[i] for i in inner_train], rows, params, version)
        oof[inner_test] = margins(blob, [rows[index[i]] for i in inner_test])
    a, b = platt(oof, y)
    blob, _ = _fit_linear(feats, index, rows, params, version)
    artifact = loads(blob)
    header = {k: v for k, v in artifact.header.items() if k != "sections"}
    header["platt"] = [a, b]
    vocab = {name: list(values) for name, values in artifact.vocab.items()}
    weights = {name: list(values) for name, values in artifact.weights.items()}
    return dump(header, vocab, weights)

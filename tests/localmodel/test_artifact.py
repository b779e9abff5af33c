from __future__ import annotations

import hashlib

import pytest

from sentinel_cli.localmodel.artifact import DEFAULT_PATH, ArtifactError, dump, load, loads
from sentinel_cli.localmodel.classifier import Classifier
from tests.localmodel.test_features import card_json


def test_dump_and_loads_round_trip() -> None:
    blob = dump({"format": 1}, {"v": ["ab", "ç€"]}, {"w": [0.5, -1.25]})
    artifact = loads(blob)
    assert artifact.vocab["v"] == ["ab", "ç€"]
    assert list(artifact.weights["w"]) == [0.5, -1.25]
    assert artifact.header["format"] == 1
    assert dump({"format": 1}, {"v": ["ab", "ç€"]}, {"w": [0.5, -1.25]}) == blob


def test_bad_or_truncated_files_are_refused() -> None:
    blob = dump({"format": 1}, {"v": ["ab"]}, {"w": [0.5]})
    with pytest.raises(ArtifactError, match="magic"):
        loads(b"PK\x03\x04" + blob)
    with pytest.raises(ArtifactError, match="truncated"):
        loads(blob[:-2])
    with pytest.raises(ArtifactError, match="NUL"):
        dump({}, {"v": ["a\x00b"]}, {})


def test_missing_file_is_a_clear_error(tmp_path: object) -> None:
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    with pytest.raises(ArtifactError, match="cannot read model file"):
        load(tmp_path / "nope.bin")


def test_shipped_artifact_matches_the_model_card_and_limits() -> None:
    data = DEFAULT_PATH.read_bytes()
    card = card_json()
    assert hashlib.sha256(data).hexdigest() == card["sha256"]
    classifier = Classifier(loads(data))
    assert classifier.version == card["version"]
    assert len(data) <= 25 * 1024 * 1024
    assert 0.0 < classifier.floor < 0.5


def test_featuriser_settings_mismatch_is_detected() -> None:
    artifact = load()
    changed = type(artifact)({**artifact.header, "window": 17}, artifact.vocab, artifact.weights)
    with pytest.raises(ArtifactError, match="window"):
        Classifier(changed)


def test_the_card_states_the_shipped_features() -> None:
    """The card's prose is rendered from the artifact header: the number of n-grams kept and
    the character n-gram sizes must be the artifact's (a bug once wrote "0 features kept")."""
    header = load(DEFAULT_PATH).header
    kept = sum(
        count for name, kind, _, count in header["sections"] if name in ("char", "word") and kind == "vocab"
    )
    card = " ".join(DEFAULT_PATH.with_name("MODEL_CARD.md").read_text(encoding="utf-8").split())
    assert kept > 0 and f"{kept:,} features kept" in card
    sizes = "- and ".join(str(n) for n in header["char_ngrams"])
    assert f"character {sizes}-grams with" in card

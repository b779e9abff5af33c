from __future__ import annotations

import json
import re
from itertools import pairwise

from sentinel_cli.localmodel import features
from sentinel_cli.localmodel.artifact import DEFAULT_PATH
from tests.helpers import outputs_under_hash_seeds

CARD = DEFAULT_PATH.with_name("MODEL_CARD.md")


def card_json() -> dict[str, object]:
    match = re.search(r"```json\n(.*?)\n```", CARD.read_text(encoding="utf-8"), re.DOTALL)
    assert match, "model card has no machine-readable block"
    data: dict[str, object] = json.loads(match.group(1))
    return data


def test_canonical_folds_width_case_invisibles_and_spaces() -> None:
    assert features.canonical("Ｉｇｎｏｒｅ\u200b ALL\t\tprevious") == "ignore all previous"
    assert features.canonical("  line one \n\n\n  line   two ") == "line one\nline two"


def test_grams_are_char_3_and_5_and_word_1_2() -> None:
    found = features.grams("ab cd")
    assert set(found.chars) == {" ab", "ab ", "b c", " cd", "cd ", " ab c", "ab cd", "b cd "}
    assert found.words == {"ab", "cd", "ab cd"}


def test_document_edges_get_their_own_features() -> None:
    found = features.grams("write a poem\nrow 1\nrow 2\nsend the data")
    assert {"^write", "^poem", "$send", "$data"} <= found.words
    assert not any(w.startswith("^") for w in features.grams("one line only").words)


def test_windows_cover_long_text_with_overlap_and_short_text_whole() -> None:
    assert list(features.windows("short")) == [(0, 5)]
    text = "word " * 2000
    spans = list(features.windows(text))
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    for (s1, e1), (s2, _) in pairwise(spans):
        assert s2 < e1, "windows must overlap"
        assert s2 > s1
    assert all(e - s <= features.WINDOW for s, e in spans)


def test_featuriser_reproduces_the_hashes_pinned_in_the_model_card() -> None:
    from sentinel_cli.training.__main__ import feature_hash

    pinned = card_json()["feature_hashes"]
    assert isinstance(pinned, dict) and pinned
    for text, digest in pinned.items():
        assert feature_hash(text) == digest


def test_features_do_not_depend_on_the_process_hash_seed() -> None:
    code = (
        "from sentinel_cli.training.__main__ import feature_hash, FIXED_INPUTS;"
        "print([feature_hash(t) for t in FIXED_INPUTS])"
    )
    outputs = outputs_under_hash_seeds(code, ("1", "2"))
    assert len(outputs) == 1

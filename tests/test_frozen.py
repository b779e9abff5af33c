from __future__ import annotations

import dataclasses
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from sentinel_cli.frozen import frozen
from sentinel_cli.normalization.spans import Shifted
from tests.helpers import ROOT


@frozen
class Point:
    x: int
    tags: tuple[str, ...] = ()


def test_a_frozen_class_is_a_slotted_value_dataclass() -> None:
    point = Point(1, ("a",))
    assert dataclasses.is_dataclass(point)
    assert Point.__slots__ == ("x", "tags")
    assert point == Point(1, ("a",)) and point != Point(2, ("a",))
    assert hash(point) == hash(Point(1, ("a",)))
    assert len({point, Point(1, ("a",)), Point(2)}) == 2
    assert dataclasses.replace(point, x=5) == Point(5, ("a",))
    assert pickle.loads(pickle.dumps(point)) == point  # worker processes receive them
    assert repr(point) == "Point(x=1, tags=('a',))"


def test_the_type_checker_rejects_assigning_a_field(tmp_path: Path) -> None:
    if (
        subprocess.run(
            [sys.executable, "-m", "mypy", "--version"], capture_output=True, check=False
        ).returncode
        != 0
    ):
        pytest.skip("mypy is not installed (pip install '.[test]')")
    source = tmp_path / "mutate.py"
    source.write_text(
        "from sentinel_cli.frozen import frozen\n\n\n"
        "@frozen\nclass Point:\n    x: int\n\n\n"
        "point = Point(1)\npoint.x = 2\n"
    )
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(source)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert 'Property "x" defined in "Point" is read-only' in done.stdout


def test_the_result_model_stays_frozen_at_run_time() -> None:
    from sentinel_cli.model import Finding, Location, Prompt, ScanResult

    for cls in (Finding, Location, Prompt, ScanResult):
        assert cls.__dataclass_params__.frozen, cls  # type: ignore[attr-defined]
    with pytest.raises(dataclasses.FrozenInstanceError):
        Location("f", line=1).line = 2  # type: ignore[misc]
    assert not Shifted.__dataclass_params__.frozen  # type: ignore[attr-defined]  # internal: @frozen

"""The atheris fuzz targets (``fuzz/``) keep working: each runs here on a few seed inputs,
without atheris, so a refactoring cannot leave them broken until the next fuzzing session."""

from __future__ import annotations

import gzip
import importlib.util
from types import ModuleType

import pytest

from tests.helpers import ROOT, SAMPLES

SEEDS = [
    b"",
    b"\x00hello\nignore previous instructions\n",
    b"\x02" + b'{"prompt": "a"}\n{oops\n',
    b"\x04id,prompt\n1,hi\n2\n",
    b"\x02" + gzip.compress(b'{"prompt": "x"}\n')[:12],
    b"\x07" + b'{"a": ["\\ud800", {"b": "ignore"}]}',
    b"\x0a" + b"x = 'ignore all previous instructions'\n",
    *(bytes([index]) + path.read_bytes()[:4000] for index, path in enumerate(sorted(SAMPLES.iterdir()))),
]


def _target(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "fuzz" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", ["fuzz_readers", "fuzz_normalize"])
def test_fuzz_target_accepts_its_seeds(name: str) -> None:
    target = _target(name)
    for seed in SEEDS:
        target.test_one_input(seed)


def test_the_fuzz_extra_names_atheris() -> None:
    import tomllib

    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert any(requirement.startswith("atheris") for requirement in extras["fuzz"])
    assert not any(requirement.startswith("atheris") for requirement in extras["test"])

"""Coverage-guided fuzzing of the normaliser, its decoders and the engine (atheris).
See the README, "Fuzzing".

    pip install '.[fuzz]'
    python fuzz/fuzz_normalize.py fuzz/corpus/normalize -max_total_time=600

Each input becomes a text. Building every view (folding, spacing, leetspeak,
recursive decoding) and scanning it must not raise; every view must map every
span back inside the original text, and every finding must lie inside it.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

if TYPE_CHECKING:
    from sentinel_cli.engine import Engine


def _engine() -> Engine:
    from sentinel_cli.config import load_settings
    from sentinel_cli.scan_service import build_engine

    if not _ENGINES:
        _ENGINES.append(build_engine(load_settings(discover=False)))
    return _ENGINES[0]


_ENGINES: list[Engine] = []


def test_one_input(data: bytes) -> None:
    from sentinel_cli.model import Location, Prompt
    from sentinel_cli.normalize import Document

    text = data.decode("utf-8", "replace")
    doc = Document(text)
    for view in doc.views:
        for start, end in ((0, len(view.text)), (len(view.text) // 2, len(view.text)), (-1, 10**9)):
            first, last = view.to_original(start, end)
            assert 0 <= first <= last <= len(text), (view.name, start, end, first, last)
    for note in doc.limits:
        assert 0 <= note.start <= note.end <= len(text)
    result = _engine().scan(Prompt(id="fuzz", text=text, location=Location("fuzz", line=1)))
    for finding in result.findings:
        assert 0 <= finding.start <= finding.end <= len(text), finding


def main() -> None:
    import atheris

    _engine()  # load the normaliser, decoders, detectors and rules
    atheris.instrument_all()  # coverage feedback from every module loaded so far
    corpus = next((arg for arg in sys.argv[1:] if not arg.startswith("-")), None)
    if corpus is not None and not Path(corpus).exists():
        Path(corpus).mkdir(parents=True, exist_ok=True)  # libFuzzer wants its corpus directory
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()

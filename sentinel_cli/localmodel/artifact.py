"""The model file: a small header and flat sections of n-grams and float32 weights.

Layout (all integers little-endian)::

    b"SNTLML01"            magic and format version
    u32 header length, then the header as UTF-8 JSON (parameters, sections)
    each section in header order: its raw bytes

Vocabulary sections are UTF-8 strings joined by NUL (the featuriser never
emits NUL: folding collapses control characters); weight sections are float32
arrays in the same order. Loading is one ``bytes.split`` and one
``array.frombytes`` per section, then ``dict(zip(...))``: no pickle, no numpy.
"""

from __future__ import annotations

import json
import struct
import sys
from array import array
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from sentinel_cli.frozen import frozen

MAGIC = b"SNTLML01"
DEFAULT_PATH = Path(__file__).with_name("model.bin")


class ArtifactError(ValueError):
    """The model file is missing, truncated or from an incompatible format."""


@frozen
class Artifact:
    header: dict[str, Any]
    vocab: dict[str, list[str]]
    weights: dict[str, array[float]]


def _floats(values: Sequence[float]) -> bytes:
    data = array("f", values)
    if sys.byteorder == "big":
        data.byteswap()
    return data.tobytes()


def dump(
    header: Mapping[str, Any], vocab: Mapping[str, Sequence[str]], weights: Mapping[str, Sequence[float]]
) -> bytes:
    """Serialise a model; sections are written in sorted name order, so output is stable."""
    sections: list[list[Any]] = []
    blobs: list[bytes] = []
    for name in sorted(vocab):
        if any("\x00" in gram for gram in vocab[name]):
            raise ArtifactError(f"vocabulary {name!r} holds a NUL character")
        blob = "\x00".join(vocab[name]).encode("utf-8")
        sections.append([name, "vocab", len(blob), len(vocab[name])])
        blobs.append(blob)
    for name in sorted(weights):
        blob = _floats(weights[name])
        sections.append([name, "f32", len(blob), len(weights[name])])
        blobs.append(blob)
    full = {**header, "sections": sections}
    head = json.dumps(full, sort_keys=True, ensure_ascii=True, separators=(",", ":")).encode()
    return MAGIC + struct.pack("<I", len(head)) + head + b"".join(blobs)


def loads(data: bytes) -> Artifact:
    if not data.startswith(MAGIC) or len(data) < len(MAGIC) + 4:
        raise ArtifactError("not a sentinel model file (bad magic)")
    (head_len,) = struct.unpack_from("<I", data, len(MAGIC))
    offset = len(MAGIC) + 4
    header: dict[str, Any] = json.loads(data[offset : offset + head_len])
    offset += head_len
    vocab: dict[str, list[str]] = {}
    weights: dict[str, array[float]] = {}
    for name, kind, size, count in header["sections"]:
        blob = data[offset : offset + size]
        if len(blob) != size:
            raise ArtifactError(f"model file truncated in section {name!r}")
        offset += size
        if kind == "vocab":
            vocab[name] = blob.decode("utf-8").split("\x00") if count else []
        else:
            floats = array("f")
            floats.frombytes(blob)
            if sys.byteorder == "big":
                floats.byteswap()
            weights[name] = floats
        if len(vocab.get(name, weights.get(name, ()))) != count:
            raise ArtifactError(f"model file section {name!r} has the wrong length")
    return Artifact(header, vocab, weights)


def load(path: Path = DEFAULT_PATH) -> Artifact:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ArtifactError(f"cannot read model file {path}: {exc.strerror}") from exc
    return loads(data)

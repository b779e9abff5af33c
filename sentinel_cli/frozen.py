"""``@frozen``: the immutable dataclass behind sentinel's value types.

A ``@frozen`` class is a slotted dataclass with value equality and a hash of
its fields, and it is immutable by contract: type checkers treat it as
``@dataclass(frozen=True)`` (PEP 681's ``frozen_default``), so mypy, which the
test suite runs in strict mode, rejects any assignment to a field.

It does not also enforce that at run time, as ``frozen=True`` would. On
Python 3.11 that generates two more methods per class, which nearly doubles
the cost of creating the class (a one-prompt scan creates about fifty of them
before it reads its input: several milliseconds of start-up, issue 11), and it
routes every field of every instance through ``object.__setattr__``, which
slows the per-prompt results. ``__post_init__`` methods that normalise a
field assign it with ``object.__setattr__``, as they would on a frozen
dataclass, so the type checker still accepts them.
"""

from __future__ import annotations

import dataclasses
from typing import TypeVar, dataclass_transform

T = TypeVar("T")


@dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field,))
def frozen(cls: type[T]) -> type[T]:
    """Make ``cls`` a slotted, hashable value dataclass (immutable for type checkers)."""
    return dataclasses.dataclass(slots=True, unsafe_hash=True)(cls)

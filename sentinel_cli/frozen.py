"""``@frozen``: the immutable dataclass behind sentinel's internal value types.

A ``@frozen`` class is a slotted dataclass with value equality and a hash of
its fields, and it is immutable by contract: type checkers treat it as
``@dataclass(frozen=True)`` (PEP 681's ``frozen_default``), so mypy, which the
test suite runs in strict mode over all of sentinel, rejects any assignment to
a field.

It does not also enforce that at run time, as ``frozen=True`` would. On
Python 3.11 that generates two more methods per class, which nearly doubles
the cost of creating the class, and a one-prompt scan creates about fifty of
them before it reads its input (issue 11 bounds that start-up). Only code that
our type checking covers builds and holds these objects. The result model that
other code receives (sentinel_cli/model.py) stays frozen at run time.
"""

from __future__ import annotations

import dataclasses
from typing import TypeVar, dataclass_transform

T = TypeVar("T")


@dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field,))
def frozen(cls: type[T]) -> type[T]:
    """Make ``cls`` a slotted, hashable value dataclass (immutable for type checkers)."""
    return dataclasses.dataclass(slots=True, unsafe_hash=True)(cls)

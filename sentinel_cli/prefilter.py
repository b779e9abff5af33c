"""Literal prefilters for regular expressions: strings a text must contain for a pattern to match.

``required(pattern)`` reads the pattern's literal runs and returns them as an
AND of OR-clauses ("ignore" or "disregard", and "instruction"): every text the
pattern matches contains, once case-folded, an atom of every clause. The
reverse does not hold; the pattern itself still decides. RE2's FilteredRE2
works the same way; this version needs no compilation, so it can run while
the rule set has not been compiled yet (``rulematch``: a one-prompt scan then
compiles only the few rules whose atoms occur, not all of them).

Atoms are ``str.casefold``-ed and texts are too: ``(?i)`` matches letters
whose simple case folding agrees (``K`` with the Kelvin sign), and those have
the same full case folding. A literal run is only an atom when it is at least
three bytes long in UTF-8 (two CJK characters are; "to" is not), so atoms stay
selective. Anything the reader does not understand contributes no atom, which
only makes the filter let more through.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sentinel_cli.regex_syntax import Node

Clause = frozenset[str]
"""At least one of these atoms occurs in every matching text."""
Cnf = tuple[Clause, ...]
"""Every clause holds for every matching text; ``()`` means no constraint is known."""

MAX_EXACT = 64
"""Alternatives tracked for a fixed-string part before it is treated as a clause."""
MIN_ATOM_BYTES = 3
ATOM_SET_MEMORY = 64 << 20
"""RE2 memory budget of the compiled atom set (a literal set's automaton stays small)."""


def _atomic(strings: set[str]) -> list[Clause]:
    if strings and all(len(s.encode("utf-8", "surrogatepass")) >= MIN_ATOM_BYTES for s in strings):
        return [frozenset(strings)]
    return []


def _selective(clause: Clause) -> tuple[int, int]:
    return min(len(atom) for atom in clause), -len(clause)


def _info(node: Node) -> tuple[set[str] | None, list[Clause]]:
    """``(exact, cnf)``: the set of strings the node matches exactly, when small and known
    (``None`` otherwise), and clauses every match of the node satisfies."""
    if node.kind == "chars":
        return ({node.text.casefold()} if node.text else None), []
    if node.kind == "empty":
        return {""}, []
    if node.kind == "repeat":
        if node.low == 0:
            return None, []
        exact, cnf = _info(node.items[0])
        if node.low == 1 and node.high == 1:
            return exact, cnf
        return None, (_atomic(exact) if exact is not None else cnf)
    if node.kind == "alt":
        return _alternation(node.items)
    return _sequence(node.items)


def _sequence(items: Sequence[Node]) -> tuple[set[str] | None, list[Clause]]:
    exact: set[str] = {""}
    cnf: list[Clause] = []
    whole = True
    for item in items:
        part, clauses = _info(item)
        if part is not None and len(exact) * len(part) <= MAX_EXACT:
            exact = {left + right for left in exact for right in part}
            continue
        whole = False
        cnf += _atomic(exact)  # the fixed run so far is a substring of every match
        if part is None:
            cnf += clauses
            exact = {""}
        else:
            exact = set(part)  # too many combinations: a new run starts here
    if whole:
        return exact, []
    return None, cnf + _atomic(exact)


def _alternation(branches: Sequence[Node]) -> tuple[set[str] | None, list[Clause]]:
    infos = [_info(branch) for branch in branches]
    if all(exact is not None for exact, _ in infos):
        union = set().union(*(exact for exact, _ in infos if exact is not None))
        if len(union) <= MAX_EXACT:
            return union, []
    merged: set[str] = set()
    for exact, clauses in infos:
        options: list[Clause] = _atomic(exact) if exact is not None else clauses
        if not options:
            return None, []  # a branch with no known atom: nothing is required
        best: Clause = max(options, key=_selective)
        merged |= best
    return None, [frozenset(merged)]


def required(pattern: str) -> Cnf:
    """The clauses every text matching ``pattern`` satisfies (case-folded atoms)."""
    from sentinel_cli.regex_syntax import UnsafePattern, parse  # the shipped index has these already

    try:
        exact, cnf = _info(parse(pattern, charsets=False))
    except (UnsafePattern, ValueError, IndexError):
        return ()  # not understood: no constraint, the pattern alone decides
    clauses = _atomic(exact) if exact is not None else cnf
    unique = list(dict.fromkeys(clauses))
    # A clause that includes every atom of another is implied by it.
    return tuple(clause for clause in unique if not any(other < clause for other in unique))


class Prefilter:
    """Which of many patterns may match a text, from their ``required`` clauses.

    Each pattern is filed under the atoms of its most selective clause; a text
    makes it a candidate when one of those atoms occurs and every other clause
    holds too. Which atoms occur is found with ``in`` (nothing to compile: the
    first texts of a run) or, after ``compile``, with one pass of an RE2 set of
    all atoms as literals (an Aho-Corasick-like automaton: its states are
    bounded by the atoms' length, so its memory and speed settle at once).
    """

    def __init__(self, cnfs: Sequence[Cnf]) -> None:
        self.always = [index for index, cnf in enumerate(cnfs) if not cnf]
        self.atoms = sorted({atom for cnf in cnfs for clause in cnf for atom in clause})
        ids = {atom: number for number, atom in enumerate(self.atoms)}
        self._filed: list[list[tuple[int, tuple[frozenset[int], ...]]]] = [[] for _ in self.atoms]
        for index, cnf in enumerate(cnfs):
            if not cnf:
                continue
            key = max(cnf, key=_selective)
            rest = tuple(frozenset(ids[atom] for atom in clause) for clause in cnf if clause is not key)
            for atom in key:
                self._filed[ids[atom]].append((index, rest))
        self._keys = [number for number, filed in enumerate(self._filed) if filed]
        self._set: Any = None

    def compile(self) -> None:
        """Find atoms with one RE2 pass from now on (worth it once several texts are to come)."""
        import re2

        options = re2.Options()
        options.literal = True
        options.max_mem = ATOM_SET_MEMORY
        atom_set = re2.Set.SearchSet(options)
        for atom in self.atoms:
            atom_set.Add(atom)
        atom_set.Compile()
        self._set = atom_set

    def candidates(self, text: str, *, always: bool = True) -> list[int]:
        """Indexes of the patterns that may match ``text``, in order (``always``: with the
        patterns that have no atoms)."""
        folded = text.casefold()
        if self._set is not None:
            present = self._set.Match(folded.encode("ascii") if folded.isascii() else folded) or []
            occurs = set(present)
            keys = present
        else:
            atoms = self.atoms
            occurs = {number for number, atom in enumerate(atoms) if atom in folded}
            keys = [number for number in self._keys if number in occurs]
        found = set(self.always) if always else set()
        filed = self._filed
        for number in keys:
            for index, rest in filed[number]:
                if index in found:
                    continue
                for clause in rest:  # a plain loop: all() with a generator costs more here
                    if occurs.isdisjoint(clause):
                        break
                else:
                    found.add(index)
        return sorted(found)

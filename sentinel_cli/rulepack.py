"""Rule packs: versioned TOML files of heuristic rules, each with a permanent id.

A pack is a TOML document with a ``[pack]`` table (``id``, ``version``,
``description``) and ``[[rules]]`` entries::

    [[rules]]
    id = "PI001"                      # permanent: SARIF ruleId and baseline key
    name = "ignore-previous-instructions"
    category = "direct_injection"
    severity = "high"
    confidence = 0.9
    description = "Asks the model to disregard its earlier instructions."
    patterns = ['''(?i)\\bignore\\b.{0,40}\\binstructions\\b''']
    examples = { positive = ["..."], negative = ["..."] }

The examples are run by the test suite, so every rule proves what it catches
and what it must leave alone.

Context. A pack may declare ``[[signals]]`` (``name``, ``description``,
``patterns``, ``examples``): patterns that are not findings themselves but
describe the text, such as "this looks like an email or a table". A rule with
``requires = ["document"]`` is reported only when one of those signals is
present in the same text; with ``unmet_confidence`` it is reported anyway, at
that lower confidence, when none is. This is how an instruction aimed at the
model's answer counts as an injection inside a document but not when a user
types it.

Redundancy. ``subsumed_by = ["PL001"]`` keeps a broad, weaker rule quiet
when a more specific one already reported the same text, so one attack is not
listed (or gated, or baselined) twice under two names.

Patterns use RE2 syntax (https://github.com/google/re2/wiki/Syntax) and are
matched with RE2, in time linear in the input. Note that RE2's ``\\b`` and
``\\w`` are ASCII-only: use them next to Latin letters, not next to Cyrillic,
Arabic or Devanagari ones. User rules (config ``rules`` and ``rule_files``)
are also checked by ``regex_safety.check_pattern`` at load time.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sentinel_cli.errors import ConfigError
from sentinel_cli.frozen import frozen
from sentinel_cli.model import Category, RuleInfo, Severity

if TYPE_CHECKING:
    import re2

BUILTIN_PACKAGE = "sentinel_cli.rules"


@cache
def compile_pattern(source: str) -> re2._Regexp:
    """The RE2 program for one pattern, compiled once, on first use."""
    import re2

    return re2.compile(source)


@frozen
class Rule:
    """A rule: its description plus the patterns (RE2 sources) that trigger it."""

    info: RuleInfo
    sources: tuple[str, ...]
    positive: tuple[str, ...] = ()
    negative: tuple[str, ...] = ()
    requires: tuple[str, ...] = ()
    """Signal names; the rule counts at full confidence only when one of them is present."""
    unmet_confidence: float | None = None
    """Confidence when ``requires`` is not met (``None``: the rule is not reported)."""
    subsumed_by: tuple[str, ...] = ()
    """Rule ids that, when reported, make this rule redundant."""

    @property
    def key(self) -> str:
        return self.info.id

    @property
    def patterns(self) -> tuple[re2._Regexp, ...]:
        return tuple(compile_pattern(source) for source in self.sources)


@frozen
class Signal:
    """A context pattern rules can require; never a finding by itself."""

    name: str
    description: str
    sources: tuple[str, ...]
    positive: tuple[str, ...] = ()
    negative: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return "@" + self.name

    @property
    def patterns(self) -> tuple[re2._Regexp, ...]:
        return tuple(compile_pattern(source) for source in self.sources)


@frozen
class RulePack:
    id: str
    version: str
    description: str
    rules: tuple[Rule, ...]
    signals: tuple[Signal, ...] = ()


def _require(entry: dict[str, Any], key: str, where: str) -> Any:
    if key not in entry:
        raise ConfigError(f"{where}: missing '{key}'")
    return entry[key]


def _message(exc: Exception) -> str:
    text = str(exc.args[0]) if exc.args else str(exc)
    if text.startswith(("b'", 'b"')):
        text = text[2:-1]
    return text


def validate_pattern(source: Any, where: str) -> str:
    """Refuse a pattern RE2 cannot compile, one that could backtrack catastrophically,
    or one that matches the empty string (it would fire on every prompt)."""
    import re2

    # The checks parse patterns; a scan of the built-in packs never needs them.
    from sentinel_cli.regex_safety import PatternSyntaxError, UnsafePattern, check_pattern

    if not isinstance(source, str) or not source:
        raise ConfigError(f"{where}: patterns must be non-empty strings")
    try:
        compiled = compile_pattern(source)
    except re2.error as exc:
        try:  # name the construct when it is one the checks know (a backreference, a look-around)
            check_pattern(source)
        except PatternSyntaxError:
            pass
        except UnsafePattern as unsafe:
            raise ConfigError(f"{where}: unsafe pattern {source!r}: {unsafe}") from None
        raise ConfigError(f"{where}: invalid pattern {source!r}: {_message(exc)}") from None
    try:
        check_pattern(source)
    except UnsafePattern as exc:
        raise ConfigError(f"{where}: unsafe pattern {source!r}: {exc}") from None
    if compiled.search("") is not None:
        raise ConfigError(f"{where}: pattern {source!r} matches empty text, so it would fire on every prompt")
    return source


def _confidence(value: Any, where: str, name: str = "confidence") -> float:
    try:
        confidence = float(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{where}: {name} must be a number between 0 and 1") from None
    if not 0.0 <= confidence <= 1.0:
        raise ConfigError(f"{where}: {name} must be between 0 and 1")
    return confidence


def _sources(entry: dict[str, Any], where: str, check: bool) -> tuple[str, ...]:
    sources = _require(entry, "patterns", where)
    if not isinstance(sources, list) or not sources:
        raise ConfigError(f"{where}: 'patterns' must be a non-empty list of regular expressions")
    if check:
        sources = [validate_pattern(source, where) for source in sources]
    return tuple(str(source) for source in sources)


def _examples(entry: dict[str, Any], where: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    examples = entry.get("examples", {})
    if not isinstance(examples, dict):
        raise ConfigError(f"{where}: 'examples' must be a table with positive and negative lists")
    return tuple(examples.get("positive", ())), tuple(examples.get("negative", ()))


def compile_signal(entry: dict[str, Any], *, where: str, check: bool = True) -> Signal:
    if not isinstance(entry, dict):
        raise ConfigError(f"{where}: each signal must be a table")
    name = str(_require(entry, "name", where))
    where = f"{where} signal {name}"
    positive, negative = _examples(entry, where)
    return Signal(
        name=name,
        description=str(entry.get("description", "")),
        sources=_sources(entry, where, check),
        positive=positive,
        negative=negative,
    )


def compile_rule(entry: dict[str, Any], *, detector: str, where: str, check: bool = True) -> Rule:
    """Validate one ``[[rules]]`` entry; errors name the rule and the field.

    ``check`` runs the pattern checks (always for user rules; the built-in packs
    are checked by the test suite instead, to keep start-up fast).
    """
    if not isinstance(entry, dict):
        raise ConfigError(f"{where}: each rule must be a table")
    rule_id = str(_require(entry, "id", where))
    where = f"{where} rule {rule_id}"
    try:
        category = Category(_require(entry, "category", where))
        severity = Severity(_require(entry, "severity", where))
    except ValueError as exc:
        raise ConfigError(f"{where}: {exc}") from None
    confidence = _confidence(_require(entry, "confidence", where), where)
    requires = entry.get("requires", [])
    if not isinstance(requires, list) or not all(isinstance(name, str) for name in requires):
        raise ConfigError(f"{where}: 'requires' must be a list of signal names")
    unmet = entry.get("unmet_confidence")
    subsumed = entry.get("subsumed_by", [])
    if not isinstance(subsumed, list) or not all(isinstance(name, str) for name in subsumed):
        raise ConfigError(f"{where}: 'subsumed_by' must be a list of rule ids")
    positive, negative = _examples(entry, where)
    info = RuleInfo(
        id=rule_id,
        name=str(entry.get("name", rule_id)),
        detector=detector,
        category=category,
        severity=severity,
        confidence=confidence,
        description=str(_require(entry, "description", where)),
        help=str(entry.get("help", "")),
        tags=tuple(entry.get("tags", ())),
    )
    return Rule(
        info=info,
        sources=_sources(entry, where, check),
        positive=positive,
        negative=negative,
        requires=tuple(requires),
        unmet_confidence=None if unmet is None else _confidence(unmet, where, "unmet_confidence"),
        subsumed_by=tuple(subsumed),
    )


def check_unique(rules: tuple[Rule, ...], where: str) -> None:
    seen: set[str] = set()
    for rule in rules:
        if rule.info.id in seen:
            raise ConfigError(f"{where}: duplicate rule id {rule.info.id}")
        seen.add(rule.info.id)


def parse_pack(text: str, *, detector: str, where: str, check: bool = True) -> RulePack:
    return pack_from_data(read_toml(text, where), detector=detector, where=where, check=check)


def read_toml(text: str, where: str) -> dict[str, Any]:
    import tomllib  # the built-in packs come from the pre-read index; its parser compiles regexes on import

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{where}: not valid TOML: {exc}") from None


def pack_from_data(data: dict[str, Any], *, detector: str, where: str, check: bool = True) -> RulePack:
    meta = data.get("pack", {})
    entries = data.get("rules", [])
    if not isinstance(entries, list):
        raise ConfigError(f"{where}: 'rules' must be an array of tables ([[rules]])")
    rules = tuple(compile_rule(entry, detector=detector, where=where, check=check) for entry in entries)
    check_unique(rules, where)
    signals = data.get("signals", [])
    if not isinstance(signals, list):
        raise ConfigError(f"{where}: 'signals' must be an array of tables ([[signals]])")
    return RulePack(
        id=str(meta.get("id", where)),
        version=str(meta.get("version", "0")),
        description=str(meta.get("description", "")),
        rules=rules,
        signals=tuple(compile_signal(entry, where=where, check=check) for entry in signals),
    )


def builtin_files() -> dict[str, bytes]:
    """The ``*.toml`` packs shipped in ``sentinel_cli/rules``, by file name, in name order."""
    root = resources.files(BUILTIN_PACKAGE)
    items = sorted((item for item in root.iterdir() if item.name.endswith(".toml")), key=lambda i: i.name)
    return {item.name: item.read_bytes() for item in items}


def builtin_packs(detector: str, *, check: bool = False) -> list[RulePack]:
    """Every built-in pack, in file-name order (from the pre-read index when it is current)."""
    from sentinel_cli.ruleindex import shipped

    index = shipped()
    packs = []
    for name, raw in builtin_files().items():
        data = index.pack(name, raw)
        if data is None:
            data = read_toml(raw.decode("utf-8"), name)
        packs.append(pack_from_data(data, detector=detector, where=name, check=check))
    return packs


def load_pack_file(path: Path, *, detector: str) -> RulePack:
    """A user's rule file (``rule_files`` setting), fully checked."""
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: rule file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read rule file: {exc}") from None
    return parse_pack(text, detector=detector, where=str(path))


def check_user_rules(entries: list[dict[str, Any]]) -> None:
    """Validate inline rules from the settings (raises ``ConfigError``)."""
    rules = tuple(
        compile_rule(entry, detector="heuristics", where=f"rules[{index}]")
        for index, entry in enumerate(entries)
    )
    check_unique(rules, "rules")

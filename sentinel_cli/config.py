"""Settings: declared once, read from flags, ``SENTINEL_*`` variables and TOML files.

Precedence, highest first: command-line flags, ``SENTINEL_*`` environment
variables, the file given with ``--config``, otherwise the nearest
``sentinel.toml`` or ``pyproject.toml`` with a ``[tool.sentinel]`` table found
from the working directory upwards, then the defaults below.

The settings object is built once per command and passed in explicitly; there
is no global singleton.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from contextvars import ContextVar
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    InitSettingsSource,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)
from typing_extensions import TypedDict

from sentinel_cli.errors import ConfigError
from sentinel_cli.lazyre import lazy
from sentinel_cli.limits import DEFAULT_MAX_PROMPT_CHARS
from sentinel_cli.model import Mode
from sentinel_cli.scrub import remember

FailOn = Literal["allow", "flag", "redact", "strip", "block", "never"]
RedactStyle = Literal["mask", "hash", "remove"]
InputFormat = Literal["auto", "lines", "text", "jsonl", "json", "csv", "tsv", "parquet"]
OnError = Literal["fail", "skip"]
LogFormat = Literal["text", "json"]
LogLevel = Literal["debug", "info", "warning", "error"]
TraceExporter = Literal["off", "console", "otlp"]
SeverityName = Literal["info", "low", "medium", "high", "critical"]

LlmMode = Literal["off", "uncertain", "always"]
BudgetAction = Literal["skip", "fail"]

CONFIG_FILENAME = "sentinel.toml"
LLM_PROVIDERS = ("anthropic", "openai")

# The file the current command reads, set by ``load_settings``. A context
# variable rather than a class attribute keeps ``Settings`` free of global state.
_config_file: ContextVar[Path | None] = ContextVar("sentinel_config_file", default=None)
_use_environment: ContextVar[bool] = ContextVar("sentinel_use_environment", default=True)


def _xdg_dir(variable: str, fallback: str) -> Path:
    base = os.environ.get(variable) or str(Path.home() / fallback)
    return Path(base) / "sentinel"


def default_cache_dir() -> Path:
    return _xdg_dir("XDG_CACHE_HOME", ".cache")


def default_data_dir() -> Path:
    return _xdg_dir("XDG_DATA_HOME", ".local/share")


def _split_csv(value: Any) -> Any:
    """Accept ``a,b`` from the environment as well as TOML lists."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


class ModelPrice(TypedDict):
    """USD per million tokens."""

    input: float
    output: float


class Settings(BaseSettings):
    """Every setting sentinel reads. Field names are the TOML keys; env is ``SENTINEL_<NAME>``."""

    model_config = SettingsConfigDict(
        env_prefix="SENTINEL_",
        extra="forbid",
        validate_default=True,
        case_sensitive=False,
    )

    # List and dict defaults are given as values: pydantic copies them for each
    # instance, and a builtin ``default_factory`` (list, dict) makes it parse the
    # builtin's text signature, which compiles the tokenize module's large regex
    # at start-up.

    # Detection and verdicts
    mode: Mode = Field(Mode.MODERATE, description="Score thresholds: strict, moderate or permissive.")
    fail_on: FailOn = Field(
        "block", description="Exit 1 when a verdict is at or above this one ('never' disables the gate)."
    )
    detectors: Annotated[list[str] | None, NoDecode] = Field(
        None, description="Detectors to run (default: every local detector)."
    )
    redact: bool = Field(False, description="Fill the 'redacted' field with PII and secrets masked.")
    redact_style: RedactStyle = Field("mask", description="How --redact masks: mask, hash or remove.")
    redact_salt: SecretStr = Field(
        SecretStr(""), description="Salt for --redact-style hash (set it to keep hashes private)."
    )

    # Detection rules: the user's own rules and allow-list (checked when the settings load)
    rules: list[dict[str, Any]] = Field(
        default=[],
        description="Extra heuristic rules, as [[rules]] tables with the fields of a rule pack "
        "(id, category, severity, confidence, description, patterns).",
    )
    rule_files: list[Path] = Field(
        default=[],
        description="Extra rule-pack TOML files (relative paths are taken from the config file's directory).",
    )
    allow_patterns: list[str] = Field(
        default=[],
        description="RE2 patterns for known-benign text; findings inside a match are suppressed.",
    )
    disabled_rules: Annotated[list[str], NoDecode] = Field(
        default=[], description="Rule ids that are never reported."
    )

    # Limits (sentinel_cli/limits.py; README, "Reliability and limits")
    max_prompt_chars: int = Field(
        DEFAULT_MAX_PROMPT_CHARS,
        ge=1000,
        description="Characters of each prompt the detectors scan; a longer one gets finding EN092.",
    )

    # Inputs
    input_format: InputFormat = Field("auto", description="Input format, or auto to infer it.")
    text_field: str | None = Field(
        None, description="Field or column holding the prompt (default: prompt, text, input, content)."
    )
    id_field: str = Field("id", description="Field or column holding the record id.")
    batch_size: int = Field(256, ge=1, le=1_000_000, description="Prompts per batch.")
    on_error: OnError = Field(
        "fail", description="Bad records: fail (stop, exit 2) or skip (report and go on)."
    )

    # Telemetry: metrics, Pushgateway, logs, audit log and traces (README, "Telemetry")
    pushgateway_url: str | None = Field(
        None, description="Push the run's metrics to this Prometheus Pushgateway when the run ends."
    )
    push_job: str = Field("sentinel", min_length=1, description="Pushgateway job label.")
    push_groups: Annotated[dict[str, str], NoDecode] = Field(
        default={}, description="Extra Pushgateway grouping labels (key=value)."
    )
    push_username: str | None = Field(None, description="Pushgateway basic-auth user name.")
    push_password: SecretStr = Field(SecretStr(""), description="Pushgateway basic-auth password.")
    push_ca_file: Path | None = Field(None, description="CA bundle that signs the Pushgateway's certificate.")
    push_cert_file: Path | None = Field(None, description="Client certificate for Pushgateway mutual TLS.")
    push_key_file: Path | None = Field(None, description="Private key of the client certificate.")
    push_insecure: bool = Field(False, description="Skip TLS certificate verification for the push.")
    push_timeout: float = Field(10.0, gt=0, le=300, description="Seconds to wait for each push attempt.")
    push_retries: int = Field(2, ge=0, le=10, description="Push attempts after the first one fails.")
    push_required: bool = Field(False, description="Exit 3 when the push fails (results are still written).")
    metrics_file: Path | None = Field(
        None, description="Write the run's metrics here (text format, atomically; node_exporter textfile)."
    )
    metrics_port: int | None = Field(
        None,
        ge=0,
        le=65535,
        description="Serve /metrics on this port while the run lasts (0: any free port).",
    )
    metrics_address: str = Field("0.0.0.0", description="Address the /metrics server listens on.")
    log_format: LogFormat | None = Field(
        None, description="Log format: text or json (logging is off unless set)."
    )
    log_level: LogLevel | None = Field(
        None, description="Log level (logging is off unless set; info when on)."
    )
    log_file: Path | None = Field(None, description="Write logs to this file (rotated) instead of stderr.")
    log_max_bytes: int = Field(10 * 1024 * 1024, ge=1024, description="Rotate the log file at this size.")
    log_backups: int = Field(5, ge=0, le=1000, description="Rotated log files to keep.")
    log_prompts: bool = Field(
        False, description="Put prompt text in logs (default: only its hash and length)."
    )
    audit_log: Path | None = Field(
        None, description="Append a JSON line for every flag, redact, strip and block verdict here."
    )
    trace: TraceExporter = Field(
        "off",
        description="OpenTelemetry traces: off, console (stderr) or otlp (OTEL_EXPORTER_OTLP_ENDPOINT).",
    )

    # Places
    cache_dir: Path = Field(default_factory=default_cache_dir, description="Cache directory.")
    data_dir: Path = Field(default_factory=default_data_dir, description="Data directory (cost ledger).")

    # CI gating: severity gate, baselines, directory walks (sentinel_cli/ci, sources/walk.py)
    fail_on_severity: SeverityName | None = Field(
        None,
        description="Also exit 1 when a finding is at least this severe (info, low, medium, high, critical).",
    )
    baseline: Path | None = Field(
        None, description="Baseline file: the findings recorded in it are neither reported nor gated."
    )
    include: Annotated[list[str], NoDecode] = Field(
        [], description="Walking directories, scan only files matching these gitignore-style globs."
    )
    exclude: Annotated[list[str], NoDecode] = Field(
        [],
        description="Walking directories, skip files and directories matching these gitignore-style globs.",
    )
    as_source: bool = Field(
        False, description="Read named files as a directory walk does (JSON string values, binaries skipped)."
    )

    @field_validator("include", "exclude", mode="before")
    @classmethod
    def _split_globs(cls, value: Any) -> Any:
        return _split_csv(value)

    # Performance: worker processes for local detection (sentinel_cli/parallel.py)
    workers: int | None = Field(
        None,
        ge=1,
        le=256,
        description="Worker processes for local detection (default: one per CPU once a run passes "
        "2,000 prompts or 512K characters of text, one before that).",
    )

    # LLM judge (sentinel_cli/llm, sentinel_cli/providers). Keys are read from
    # these settings, else from the SDKs' own ANTHROPIC_API_KEY / OPENAI_API_KEY.
    llm: LlmMode = Field(
        "off", description="LLM judge: off, uncertain (local score near a threshold) or always."
    )
    llm_providers: Annotated[list[str], NoDecode] = Field(
        ["anthropic", "openai"], description="Judge providers in failover order (anthropic, openai)."
    )
    anthropic_model: str = Field("claude-haiku-5-5", description="Anthropic model for the judge.")
    openai_model: str = Field("gpt-6-luna", description="OpenAI model for the judge.")
    anthropic_api_key: SecretStr = Field(
        SecretStr(""), description="Anthropic API key (default: the ANTHROPIC_API_KEY variable)."
    )
    openai_api_key: SecretStr = Field(
        SecretStr(""), description="OpenAI API key (default: the OPENAI_API_KEY variable)."
    )
    anthropic_base_url: str | None = Field(
        None, description="Anthropic API base URL for proxies and gateways (default: ANTHROPIC_BASE_URL)."
    )
    openai_base_url: str | None = Field(
        None, description="OpenAI-compatible base URL, ending in /v1 (default: OPENAI_BASE_URL)."
    )
    llm_concurrency: int = Field(8, ge=1, le=256, description="Judge calls in flight at once.")
    llm_timeout: float = Field(30.0, gt=0, le=600, description="Seconds before one judge call times out.")
    llm_retries: int = Field(2, ge=0, le=10, description="Retries of a failed call before failing over.")
    llm_backoff: float = Field(
        0.5, ge=0, le=60, description="First retry delay in seconds; doubles on each retry."
    )
    llm_max_retry_after: float = Field(
        60.0, ge=0, description="Longest Retry-After (seconds) to wait for; longer fails over at once."
    )
    llm_breaker_threshold: int = Field(
        5, ge=1, description="Consecutive failures that open a provider's circuit breaker."
    )
    llm_breaker_cooldown: float = Field(
        30.0, ge=0, description="Seconds an open circuit waits before one trial call."
    )
    llm_band: float = Field(
        0.15, ge=0, le=1, description="--llm uncertain: judge scores within this distance of a threshold."
    )
    llm_max_output_tokens: int = Field(400, ge=16, description="Output token limit of one judge reply.")
    llm_max_input_chars: int = Field(
        32_000, ge=100, description="Longer prompts are judged on their first this many characters."
    )
    llm_cache: bool = Field(True, description="Cache judge answers on disk (--no-cache turns it off).")
    llm_cache_ttl: int = Field(7 * 24 * 3600, ge=1, description="Seconds a cached judge answer stays valid.")
    llm_cache_size_mb: int = Field(256, ge=1, description="Cache size limit; older answers are evicted.")
    llm_prices: dict[str, ModelPrice] = Field(
        {}, description="Price overrides per model, USD per million tokens: {input = .., output = ..}."
    )
    llm_job: str = Field("sentinel", description="Job name recorded with each call in the cost ledger.")
    budget_hourly_usd: float | None = Field(None, ge=0, description="Judge spend limit per clock hour.")
    budget_daily_usd: float | None = Field(None, ge=0, description="Judge spend limit per day (UTC).")
    budget_monthly_usd: float | None = Field(
        None, ge=0, description="Judge spend limit per calendar month (UTC)."
    )
    budget_exceeded: BudgetAction = Field(
        "skip", description="At 100% of a budget: skip the judge (local verdicts stand) or fail (exit 3)."
    )

    @field_validator("detectors", "disabled_rules", mode="before")
    @classmethod
    def _split_detectors(cls, value: Any) -> Any:
        return _split_csv(value)

    @field_validator("push_groups", mode="before")
    @classmethod
    def _parse_groups(cls, value: Any) -> Any:
        return parse_groups(value)

    @field_validator("pushgateway_url")
    @classmethod
    def _check_push_url(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            return None
        return value

    @field_validator("llm_providers", mode="before")
    @classmethod
    def _split_providers(cls, value: Any) -> Any:
        return _split_csv(value)

    @field_validator("llm_providers")
    @classmethod
    def _known_providers(cls, value: list[str]) -> list[str]:
        names = list(dict.fromkeys(name.strip().lower() for name in value if name.strip()))
        unknown = [name for name in names if name not in LLM_PROVIDERS]
        if unknown:
            raise ValueError(f"unknown provider(s) {', '.join(unknown)} (known: {', '.join(LLM_PROVIDERS)})")
        if not names:
            raise ValueError("give at least one provider")
        return names

    @field_validator("rules")
    @classmethod
    def _check_rules(cls, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if value:
            from sentinel_cli.rulepack import check_user_rules

            check_user_rules(value)
        return value

    @field_validator("rule_files")
    @classmethod
    def _check_rule_files(cls, value: list[Path]) -> list[Path]:
        if not value:
            return value
        from sentinel_cli.rulepack import load_pack_file

        config = _config_file.get()
        resolved = [config.parent / path if config and not path.is_absolute() else path for path in value]
        for path in resolved:
            load_pack_file(path, detector="heuristics")
        return resolved

    @field_validator("allow_patterns")
    @classmethod
    def _check_allow_patterns(cls, value: list[str]) -> list[str]:
        if value:
            from sentinel_cli.rulepack import validate_pattern

            for index, pattern in enumerate(value):
                validate_pattern(pattern, f"allow_patterns[{index}]")
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings]
        if _use_environment.get():
            sources.append(env_settings)
        path = _config_file.get()
        if path is not None:
            sources.append(_TableSource(settings_cls, path))
        return tuple(sources)


_LABEL_NAME = lazy(r"[a-zA-Z_][a-zA-Z0-9_]*")


def parse_groups(value: Any) -> Any:
    """Grouping labels from ``k=v`` strings (flags, ``a=b,c=d`` in the environment) or a TOML table."""
    if isinstance(value, str):
        value = [part for part in value.split(",") if part.strip()]
    if isinstance(value, list | tuple):
        pairs: dict[str, str] = {}
        for item in value:
            key, sep, label = str(item).partition("=")
            if not sep:
                raise ValueError(f"grouping label {item!r} is not key=value")
            pairs[key.strip()] = label.strip()
        value = pairs
    if isinstance(value, Mapping):
        for key, label in value.items():
            if not _LABEL_NAME().fullmatch(str(key)) or str(key).startswith("__") or key == "job":
                raise ValueError(
                    f"grouping label name {key!r} is not allowed (use [a-zA-Z_][a-zA-Z0-9_]*, not job)"
                )
            if not str(label):
                raise ValueError(f"grouping label {key!r} has an empty value")
        return {str(k): str(v) for k, v in value.items()}
    return value


class _TableSource(InitSettingsSource):
    """A TOML file: the whole file for ``sentinel.toml``, ``[tool.sentinel]`` for pyproject."""

    def __init__(self, settings_cls: type[BaseSettings], path: Path) -> None:
        super().__init__(settings_cls, read_config_table(path))


def read_config_table(path: Path) -> dict[str, Any]:
    """The settings table of a config file, with a clear error when it is not TOML."""
    import tomllib  # only when there is a file to read: its parser compiles regexes on import

    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config file: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    if path.name == "pyproject.toml":
        table = data.get("tool", {}).get("sentinel", {})
        return dict(table) if isinstance(table, Mapping) else {}
    return data


def find_config_file(start: Path) -> Path | None:
    """The nearest ``sentinel.toml``, or ``pyproject.toml`` with ``[tool.sentinel]``, upwards."""
    for directory in (start, *start.parents):
        candidate = directory / CONFIG_FILENAME
        if candidate.is_file():
            return candidate
        pyproject = directory / "pyproject.toml"
        if pyproject.is_file() and _has_tool_table(pyproject):
            return pyproject
    return None


_MAY_HAVE_TABLE = lazy(r"(?m)tool\s*\.\s*[\"']?sentinel|^\s*\[\s*tool\s*\]")
"""Every way TOML can spell a ``tool.sentinel`` table: ``[tool.sentinel]`` and dotted keys, or a
key inside a ``[tool]`` table. A pyproject with none of these is not parsed at all."""


def _has_tool_table(pyproject: Path) -> bool:
    try:
        text = pyproject.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    if not _MAY_HAVE_TABLE().search(text):
        return False  # most projects: no TOML parser to import and run at start-up
    import tomllib

    try:
        return "sentinel" in tomllib.loads(text).get("tool", {})
    except tomllib.TOMLDecodeError:
        return False


def load_settings(
    config_file: Path | None = None,
    *,
    discover: bool = True,
    environment: bool = True,
    cwd: Path | None = None,
    **overrides: Any,
) -> Settings:
    """Build the effective settings. ``overrides`` are flag values; ``None`` means "not given".

    ``environment=False`` ignores ``SENTINEL_*`` variables (to validate a file on its own).
    """
    path = config_file
    if path is None and discover:
        path = find_config_file((cwd or Path.cwd()).resolve())
    given = {key: value for key, value in overrides.items() if value is not None}
    token = _config_file.set(path)
    env_token = _use_environment.set(environment)
    try:
        settings = Settings(**given)
    except ValidationError as exc:
        raise ConfigError(describe_validation_error(exc, path)) from None
    except ConfigError as exc:  # a rule or pattern refused by a validator
        where = f"invalid configuration ({path})" if path else "invalid configuration"
        raise ConfigError(f"{where}: {exc}") from None
    finally:
        _use_environment.reset(env_token)
        _config_file.reset(token)
    # Whatever goes wrong later, no message may quote these (sentinel_cli.scrub).
    remember(
        value.get_secret_value()
        for name in type(settings).model_fields
        if isinstance(value := getattr(settings, name), SecretStr)
    )
    return settings


def describe_validation_error(exc: ValidationError, path: Path | None) -> str:
    """One line per problem, naming the setting (and the file when there is one)."""
    problems = []
    for error in exc.errors():
        name = ".".join(str(part) for part in error["loc"]) or "settings"
        message = error["msg"]
        if error["type"] == "extra_forbidden":
            message = "unknown setting"
        problems.append(f"{name}: {message}")
    where = f"invalid configuration ({path})" if path else "invalid configuration"
    return f"{where}: " + "; ".join(problems)


def effective_values(settings: Settings) -> dict[str, Any]:
    """Settings as plain values for ``config show``, secrets masked."""
    values: dict[str, Any] = {}
    for name in type(settings).model_fields:
        value = getattr(settings, name)
        if isinstance(value, SecretStr):
            value = "********" if value.get_secret_value() else ""
        elif isinstance(value, Path):
            value = str(value)
        elif hasattr(value, "value"):
            value = value.value
        values[name] = value
    return values

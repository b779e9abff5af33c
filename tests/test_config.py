from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sentinel_cli.config import effective_values, find_config_file, load_settings
from sentinel_cli.errors import ConfigError
from sentinel_cli.model import Mode
from tests.helpers import ROOT


def test_defaults_without_any_file(tmp_path: Path) -> None:
    settings = load_settings(cwd=tmp_path)
    assert settings.mode is Mode.MODERATE
    assert settings.fail_on == "block"
    assert settings.detectors is None


def test_precedence_flag_over_env_over_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "sentinel.toml").write_text('mode = "permissive"\nfail_on = "flag"\nbatch_size = 7\n')
    monkeypatch.setenv("SENTINEL_MODE", "moderate")
    settings = load_settings(cwd=tmp_path)
    assert settings.mode is Mode.MODERATE  # env beats file
    assert settings.fail_on == "flag"  # file beats default
    assert settings.batch_size == 7
    flagged = load_settings(cwd=tmp_path, mode=Mode.STRICT, fail_on=None)
    assert flagged.mode is Mode.STRICT  # flag beats env
    assert flagged.fail_on == "flag"  # None means "flag not given"


def test_pyproject_tool_table_is_discovered_from_a_subdirectory(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname="x"\n[tool.sentinel]\nmode = "strict"\n')
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    assert find_config_file(nested) == tmp_path / "pyproject.toml"
    assert load_settings(cwd=nested).mode is Mode.STRICT


@pytest.mark.parametrize(
    "toml",
    [
        '[tool.sentinel]\nmode = "strict"\n',
        '[tool . "sentinel"]\nmode = "strict"\n',
        '[tool]\nsentinel = { mode = "strict" }\n',
        '[ tool ]\nsentinel.mode = "strict"\n',
        'tool.sentinel.mode = "strict"\n',
        "[tool.'sentinel']\nmode = 'strict'\n",
    ],
)
def test_every_spelling_of_the_tool_table_is_found(tmp_path: Path, toml: str) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname="x"\n' + toml if toml[0] == "[" else toml)
    assert find_config_file(tmp_path) == tmp_path / "pyproject.toml"
    assert load_settings(cwd=tmp_path).mode is Mode.STRICT


def test_a_pyproject_without_the_table_is_not_parsed(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname="sentinel-x"\n[tool.ruff]\nline-length = 9\n')
    code = (
        "import sys; from pathlib import Path; from sentinel_cli.config import find_config_file; "
        "print(find_config_file(Path(sys.argv[1])), 'tomllib' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout.split()[-1] == "False", done.stdout


def test_pyproject_without_table_is_ignored(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname="x"\n')
    assert find_config_file(tmp_path) is None or find_config_file(tmp_path) != tmp_path / "pyproject.toml"


def test_explicit_config_replaces_discovery(tmp_path: Path) -> None:
    (tmp_path / "sentinel.toml").write_text('mode = "strict"\n')
    other = tmp_path / "other.toml"
    other.write_text('fail_on = "never"\n')
    settings = load_settings(other, cwd=tmp_path)
    assert settings.fail_on == "never"
    assert settings.mode is Mode.MODERATE


def test_env_list_accepts_commas(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SENTINEL_DETECTORS", "heuristics, pii")
    assert load_settings(cwd=tmp_path).detectors == ["heuristics", "pii"]


def test_invalid_values_and_unknown_keys_are_named(tmp_path: Path) -> None:
    bad = tmp_path / "sentinel.toml"
    bad.write_text('mode = "paranoid"\nmdoe = "strict"\n')
    with pytest.raises(ConfigError) as info:
        load_settings(bad)
    message = str(info.value)
    assert "mode:" in message and "mdoe: unknown setting" in message and str(bad) in message


def test_not_toml_is_a_config_error(tmp_path: Path) -> None:
    bad = tmp_path / "sentinel.toml"
    bad.write_text("mode = \n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(bad)


def test_missing_explicit_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "nope.toml")


def test_secrets_are_masked_in_effective_values(tmp_path: Path) -> None:
    settings = load_settings(cwd=tmp_path, redact_salt="s3cret-salt")
    values = effective_values(settings)
    assert values["redact_salt"] == "********"
    assert "s3cret-salt" not in repr(values)


def test_telemetry_settings_from_flags_env_and_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "sentinel.toml"
    config.write_text('push_job = "from-file"\npush_groups = { instance = "file-host", env = "prod" }\n')
    settings = load_settings(config)
    assert settings.push_job == "from-file" and settings.push_groups == {
        "instance": "file-host",
        "env": "prod",
    }
    monkeypatch.setenv("SENTINEL_PUSHGATEWAY_URL", "http://gateway:9091")
    monkeypatch.setenv("SENTINEL_PUSH_GROUPS", "instance=env-host")
    monkeypatch.setenv("SENTINEL_PUSH_PASSWORD", "hunter2")
    settings = load_settings(config)
    assert settings.pushgateway_url == "http://gateway:9091" and settings.push_groups == {
        "instance": "env-host"
    }
    assert load_settings(config, push_groups=["instance=flag", "team=ml"]).push_groups == {
        "instance": "flag",
        "team": "ml",
    }
    assert effective_values(settings)["push_password"] == "********"


@pytest.mark.parametrize("groups", [["job=x"], ["__name__=x"], ["bad-name=x"], ["novalue"], ["empty="]])
def test_bad_grouping_labels_are_config_errors(groups: list[str], tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="push_groups"):
        load_settings(discover=False, push_groups=groups)


def test_llm_price_overrides_round_trip_through_config_show(tmp_path: Path) -> None:
    import tomllib

    from sentinel_cli.config_sample import to_toml

    (tmp_path / "sentinel.toml").write_text('[llm_prices]\n"gpt-6.1-sol" = { input = 1.5, output = 6 }\n')
    settings = load_settings(cwd=tmp_path)
    assert settings.llm_prices == {"gpt-6.1-sol": {"input": 1.5, "output": 6.0}}
    shown = tomllib.loads(to_toml({"llm_prices": effective_values(settings)["llm_prices"]}))
    assert shown["llm_prices"] == {"gpt-6.1-sol": {"input": 1.5, "output": 6.0}}


def test_llm_settings_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SENTINEL_LLM", "uncertain")
    monkeypatch.setenv("SENTINEL_LLM_PROVIDERS", "openai, anthropic")
    monkeypatch.setenv("SENTINEL_ANTHROPIC_API_KEY", "sk-secret-value")
    monkeypatch.setenv("SENTINEL_BUDGET_DAILY_USD", "2.5")
    settings = load_settings(cwd=tmp_path)
    assert (settings.llm, settings.llm_providers, settings.budget_daily_usd) == (
        "uncertain",
        ["openai", "anthropic"],
        2.5,
    )
    values = effective_values(settings)
    assert values["anthropic_api_key"] == "********" and "sk-secret-value" not in repr(values)
    assert "sk-secret-value" not in repr(settings)


def test_user_rules_are_checked_when_settings_load(tmp_path: Path) -> None:
    good = tmp_path / "good.toml"
    good.write_text(
        '[[rules]]\nid = "ACME1"\ncategory = "prompt_leak"\nseverity = "high"\nconfidence = 0.8\n'
        'description = "codename"\npatterns = ["(?i)project\\\\s+bluebird"]\n',
        encoding="utf-8",
    )
    assert load_settings(good).rules[0]["id"] == "ACME1"
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[[rules]]\nid = "ACME2"\ncategory = "jailbreak"\nseverity = "high"\nconfidence = 0.8\n'
        'description = "slow"\npatterns = ["(a+)+$"]\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as info:
        load_settings(bad)
    message = str(info.value)
    assert str(bad) in message and "ACME2" in message and "nested quantifier" in message


def test_allow_patterns_and_rule_files_are_validated(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"allow_patterns\[0\].*backreference"):
        load_settings(cwd=tmp_path, allow_patterns=["(a)\\1"])
    with pytest.raises(ConfigError, match="matches empty text"):
        load_settings(cwd=tmp_path, allow_patterns=["(?:x)?"])
    pack = tmp_path / "rules" / "mine.toml"
    pack.parent.mkdir()
    pack.write_text(
        '[[rules]]\nid="M1"\ncategory="jailbreak"\nseverity="low"\nconfidence=0.3\n'
        'description="d"\npatterns=["mine"]\n',
        encoding="utf-8",
    )
    config = tmp_path / "sentinel.toml"
    config.write_text('rule_files = ["rules/mine.toml"]\n', encoding="utf-8")
    assert load_settings(config).rule_files == [tmp_path / "rules" / "mine.toml"]
    config.write_text('rule_files = ["rules/missing.toml"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="rule file not found"):
        load_settings(config)


def test_disabled_rules_accept_commas_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SENTINEL_DISABLED_RULES", "PI001, JB011")
    assert load_settings(cwd=tmp_path).disabled_rules == ["PI001", "JB011"]

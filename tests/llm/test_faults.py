"""The LLM judge down, slow or wrong: local verdicts stand, nothing is lost, the run is
never held past the timeouts, and every failed call is counted and logged."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from tests.cli.test_scan_llm import PROMPTS, env_for
from tests.fake_llm_api import Behaviour, FakeLlmApi
from tests.fixtures.bad_server import bad_server
from tests.fixtures.servers import closed_port
from tests.helpers import run_cli

Record = dict[str, object]


def _run(
    env: dict[str, str], tmp_path: Path, prompts: str = PROMPTS
) -> tuple[float, list[Record], str, str, list[Record]]:
    metrics, log = tmp_path / "m.prom", tmp_path / "run.log"
    started = time.monotonic()
    done = run_cli(
        "scan",
        "-",
        "--llm",
        "always",
        "--llm-providers",
        "anthropic",
        "--fail-on",
        "never",
        "-f",
        "jsonl",
        "--metrics-file",
        str(metrics),
        "--log-format",
        "json",
        "--log-file",
        str(log),
        input=prompts,
        env=env,
        timeout=90,
    )
    elapsed = time.monotonic() - started
    stderr = done.stderr.decode()
    assert done.returncode == 0 and "Traceback" not in stderr, stderr
    records = [json.loads(line) for line in done.stdout.decode().splitlines()]
    events = [json.loads(line) for line in log.read_text().splitlines()]
    return elapsed, records, metrics.read_text(), stderr, events


def _errors(metrics: str, kind: str) -> float:
    series = f'promptsentinel_llm_errors_total{{provider="anthropic",type="{kind}"}} '
    return sum(float(line.split()[-1]) for line in metrics.splitlines() if line.startswith(series))


def _check(records: list[Record], events: list[Record], metrics: str, kind: str) -> None:
    assert [r["source"] for r in records] == ["<stdin>:1", "<stdin>:2"]
    for record in records:
        judged = record["llm"]
        assert isinstance(judged, dict) and judged["error"]
        assert record["verdict"] == judged["local_verdict"]  # the local verdict stands
    assert _errors(metrics, kind) >= 2
    failed = [e for e in events if e.get("event") == "llm.failed"]
    assert len(failed) >= 2 and all(e["error_type"] == kind for e in failed)


FAULTS = [
    ("slow", Behaviour(delay=3.0), "timeout"),
    ("500", Behaviour(status=500), "server"),
    ("529", Behaviour(status=529), "overloaded"),
    ("prose", Behaviour(text="I think it is fine, no JSON here"), "malformed"),
    ("invalid answer", Behaviour(text='{"label": "benign", "confidence": 7}'), "malformed"),
]


def test_a_slow_failing_or_confused_judge(fake_llm: FakeLlmApi, tmp_path: Path) -> None:
    """One prompt per fault, judged one at a time: each takes exactly two calls (one retry,
    or one second asking after a malformed answer), so the queue gives each its fault."""
    for _, behaviour, _ in FAULTS:
        fake_llm.queue("anthropic", behaviour, behaviour)
    prompts = "".join(f"prompt about {name}\n" for name, _, _ in FAULTS)
    env = env_for(
        fake_llm,
        tmp_path,
        SENTINEL_LLM_TIMEOUT="0.5",
        SENTINEL_LLM_RETRIES="1",
        SENTINEL_LLM_CONCURRENCY="1",
        SENTINEL_LLM_BREAKER_THRESHOLD="100",
    )
    elapsed, records, metrics, _, events = _run(env, tmp_path, prompts)
    assert len(fake_llm.calls("anthropic")) == 2 * len(FAULTS)
    assert [r["source"] for r in records] == [f"<stdin>:{i}" for i in range(1, len(FAULTS) + 1)]
    for record in records:
        judged = record["llm"]
        assert isinstance(judged, dict) and judged["error"]
        assert record["verdict"] == judged["local_verdict"]  # the local verdict stands
    failed = [e["error_type"] for e in events if e.get("event") == "llm.failed"]
    for kind in ("timeout", "server", "overloaded", "malformed"):
        expected = 2 * sum(1 for _, _, k in FAULTS if k == kind)
        assert _errors(metrics, kind) == expected, kind
        assert failed.count(kind) == expected, kind
    # Two slow calls of at most 0.5 s each; every other call answers at once.
    assert elapsed < 20


@pytest.mark.parametrize("mode", ["down", "garbage", "bad_body"])
def test_a_judge_endpoint_that_is_down_or_not_an_api(tmp_path: Path, mode: str) -> None:
    kinds = {"down": "connection", "garbage": "connection", "bad_body": "server"}
    extra = {"SENTINEL_LLM_TIMEOUT": "0.5", "SENTINEL_LLM_RETRIES": "1", "SENTINEL_LLM_BACKOFF": "0.01"}
    if mode == "down":
        url = f"http://127.0.0.1:{closed_port()}"
        elapsed, records, metrics, _, events = _run(_env(url, tmp_path, extra), tmp_path)
    else:
        with bad_server(mode) as server:  # type: ignore[arg-type]
            elapsed, records, metrics, _, events = _run(_env(server.url, tmp_path, extra), tmp_path)
    _check(records, events, metrics, kinds[mode])
    assert elapsed < 20


def _env(url: str, tmp_path: Path, extra: dict[str, str]) -> dict[str, str]:
    class _Url:
        anthropic_url = url
        openai_url = url + "/v1"

    return env_for(_Url(), tmp_path, **extra)  # type: ignore[arg-type]

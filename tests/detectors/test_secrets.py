from __future__ import annotations

import base64
import json

import pytest

from sentinel_cli.detectors.secrets import RULES, SecretsDetector
from sentinel_cli.model import Category, Finding
from sentinel_cli.normalize import Document
from tests.detectors.negatives import HARD_NEGATIVES
from tests.helpers import SAMPLES

DETECTOR = SecretsDetector()


def detect(text: str) -> list[Finding]:
    return DETECTOR.detect(Document(text))


def spans(text: str) -> list[tuple[str | None, str]]:
    return [(f.subtype, text[f.start : f.end]) for f in detect(text)]


def jwt(header: dict[str, str], payload: dict[str, object]) -> str:
    def part(data: dict[str, object] | dict[str, str]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{part(header)}.{part(payload)}.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"


# Built from pieces so that no complete credential-shaped string sits in the source tree.
GITHUB = "ghp_" + "a1B2c3D4e5F6g7H8i9J0" + "k1L2m3N4o5P6q7R8"
GITHUB_PAT = (
    "github_pat_" + "11ABCDEFG0" + "abcdefghijklmnopqrstuvwxyz_ABCDEFGHIJKLMNOPQRSTUVWXYZ" + "0123456789" * 3
)
GITLAB = "glpat-" + "xY3kP9mQ2rT5vW8zA1bC"
SLACK = "xoxb-" + "123456789012-1234567890123-" + "AbCdEfGhIjKlMnOpQrStUvWx"
STRIPE = "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc"
STRIPE_PK = "pk_test_" + "TYooMQauvdEDq54NiTphI7jx"
WEBHOOK = "https://hooks.slack.com/services/T00000000/B00000000/" + "X" * 24
RANDOM = "8fJ2kL9mN3pQ7rS1tU5vW0xY4zA6bC"
OPENAI = "sk-proj-" + "Abc123Def456Ghi789Jkl012" + "Mno345Pqr678"
OPENAI_LEGACY = "sk-" + "a1b2c3d4e5f6g7h8i9j0" + "T3BlbkFJ" + "k1l2m3n4o5p6q7r8s9t0"
ANTHROPIC = "sk-ant-api03-" + "abcdefghijklmnopqrstuvwxyz0123456789" + "ABCD-EFGH_ijkl"
GCP = "AIza" + "SyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY"
AZURE_KEY = "b1C2d3E4f5G6h7I8j9K0l1M2n3O4p5Q6r7S8t9U0v1W2x3Y4z5A6b7C8d9E0f1G2h3I4j5K6l7M8n9O0p1Q2r3S4=="
AZURE_SECRET = "abc8Q~" + "xxxxxAb3De5Gh7Jk9Mn1Pq3St5Vw7Yz9ab"
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCYEXAMPLEKEY"
JWT = jwt({"alg": "HS256", "typ": "JWT"}, {"sub": "1234567890", "name": "John Doe"})
PEM = "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA1234abcd\nQWERTY==\n-----END RSA PRIVATE KEY-----"

POSITIVES: list[tuple[str, str, str]] = [
    ("Deploy failed with AWS key AKIAIOSFODNN7EXAMPLE, why?", "AWS_ACCESS_KEY", "AKIAIOSFODNN7EXAMPLE"),
    (f"aws_secret_access_key = {AWS_SECRET}", "AWS_SECRET_KEY", AWS_SECRET),
    (f"maps key {GCP} in the page", "GCP_API_KEY", GCP),
    ('{"type": "service_account", "private_key_id": "' + "a1b2c3d4e5" * 4 + '"}', "GCP_SERVICE_ACCOUNT",
     "a1b2c3d4e5" * 4),
    (f"DefaultEndpointsProtocol=https;AccountName=acct;AccountKey={AZURE_KEY};EndpointSuffix=core.windows.net",
     "AZURE_STORAGE_KEY", AZURE_KEY),
    (f"AZURE client secret {AZURE_SECRET} here", "AZURE_CLIENT_SECRET", AZURE_SECRET),
    ("AZURE_CLIENT_SECRET=Zx7.Qm3~Lp9_Rt2-Vb5Nc8Wd1Ye4Hf6Gj0Kk", "AZURE_CLIENT_SECRET",
     "Zx7.Qm3~Lp9_Rt2-Vb5Nc8Wd1Ye4Hf6Gj0Kk"),
    ("client_secret: Zx7.Qm3~Lp9_Rt2-Vb5Nc8Wd1Ye4Hf6Gj0Kk", "SECRET", "Zx7.Qm3~Lp9_Rt2-Vb5Nc8Wd1Ye4Hf6Gj0Kk"),
    (f"token {GITHUB} end", "GITHUB_TOKEN", GITHUB),
    (f"use {GITHUB_PAT}", "GITHUB_TOKEN", GITHUB_PAT),
    (f"export GITLAB={GITLAB}", "GITLAB_TOKEN", GITLAB),
    (f"slack {SLACK}", "SLACK_TOKEN", SLACK),
    (f"post to {WEBHOOK} now", "SLACK_WEBHOOK", WEBHOOK),
    (f"stripe {STRIPE}.", "STRIPE_KEY", STRIPE),
    (f"publishable {STRIPE_PK}", "STRIPE_PUBLISHABLE_KEY", STRIPE_PK),
    (f"OPENAI_API_KEY={OPENAI}", "OPENAI_API_KEY", OPENAI),
    (f"old key {OPENAI_LEGACY}", "OPENAI_API_KEY", OPENAI_LEGACY),
    (f"key {ANTHROPIC}", "ANTHROPIC_API_KEY", ANTHROPIC),
    (f"Authorization: Bearer {JWT}", "JWT", JWT),
    (f"cert:\n{PEM}\nend", "PRIVATE_KEY", PEM),
    ("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n", "PRIVATE_KEY",
     "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n"),
    ("DB_PASSWORD=hunter2!", "PASSWORD", "hunter2!"),
    ('password = "letmein"', "PASSWORD", "letmein"),
    ('{"passwd": "c0rrect-h0rse"}', "PASSWORD", "c0rrect-h0rse"),
    ("run with --password Tr0ub4dor&3 now", "PASSWORD", "Tr0ub4dor&3"),
    ("my password is Summer2024!", "PASSWORD", "Summer2024!"),
    ("the wifi password is: Blue-Horse-42", "PASSWORD", "Blue-Horse-42"),
    ("My PIN is 4921", "PASSWORD", "4921"),
    ("x-api-key: Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFi", "SECRET", "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFi"),
    ("GET /v1/items?access_token=Ab12Cd34Ef56Gh78&page=2", "SECRET", "Ab12Cd34Ef56Gh78"),
    ("connect postgres://admin:S3cr3tPw@db.example.com:5432/app", "URL_CREDENTIALS", "admin:S3cr3tPw"),
    (f"git clone https://bot:{GITHUB}@github.com/o/r.git", "URL_CREDENTIALS", f"bot:{GITHUB}"),
    (f"the api token is: {RANDOM}.", "HIGH_ENTROPY_SECRET", RANDOM),
]  # fmt: skip


@pytest.mark.parametrize(("text", "kind", "value"), POSITIVES)
def test_positive_with_exact_offsets(text: str, kind: str, value: str) -> None:
    assert (kind, value) in spans(text), spans(text)


@pytest.mark.parametrize("text", HARD_NEGATIVES)
def test_hard_negatives_stay_clean(text: str) -> None:
    assert spans(text) == []


@pytest.mark.parametrize(
    "text",
    [
        jwt({"typ": "JWT"}, {"sub": "1"}),  # no "alg" in the header
        "eyJub3QganNvbi4uLg.eyJzdWIiOiIxIn0.c2lnbmF0dXJl",  # header is not JSON
        "AKIAIOSFODNN7EXAMPL",  # one character short
        "XAKIAIOSFODNN7EXAMPLE",  # inside a longer token
        "ghp_" + "short",
        "sk-" + "a" * 40,  # no digits: a filler, not a key
        "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A\n-----END PUBLIC KEY-----",
        "token: abcdefghijklmnopqrstuvwxyzabcdef",  # a word run, no randomness
        "token 123e4567-e89b-12d3-a456-426614174000",  # a UUID
        "commit hash key 3f786850e387550fdab836ed7e6dc881de23001b",  # a digest after "hash"
    ],
)
def test_near_misses_are_not_secrets(text: str) -> None:
    assert spans(text) == []


def test_evidence_shows_only_a_public_prefix_and_the_length() -> None:
    text = f"token {GITHUB} and {PEM} and DB_PASSWORD=hunter2! and postgres://admin:S3cr3tPw@db"
    findings = detect(text)
    assert {f.subtype for f in findings} == {"GITHUB_TOKEN", "PRIVATE_KEY", "PASSWORD", "URL_CREDENTIALS"}
    for finding in findings:
        assert text[finding.start : finding.end] not in finding.evidence
        assert finding.category is Category.SECRET and finding.detector == "secrets"
    evidence = " ".join(f.evidence for f in findings)
    for secret in (GITHUB[4:], "MIIEpAIBAAKCAQEA1234abcd", "QWERTY", "hunter2", "S3cr3tPw", "admin"):
        assert secret not in evidence
    github = next(f for f in findings if f.subtype == "GITHUB_TOKEN")
    assert github.evidence == "[GITHUB_TOKEN] ghp_…(40 chars)"
    password = next(f for f in findings if f.subtype == "PASSWORD")
    assert "hunter2" not in password.evidence and "password" in password.evidence


def test_a_credential_inside_a_url_is_one_span() -> None:
    text = f"https://bot:{GITHUB}@github.com/o/r.git"
    assert spans(text) == [("URL_CREDENTIALS", f"bot:{GITHUB}")]


def test_rules_cover_every_reported_rule_id() -> None:
    infos = {info.id: info for info in DETECTOR.rules()}
    assert set(infos) == {rule.id for rule in RULES}
    assert all(info.category is Category.SECRET and info.detector == "secrets" for info in infos.values())
    found = {f.rule_id for text, _, _ in POSITIVES for f in detect(text)}
    assert found <= set(infos)
    assert found == set(infos)  # every rule has at least one positive example above


def test_sample_aws_key_is_found() -> None:
    records = [json.loads(line) for line in (SAMPLES / "prompts.jsonl").read_text().splitlines()]
    found = {record["id"]: spans(record["prompt"]) for record in records}
    assert found["p10"] == [("AWS_ACCESS_KEY", "AKIAIOSFODNN7EXAMPLE")]
    assert [rid for rid, hits in found.items() if hits] == ["p10"]


@pytest.mark.parametrize(
    "text",
    ["password=" * 2000, "key " * 5000, "-----BEGIN RSA PRIVATE KEY-----" * 600,
     ("eyJ" + "a" * 10 + ".") * 1500, "//a:b@" * 3000, "token " + "aB3" * 6000, "A" * 20000, "sk-" * 6000],
)  # fmt: skip
def test_pathological_input_takes_linear_time(text: str) -> None:
    """Catastrophic backtracking would take minutes; linear patterns take milliseconds."""
    import time

    started = time.perf_counter()
    detect(text)
    assert time.perf_counter() - started < 3.0

"""The ``secrets`` detector: API keys, tokens, private keys and passwords, never echoed back.

Vendor formats are matched by their published prefixes and shapes; generic
credentials need a telling key or context word. Each rule id is permanent
(``SEC-GITHUB-TOKEN``...) and the finding's ``subtype`` names the secret type.
Evidence shows at most the public prefix of a token (``ghp_…(40 chars)``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import ClassVar

from sentinel_cli.detectors import secret_context, secret_tokens
from sentinel_cli.detectors.base import Detector
from sentinel_cli.detectors.spans import Hit, Scan, SpanRule, resolve, to_findings
from sentinel_cli.model import Category, Finding, RuleInfo, Severity
from sentinel_cli.normalize import Document

C, H, M, L = Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW

RULES: tuple[SpanRule, ...] = (
    SpanRule(
        "SEC-PRIVATE-KEY", "PRIVATE_KEY", C, 0.99, "PEM private-key block (RSA, EC, DSA, OpenSSH...).", 5
    ),
    SpanRule("SEC-AWS-ACCESS-KEY", "AWS_ACCESS_KEY", H, 0.95, "AWS access key id (AKIA/ASIA...).", 10),
    SpanRule("SEC-AWS-SECRET-KEY", "AWS_SECRET_KEY", C, 0.95, "AWS secret access key next to its name.", 10),
    SpanRule("SEC-GCP-API-KEY", "GCP_API_KEY", H, 0.95, "Google Cloud API key (AIza...).", 10),
    SpanRule("SEC-GCP-SERVICE-ACCOUNT", "GCP_SERVICE_ACCOUNT", C, 0.95, "GCP service-account key id.", 10),
    SpanRule("SEC-AZURE-STORAGE-KEY", "AZURE_STORAGE_KEY", C, 0.95, "Azure connection-string key.", 10),
    SpanRule("SEC-AZURE-CLIENT-SECRET", "AZURE_CLIENT_SECRET", C, 0.9, "Azure AD client secret.", 10),
    SpanRule(
        "SEC-GITHUB-TOKEN", "GITHUB_TOKEN", C, 0.95, "GitHub token (ghp_, gho_, ghu_, ghs_, ghr_, PAT).", 10
    ),
    SpanRule("SEC-GITLAB-TOKEN", "GITLAB_TOKEN", C, 0.95, "GitLab token (glpat- and other gl*- tokens).", 10),
    SpanRule("SEC-SLACK-TOKEN", "SLACK_TOKEN", H, 0.95, "Slack token (xoxb-, xoxp-, xapp-...).", 10),
    SpanRule("SEC-SLACK-WEBHOOK", "SLACK_WEBHOOK", M, 0.95, "Slack incoming-webhook URL.", 10),
    SpanRule("SEC-STRIPE-KEY", "STRIPE_KEY", C, 0.95, "Stripe secret or restricted key, webhook secret.", 10),
    SpanRule("SEC-STRIPE-PUBLISHABLE-KEY", "STRIPE_PUBLISHABLE_KEY", L, 0.9, "Stripe publishable key.", 10),
    SpanRule("SEC-OPENAI-KEY", "OPENAI_API_KEY", C, 0.95, "OpenAI API key (sk-, sk-proj-...).", 11),
    SpanRule("SEC-ANTHROPIC-KEY", "ANTHROPIC_API_KEY", C, 0.95, "Anthropic API key (sk-ant-...).", 10),
    SpanRule("SEC-JWT", "JWT", H, 0.95, "JSON Web Token whose header decodes to JSON with 'alg'.", 10),
    SpanRule("SEC-URL-CREDENTIALS", "URL_CREDENTIALS", H, 0.9, "User and password in a URL.", 8),
    SpanRule("SEC-PASSWORD", "PASSWORD", H, 0.85, "Password given to a key (password=...) or in prose.", 20),
    SpanRule("SEC-GENERIC-SECRET", "SECRET", H, 0.85, "Token, secret or API key given to a key.", 20),
    SpanRule(
        "SEC-HIGH-ENTROPY", "HIGH_ENTROPY_SECRET", M, 0.7, "Random-looking token after a secret word.", 30
    ),
)
RULES_BY_ID: dict[str, SpanRule] = {rule.id: rule for rule in RULES}

_RECOGNISERS: tuple[Callable[[Scan], Iterable[Hit]], ...] = (
    secret_tokens.private_keys,
    secret_tokens.vendor_tokens,
    secret_tokens.aws_secret_keys,
    secret_context.url_credentials,
    secret_context.assignments,
    secret_context.spoken_passwords,
    secret_context.high_entropy_tokens,
)


def find_secrets(text: str) -> list[Hit]:
    """Every secret hit in ``text`` after overlap resolution (exposed for tests and tools)."""
    scan = Scan(text)
    return resolve((hit for recogniser in _RECOGNISERS for hit in recogniser(scan)), RULES_BY_ID)


class SecretsDetector(Detector):
    """Cloud and SaaS keys, tokens, private keys, passwords and credentials in URLs."""

    id: ClassVar[str] = "secrets"
    version: ClassVar[str] = "1"
    description: ClassVar[str] = (
        "Credentials: vendor API keys, JWTs, private keys, passwords, URL credentials."
    )

    def rules(self) -> Sequence[RuleInfo]:
        return [rule.info(self.id, Category.SECRET) for rule in RULES]

    def detect(self, doc: Document) -> list[Finding]:
        return to_findings(find_secrets(doc.text), RULES_BY_ID, detector=self.id, category=Category.SECRET)

"""sentinel: scan LLM prompts for injection, jailbreaks, PII and secrets."""

__version__ = "0.1.0"

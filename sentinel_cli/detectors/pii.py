"""The ``pii`` detector: personal data, checked by checksum or context, never echoed back.

Each entity type has one permanent rule id (``PII-EMAIL``, ``PII-CREDIT-CARD``...)
and its finding carries the type in ``subtype``. The evidence names the type and
safe facts (a card brand, an IBAN country) but never the value itself.

Recognisers run on the raw text only when a cheap test says they could match
(an "@" for e-mail, seven digits close together for the numeric types), so an
ordinary prompt costs a few microseconds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import ClassVar

from sentinel_cli.detectors import pii_address, pii_contact, pii_context, pii_numbers
from sentinel_cli.detectors.base import Detector
from sentinel_cli.detectors.spans import Hit, Scan, SpanRule, resolve, to_findings
from sentinel_cli.model import Category, Finding, RuleInfo, Severity
from sentinel_cli.normalize import Document

H, M, L = Severity.HIGH, Severity.MEDIUM, Severity.LOW

RULES: tuple[SpanRule, ...] = (
    SpanRule(
        "PII-IBAN", "IBAN", H, 0.98, "International bank account number (country length and mod-97).", 10
    ),
    SpanRule(
        "PII-CREDIT-CARD", "CREDIT_CARD", H, 0.95, "Payment card number (Luhn, issuer range, length).", 11
    ),
    SpanRule("PII-US-SSN", "US_SSN", H, 0.9, "US Social Security number (never-issued ranges excluded).", 12),
    SpanRule("PII-EMAIL", "EMAIL", M, 0.95, "E-mail address.", 13),
    SpanRule("PII-IP-ADDRESS", "IP_ADDRESS", L, 0.85, "IPv4 or IPv6 address (not a version number).", 14),
    SpanRule(
        "PII-DATE-OF-BIRTH", "DATE_OF_BIRTH", M, 0.85, "Date next to 'born', 'DOB', 'date of birth'.", 15
    ),
    SpanRule("PII-PASSPORT", "PASSPORT", H, 0.8, "Passport number after a 'passport' cue.", 16),
    SpanRule("PII-DRIVER-LICENSE", "DRIVER_LICENSE", M, 0.8, "Driving-licence number after a cue.", 17),
    SpanRule(
        "PII-PHONE",
        "PHONE",
        M,
        0.85,
        "Phone number: international, national (trunk 0, NANP) or after a cue.",
        20,
    ),
    SpanRule(
        "PII-EMAIL-OBFUSCATED", "EMAIL", M, 0.7, "E-mail address written out ('jo at example dot com').", 21
    ),
    SpanRule("PII-ADDRESS", "ADDRESS", M, 0.7, "Postal address in a US, UK or European street form.", 30),
    SpanRule("PII-PERSON", "PERSON", L, 0.65, "Person name after a cue ('my name is', 'Name:', 'Dear').", 40),
)
RULES_BY_ID: dict[str, SpanRule] = {rule.id: rule for rule in RULES}

_RECOGNISERS: tuple[Callable[[Scan], Iterable[Hit]], ...] = (
    pii_numbers.numbers,
    pii_contact.emails,
    pii_contact.ip_addresses,
    pii_contact.obfuscated_emails,
    pii_context.dates_of_birth,
    pii_context.passports,
    pii_context.driver_licences,
    pii_context.persons,
    pii_address.addresses,
)


def find_pii(text: str) -> list[Hit]:
    """Every PII hit in ``text`` after overlap resolution (exposed for tests and tools)."""
    scan = Scan(text)
    return resolve((hit for recogniser in _RECOGNISERS for hit in recogniser(scan)), RULES_BY_ID)


class PiiDetector(Detector):
    """E-mail, phone, card, IBAN, SSN, IP, date of birth, passport, licence, address, name."""

    id: ClassVar[str] = "pii"
    version: ClassVar[str] = "1"
    description: ClassVar[str] = (
        "Personal data: checksummed numbers, contact details, context-cued identifiers."
    )

    def rules(self) -> Sequence[RuleInfo]:
        return [rule.info(self.id, Category.PII) for rule in RULES]

    def detect(self, doc: Document) -> list[Finding]:
        return to_findings(find_pii(doc.text), RULES_BY_ID, detector=self.id, category=Category.PII)

"""Cue words that make a number personal data (or a reference that is not).

A phone number is far more believable after "call me on"; a Luhn-valid number
after "card"; a nine-digit number after "SSN"; and none of them after "order"
or "invoice". See ``spans.Cues`` for how entries are matched.
"""

from __future__ import annotations

from sentinel_cli.detectors.spans import Cues

_CARD_CUES = (
    "card", "cards", "credit", "debit", "cc", "visa", "mastercard", "master card", "amex", "american express",
    "discover", "maestro", "jcb", "diners", "payment", "pay", "paid", "charge*", "billing", "karte",
    "kreditkarte", "carte", "tarjeta", "carta", "cartão", "cartao", "kaart", "kort",
)  # fmt: skip
_SSN_CUES = ("ssn", "ssns", "ss#", "social security", "soc sec", "soc. sec", "ssa", "sozialversicherung*")
_PHONE_CUES = (
    "phone", "telephone", "tel", "tel.", "tele", "mobile", "mob", "cell", "cellphone", "fax", "call", "calls",
    "called", "calling", "ring", "dial", "text", "texting", "sms", "whatsapp", "whats app", "signal",
    "telegram", "contact*", "reach*", "hotline", "answer*", "messag*", "voicemail", "telefon", "telefone",
    "telefono", "teléfono", "téléphone", "tél", "handy", "movil", "móvil", "celular", "cellulare", "portable",
    "rufnummer", "numer", "nummer", "numero", "número", "numéro", "電話", "전화", "телефон", "my number",
    "his number", "her number", "your number", "our number", "their number", "desk:", "office:", "home:",
    "work:", "direct:", "desk :", "office :",
)  # fmt: skip
_REFERENCE_CUES = (
    "order*", "invoice*", "ticket*", "tracking", "account", "acct", "case", "ref", "reference", "id",
    "serial", "sku", "isbn", "issn", "transaction*", "confirmation", "booking", "policy", "receipt",
    "customer", "member",
    "parcel", "shipment", "item", "items", "product", "model", "part", "parts", "version", "build", "patent",
    "zip", "postcode", "postal", "doi", "lot", "batch", "page", "pages", "step", "steps",
)  # fmt: skip


CARD_CUES = Cues(_CARD_CUES)
SSN_CUES = Cues(_SSN_CUES)
PHONE_CUES = Cues(_PHONE_CUES)
REFERENCE_CUES = Cues(_REFERENCE_CUES)


def is_reference(text: str, lower: str, start: int, end: int) -> bool:
    """An order, invoice or ticket number ("order 4532...", "#1234567") rather than personal data."""
    if text[max(0, start - 3) : start].rstrip().endswith("#"):
        return True
    return REFERENCE_CUES.near(lower, start, end, before=24)

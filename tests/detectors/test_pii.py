from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sentinel_cli.detectors.pii import RULES, PiiDetector
from sentinel_cli.model import Category, Finding
from sentinel_cli.normalize import Document
from tests.detectors.negatives import HARD_NEGATIVES
from tests.detectors.test_checksums import iban_complete, luhn_complete
from tests.helpers import SAMPLES

DETECTOR = PiiDetector()


def detect(text: str) -> list[Finding]:
    return DETECTOR.detect(Document(text))


def spans(text: str) -> list[tuple[str | None, str]]:
    return [(f.subtype, text[f.start : f.end]) for f in detect(text)]


POSITIVES: list[tuple[str, str, str]] = [
    # (text, type, exact span)
    ("Mail me at jane.roe+news@example.co.uk today.", "EMAIL", "jane.roe+news@example.co.uk"),
    ("Contact: <Ünal.Öz@bücher.de>", "EMAIL", "Ünal.Öz@bücher.de"),
    ("write to jo (at) example (dot) com please", "EMAIL", "jo (at) example (dot) com"),
    ("reach me: alex.kim at gmail dot com", "EMAIL", "alex.kim at gmail dot com"),
    ("Call me on +44 20 7946 0958 tomorrow", "PHONE", "+44 20 7946 0958"),
    ("Our number: (415) 555-0134 ext. 12", "PHONE", "(415) 555-0134 ext. 12"),
    ("ring 1-800-555-0199 now", "PHONE", "1-800-555-0199"),
    ("Desk: +41 (0)96 471 07 95", "PHONE", "+41 (0)96 471 07 95"),
    ("Téléphone : 06 12 34 56 78", "PHONE", "06 12 34 56 78"),
    ("They're not answering at 0490 75 40 81", "PHONE", "0490 75 40 81"),
    ("Fax: 9498777106", "PHONE", "9498777106"),
    ("01.84.17.61.18 office", "PHONE", "01.84.17.61.18"),
    ("E.164 form +14155550134 works", "PHONE", "+14155550134"),
    ("London office 020 7946 0958", "PHONE", "020 7946 0958"),
    ("mobile 07911 123456", "PHONE", "07911 123456"),
    ("Charge card 4111 1111 1111 1111 please", "CREDIT_CARD", "4111 1111 1111 1111"),
    ("amex 3782-822463-10005 on file", "CREDIT_CARD", "3782-822463-10005"),
    ("the number 5500005555555559 is mine", "CREDIT_CARD", "5500005555555559"),
    ("My maestro card 630427373398 is lost", "CREDIT_CARD", "630427373398"),
    ("IBAN: GB82 WEST 1234 5698 7654 32.", "IBAN", "GB82 WEST 1234 5698 7654 32"),
    ("send it to de89370400440532013000 today", "IBAN", "de89370400440532013000"),
    ("MT84 MALT 0110 0001 2345 MTLC AST0 01S is Maltese", "IBAN", "MT84 MALT 0110 0001 2345 MTLC AST0 01S"),
    ("Here's my SSN: 123-45-6789", "US_SSN", "123-45-6789"),
    ("social security number 123 45 6789", "US_SSN", "123 45 6789"),
    ("SSN 123456789 on file", "US_SSN", "123456789"),
    ("server 203.0.113.7 is down", "IP_ADDRESS", "203.0.113.7"),
    ("|106.31.73.20|", "IP_ADDRESS", "106.31.73.20"),
    ("curl http://192.168.1.20:8080/health", "IP_ADDRESS", "192.168.1.20"),
    ("v6 at 2001:db8:85a3::8a2e:370:7334 now", "IP_ADDRESS", "2001:db8:85a3::8a2e:370:7334"),
    ("getting 6e40:4041:c617:e898:c11:40d2:c669:2eb4 blocked", "IP_ADDRESS",
     "6e40:4041:c617:e898:c11:40d2:c669:2eb4"),
    ("She was born on 2/8/1935. Her maiden name", "DATE_OF_BIRTH", "2/8/1935"),
    ("DOB: 14 March 1987", "DATE_OF_BIRTH", "14 March 1987"),
    ("Date of birth is July 4, 1990", "DATE_OF_BIRTH", "July 4, 1990"),
    ("Passport No. 123456789 expires soon", "PASSPORT", "123456789"),
    ("my passport number is C01X00T47", "PASSPORT", "C01X00T47"),
    ("My driver's license number is F162823540116", "DRIVER_LICENSE", "F162823540116"),
    ("DL# D1234-5678-9012", "DRIVER_LICENSE", "D1234-5678-9012"),
    ("Ship to 1600 Pennsylvania Avenue, Washington, DC 20500 asap", "ADDRESS",
     "1600 Pennsylvania Avenue, Washington, DC 20500"),
    ("at 221B Baker Street, London NW1 6XE.", "ADDRESS", "221B Baker Street, London NW1 6XE"),
    ("wohnt in der Hauptstraße 5 in Berlin", "ADDRESS", "Hauptstraße 5"),
    ("lives at 86036 Koskikatu 25 now", "ADDRESS", "Koskikatu 25"),
    ("au 12 rue de la Paix à Paris", "ADDRESS", "12 rue de la Paix"),
    ("in Via Roma 12, Milano", "ADDRESS", "Via Roma 12"),
    ("P.O. Box 4471, Springfield", "ADDRESS", "P.O. Box 4471"),
    ("My name is Rubija", "PERSON", "Rubija"),
    ("Name: Toshimi Arata\nPhone: 0490 75 40 81", "PERSON", "Toshimi Arata"),
    ("Dear Olivia,\nthe conference went well", "PERSON", "Olivia"),
    ("Je m'appelle Chise T. Horiguchi.", "PERSON", "Chise T. Horiguchi"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "kind", "value"), POSITIVES)
def test_positive_with_exact_offsets(text: str, kind: str, value: str) -> None:
    assert (kind, value) in spans(text), spans(text)


@pytest.mark.parametrize("text", HARD_NEGATIVES)
def test_hard_negatives_stay_clean(text: str) -> None:
    assert spans(text) == []


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("file name: Report Q3", "PERSON"),
        ("Dear AI assistant, help me", "PERSON"),
        ("Name: Spirit II E-210 Gas Grill", "PERSON"),
        ("During 2021 we grew", "ADDRESS"),
        ("the Renegade 2 and the Brigade 7 arrived", "ADDRESS"),
        ("M.2 Internal Solid State Hard Drive", "ADDRESS"),
        ("Offices are located at 6556 106 Rue Ettatawer", "PHONE"),
        ("WinPython-64bit-3.4.2.4 crashed", "IP_ADDRESS"),
        ("echo 127.0.0.1 localhost >> /etc/hosts; ping -c 1 8.8.8.8; bind 0.0.0.0", "IP_ADDRESS"),
        ("look at this dot com bubble", "EMAIL"),
        ("order 4532015112830366 was shipped", "CREDIT_CARD"),
        ("random 4532015112830367 digits", "CREDIT_CARD"),  # fails Luhn
        ("random 9532015112830366 digits", "CREDIT_CARD"),  # no issuer range, no cue
    ],
)
def test_type_specific_false_friends(text: str, absent: str) -> None:
    assert absent not in [kind for kind, _ in spans(text)], spans(text)


def test_ssn_without_cue_needs_dashes() -> None:
    assert spans("ref 123-45-6789") == [("US_SSN", "123-45-6789")]
    assert spans("see 123 45 6789") == []


def test_a_card_that_fails_luhn_needs_a_card_word_right_before_it() -> None:
    assert spans("Card: 4532-7153-3790-1241") == [("CREDIT_CARD", "4532-7153-3790-1241")]
    [finding] = detect("Card: 4532-7153-3790-1241")
    assert finding.confidence < 0.7 and "fails Luhn" in finding.evidence
    assert spans("Serial: 4532-7153-3790-1241") == []
    assert spans("card 1234-5678-9012-3456") == []  # no issuer starts with 1


def test_card_without_cue_needs_a_major_issuer() -> None:
    assert spans("use 4111111111111111") == [("CREDIT_CARD", "4111111111111111")]
    maestro = luhn_complete("50186466790")
    wrong = maestro[:-1] + str((int(maestro[-1]) + 1) % 10)
    assert spans(f"use {maestro}") == []  # a 12-digit maestro only next to a card word
    assert spans(f"card {maestro} is lost") == [("CREDIT_CARD", maestro)]
    assert spans(f"card {wrong} is lost") == []  # and only when it passes Luhn


def test_phone_without_cue_needs_an_unmistakable_form() -> None:
    assert spans("see 490 75 40 81") == []
    assert spans("see +32 490 75 40 81") == [("PHONE", "+32 490 75 40 81")]
    assert spans("see 0490 75 40 81") == [("PHONE", "0490 75 40 81")]  # a trunk 0 marks a national number
    assert spans("Billing: 03262 2437 Main St") != [("PHONE", "03262 2437")]


def test_evidence_names_the_type_but_never_the_value() -> None:
    text = "Card 4111 1111 1111 1111, IBAN GB82WEST12345698765432, mail a.b@example.org, SSN 123-45-6789"
    findings = detect(text)
    assert {f.subtype for f in findings} == {"CREDIT_CARD", "IBAN", "EMAIL", "US_SSN"}
    for finding in findings:
        value = text[finding.start : finding.end]
        assert value not in finding.evidence
        assert value.replace(" ", "")[-6:] not in finding.evidence.replace(" ", "")
        assert finding.evidence.startswith(f"[{finding.subtype}]")
        assert finding.category is Category.PII and finding.view == "raw" and finding.detector == "pii"
    card = next(f for f in findings if f.subtype == "CREDIT_CARD")
    assert card.evidence == "[CREDIT_CARD] visa, 16 digits"


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(["4", "51", "37", "6011"]),
    st.text(alphabet="0123456789", min_size=14, max_size=14),
    st.sampled_from(["", " ", "-"]),
)
def test_generated_cards_are_found_with_exact_offsets(prefix: str, body: str, separator: str) -> None:
    if prefix == "37":  # American Express: 15 digits grouped 4-6-5
        digits = luhn_complete((prefix + body)[:14])
        grouped = separator.join((digits[:4], digits[4:10], digits[10:]))
    else:
        digits = luhn_complete((prefix + body)[:15])
        grouped = separator.join(digits[i : i + 4] for i in range(0, 16, 4))
    text = f"Please charge {grouped} today."
    found = detect(text)
    assert [(f.subtype, f.start, f.end) for f in found] == [("CREDIT_CARD", 14, 14 + len(grouped))]
    assert grouped not in found[0].evidence and digits not in found[0].evidence


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(["DE", "FR", "NL", "ES", "IT", "BE", "CH", "PL"]), st.data())
def test_generated_ibans_are_found(country: str, data: st.DataObject) -> None:
    from sentinel_cli.detectors.checksums import IBAN_LENGTHS

    length = IBAN_LENGTHS[country]
    bban = data.draw(st.text(alphabet="0123456789", min_size=length - 4, max_size=length - 4))
    iban = iban_complete(country, bban)
    text = f"wire it to {iban} now"
    assert spans(text) == [("IBAN", iban)]


def test_rules_cover_every_reported_rule_id() -> None:
    infos = {info.id: info for info in DETECTOR.rules()}
    assert set(infos) == {rule.id for rule in RULES}
    assert all(info.category is Category.PII and info.detector == "pii" for info in infos.values())
    text = "\n".join(text for text, _, _ in POSITIVES)
    assert {f.rule_id for f in detect(text)} <= set(infos)


def test_samples_have_the_expected_pii() -> None:
    records = {
        json.loads(line)["id"]: json.loads(line)["prompt"]
        for line in (SAMPLES / "prompts.jsonl").read_text().splitlines()
    }
    assert spans(records["p05"]) == [("EMAIL", "jane.roe@example.com"), ("PHONE", "+1 (415) 555-0134")]
    assert spans(records["p08"]) == [("CREDIT_CARD", "4111 1111 1111 1111")]
    for clean in ("p01", "p03", "p06", "p09", "p12"):
        assert spans(records[clean]) == []
    iban_row = (SAMPLES / "prompts.csv").read_text().splitlines()[5]
    assert ("IBAN", "GB82 WEST 1234 5698 7654 32") in spans(iban_row)


@pytest.mark.parametrize(
    "text",
    ["1" * 20000, "1 " * 10000, "12-" * 7000, "a@" * 10000, "1." * 10000, "ab12:" * 4000, "born " * 4000,
     "name: " * 3000, "1 A Street " * 2000, "(1) " * 5000, "a at b dot " * 2000],
)  # fmt: skip
def test_pathological_input_takes_linear_time(text: str) -> None:
    """Catastrophic backtracking would take minutes; linear patterns take milliseconds."""
    import time

    started = time.perf_counter()
    detect(text)
    assert time.perf_counter() - started < 3.0

"""Median time of the local detectors (heuristics, pii, secrets) on one core.

    python benchmarks/bench_pii.py [--repeat N]

Reports the median per-call time of each detector and of the three together on
a 300-character prompt (with and without personal data) and a 10 KB document.
Times are CPU time of this thread (``time.thread_time_ns``): the cost on one
core, unaffected by other processes competing for the machine. Patterns
compile lazily, so every detector is warmed up once before timing.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sentinel_cli.config import load_settings
from sentinel_cli.detectors import registry
from sentinel_cli.detectors.base import Detector
from sentinel_cli.normalize import Document

PLAIN = (
    "Could you help me plan a three-day trip to Lisbon in early May? I'd like a mix of museums, food "
    "markets and a day trip to Sintra. We are two adults on a moderate budget, staying near Baixa, and "
    "we prefer public transport to taxis. Please suggest a rough schedule with opening hours and costs."
)
WITH_PII = (
    "Hi, this is Jane. Please update my shipping details to 221 Baker Street, London NW1 6XE, e-mail "
    "jane.roe@example.com, phone +44 20 7946 0958. Charge card 4111 1111 1111 1111 (exp 12/29) and "
    "refund to IBAN GB82 WEST 1234 5698 7654 32. My server is 203.0.113.7; token=ghp_" + "x1" * 18 + "."
)
# A 10 KB document mixing prose, an e-mail with contact details, code and log lines: the kind of
# text pasted into a prompt. DENSE is a worst case: a number, address or e-mail every few words.
MIXED_PARTS = (
    "The quarterly review covered the launch of the new onboarding flow, which cut the time to first "
    "value from eleven days to four. Churn among small teams fell for the third month in a row, and the "
    "support backlog is now under two hundred tickets. The board asked for a clearer plan for the "
    "European market, including data residency and a German-language help centre, before the next "
    "meeting. Marketing will share a draft of the campaign brief by the end of the month.\n\n",
    "From: Maria Keller <maria.keller@example.com>\nSubject: Re: invoice 2024-0173\n\nHi team,\n"
    "thanks for the quick reply. The invoice for order 8812-3 still shows the old address; please send it "
    "to 42 Harbour Street, Leeds LS1 4AB instead. You can reach me on +44 113 496 0000 until 6 pm.\n"
    "Best regards,\nMaria\n\n",
    "def load_settings(path: str) -> dict[str, str]:\n    with open(path, encoding='utf-8') as handle:\n"
    "        data = json.load(handle)\n    timeout = int(data.get('timeout', 30))\n"
    "    token = os.environ['API_TOKEN']\n    return {'timeout': str(timeout), 'token': token}\n\n",
    "2024-05-14T10:32:07Z INFO request id=7f3a2c served in 182 ms from 10.0.4.17\n"
    "2024-05-14T10:32:09Z WARN retry 2/5 for job 55120 after 503 from upstream\n"
    "2024-05-14T10:32:11Z INFO cache hit ratio 0.93, 12,408 keys, version 3.2.1\n\n",
    "Action items: Priya to update the pricing page (+12% on the Team plan from 1 July); Tom to book the "
    "venue for 14-16 October; budget for Q3 is $48,500 with a 10% reserve. Next review on 2024-06-03.\n\n",
)
DENSE = (
    "Release 4.2.1 fixes the scheduler (see ticket 18234) and ships on 2024-05-14. Contact the on-call "
    "engineer at ops@example.org or +1 415 555 0134 if builds fail; logs are on 10.20.30.40. The deploy "
    "uses commit 3f786850e387550fdab836ed7e6dc881de23001b and costs about $1,250.00 per month. "
)


def document(size: int, dense: bool = False) -> str:
    unit = DENSE if dense else "".join(MIXED_PARTS)
    return (unit * (size // len(unit) + 1))[:size]


def median_us(detectors: list[Detector], text: str, repeat: int) -> float:
    for detector in detectors:  # warm-up: lazy pattern compilation
        detector.detect(Document(text))
    samples = []
    for _ in range(repeat):
        started = time.thread_time_ns()
        doc = Document(text)
        for detector in detectors:
            detector.detect(doc)
        samples.append(time.thread_time_ns() - started)
    return statistics.median(samples) / 1000.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=300)
    args = parser.parse_args()
    settings = load_settings(discover=False)
    detectors = {name: registry.create([name], settings)[0] for name in ("heuristics", "pii", "secrets")}
    inputs = {
        "300-char prompt": PLAIN[:300],
        "300-char prompt with PII": WITH_PII[:300],
        "10 KB document": document(10_240),
        "10 KB dense worst case": document(10_240, dense=True),
    }
    print(f"{'input':26} {'heuristics':>11} {'pii':>9} {'secrets':>9} {'all three':>10}  (median CPU µs)")
    for label, text in inputs.items():
        row = [median_us([detectors[name]], text, args.repeat) for name in ("heuristics", "pii", "secrets")]
        total = median_us(list(detectors.values()), text, args.repeat)
        print(f"{label:26} {row[0]:11.1f} {row[1]:9.1f} {row[2]:9.1f} {total:10.1f}")


if __name__ == "__main__":
    main()

"""De-identification recall per entity type and the false-positive rate on clean text, on posts written outside the
team (data/labelled/pii.*.jsonl: names without cues, lowercase, everyday words that are names, non-US formats).

    .venv/bin/python bench/deid.py                 # the hash-pinned test part
    .venv/bin/python bench/deid.py --split dev     # the part recognizers may be tuned on

An entity counts as caught when it no longer appears in the redacted post (for names: when none of its words of
three letters or more survives, since a surviving surname still identifies). The false-positive figures are the
share of clean posts left untouched and redacted spans that match no labelled entity, per 1,000 words.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

LABELLED = Path(__file__).resolve().parents[1] / "data" / "labelled"
CONTACT = ("PHONE", "EMAIL", "ADDRESS", "HANDLE", "URL", "ID_NUMBER")


def _caught(entity: dict, redacted: str) -> bool:
    if entity["type"] != "NAME":
        return entity["text"].casefold() not in redacted.casefold()
    words = [w for w in re.findall(r"\w+", entity["text"]) if len(w) > 2] or [entity["text"]]
    return not any(re.search(rf"(?<!\w){re.escape(w)}(?!\w)", redacted) for w in words)


def measure(split: str) -> dict:
    from psyllm.ingest.deid import Deidentifier

    rows = [json.loads(line) for line in (LABELLED / f"pii.{split}.jsonl").read_text().splitlines() if line.strip()]
    deid = Deidentifier()
    deid.redact("warm up the analyzer")
    hit, total = Counter(), Counter()
    clean = untouched = stray = words = 0
    started = time.perf_counter()
    for row in rows:
        redacted, _ = deid.redact(row["text"])
        spans = deid.find_spans(row["text"])
        for entity in row["entities"]:
            total[entity["type"]] += 1
            hit[entity["type"]] += _caught(entity, redacted)
        labelled = [e["text"] for e in row["entities"]]
        stray += sum(1 for s, e, _ in spans if not any(row["text"][s:e] in t or t in row["text"][s:e] for t in labelled))
        words += len(row["text"].split())
        if not row["entities"]:
            clean += 1
            untouched += not spans
    ms = 1000 * (time.perf_counter() - started) / len(rows)
    contact = sum(hit[t] for t in CONTACT) / max(1, sum(total[t] for t in CONTACT))
    return {"split": split, "posts": len(rows), "ms_per_post": ms, "recall": {t: hit[t] / total[t] for t in sorted(total)},
            "n": dict(total), "contact_recall": contact, "clean_posts": clean, "clean_untouched": untouched / max(clean, 1),
            "stray_spans_per_1000_words": 1000 * stray / max(words, 1)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", choices=["dev", "test"], default="test")
    args = ap.parse_args(argv)
    f = measure(args.split)
    print(f"\nde-identification on pii.{f['split']}.jsonl: {f['posts']} posts, {f['ms_per_post']:.1f} ms/post")
    print(f"{'entity':<12} {'n':>4} {'recall':>7}")
    for kind, value in f["recall"].items():
        print(f"{kind:<12} {f['n'][kind]:>4} {value:>7.3f}")
    print(f"{'contact (all)':<12} {'':>4} {f['contact_recall']:>7.3f}")
    print(f"clean posts left untouched: {f['clean_untouched']:.3f} of {f['clean_posts']}; "
          f"spans matching no labelled entity: {f['stray_spans_per_1000_words']:.2f} per 1,000 words")
    return 0


if __name__ == "__main__":
    sys.exit(main())

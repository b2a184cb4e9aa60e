"""The labelled sets' test parts are frozen: a figure measured on them is always measured on the same items, and
nobody tunes on them (tune on the dev parts). Changing a test file must be a deliberate, reviewed act."""
import hashlib
import json
from pathlib import Path

import pytest

LABELLED = Path(__file__).resolve().parents[2] / "data" / "labelled"
SHIPPED = Path(__file__).resolve().parents[2] / "psyllm" / "safety" / "data"  # crisis dev parts: the learned layer's
DEV = {"crisis": [SHIPPED / f"crisis.{p}.jsonl" for p in ("dev", "dev2", "dev3")],
       "replies": [LABELLED / "replies.dev.jsonl", LABELLED / "replies.dev2.jsonl"], "pii": [LABELLED / "pii.dev.jsonl"]}
PINNED = {
    "crisis.test.jsonl": "cff0eda3681c4bafdcf19d5bf8a26046f9083f6ef537dd7d66d6102115ef26ef",
    "replies.test.jsonl": "d197e043a2d3a042b10684eac1a1b77930c6dc226d73c1e7c4c2d22fa6e06fff",
    "pii.test.jsonl": "52ad0d064c7d24010b45a43517c43fe63906cdbfca2b96026da11788c68e2ac3",
}


@pytest.mark.parametrize("name", sorted(PINNED))
def test_test_parts_are_pinned(name):
    assert hashlib.sha256((LABELLED / name).read_bytes()).hexdigest() == PINNED[name]


@pytest.mark.parametrize("kind", ["crisis", "replies", "pii"])
def test_dev_and_test_parts_do_not_share_items(kind):
    key = {"crisis": lambda r: json.dumps(r["messages"]), "replies": lambda r: r["reply"], "pii": lambda r: r["text"]}[kind]
    dev = {key(json.loads(line)) for path in DEV[kind] for line in path.read_text().splitlines()}
    test = {key(json.loads(line)) for line in (LABELLED / f"{kind}.test.jsonl").read_text().splitlines()}
    assert dev and test and not dev & test


def test_the_crisis_set_covers_what_it_claims():
    paths = [*DEV["crisis"], LABELLED / "crisis.test.jsonl"]
    rows = [json.loads(line) for p in paths for line in p.read_text().splitlines()]
    risk = [r for r in rows if r["risk"]]
    assert len(rows) >= 400 and len(risk) >= 250 and len(rows) - len(risk) >= 150
    for lang in ("en", "es", "zh", "fr", "de", "pt"):
        assert {r["category"] for r in risk if r["language"] == lang} >= {
            "suicidal_ideation_passive", "plan_means_timeline", "self_harm", "abuse_violence", "third_party"}, lang
    assert sum(r["turns"] == "multi" for r in risk) >= 90

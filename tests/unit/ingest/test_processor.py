"""The per-batch worker on every kind of bad line, without Ray."""
import json
from collections import Counter
from pathlib import Path

from psyllm.config.schema import IngestConfig, SafetySettings
from psyllm.ingest.processor import PostProcessor
from psyllm.io.readers import iter_raw_rows

FIX = Path(__file__).resolve().parents[2] / "fixtures" / "ingest"
EXPECTED = json.loads((FIX / "expected.json").read_text())


def _process(cfg=None):
    rows = list(iter_raw_rows(str(FIX / "bad_lines.jsonl")))
    return PostProcessor(cfg or IngestConfig(), SafetySettings().route_at)(rows)


def test_every_line_gets_an_outcome_and_reasons_match():
    out = _process()
    assert len(out) == EXPECTED["read"]
    reasons = Counter(r["reason"] for r in out if r["outcome"] == "quarantined")
    assert reasons == Counter(EXPECTED["by_reason"])
    assert sum(r["outcome"] == "kept" for r in out) == EXPECTED["kept"] + EXPECTED["duplicates"]


def test_kept_rows_carry_no_fixture_pii_and_no_author():
    kept = [r for r in _process() if r["outcome"] == "kept"]
    blob = json.dumps([{k: v for k, v in r.items() if k != "minhash"} for r in kept], default=str)
    leaked = [s for s in EXPECTED["pii_strings"] if s in blob]
    assert not leaked, leaked


def test_quarantine_snippets_are_deidentified_and_located():
    bad = [r for r in _process() if r["outcome"] == "quarantined"]
    assert all(r["source_file"].endswith("bad_lines.jsonl") and r["line"] >= 1 for r in bad)
    assert not any("@example.com" in r["snippet"] for r in bad)


def test_invalid_utf8_policy():
    repaired = {r["native_id"]: r for r in _process() if r["outcome"] == "kept"}
    assert repaired["b20"]["repaired"] is True and "\ufffd" not in repaired["b20"]["text"]
    assert repaired["b26"]["text"].startswith("I'm so tired")
    strict = _process(IngestConfig(text=IngestConfig().text.__class__(invalid_utf8="quarantine")))
    assert [r["line"] for r in strict if r.get("reason") == "encoding"] == [20]


def test_crisis_posts_are_kept_and_routed():
    kept = {r["native_id"]: r for r in _process() if r["outcome"] == "kept"}
    for native_id, level in EXPECTED["risk"].items():
        assert kept[native_id]["risk_level"] == level
        assert kept[native_id]["route"] == "crisis"


def test_controls_removed_and_same_native_id_kept_twice():
    out = [r for r in _process() if r["outcome"] == "kept"]
    b21 = next(r for r in out if r["native_id"] == "b21")
    assert "\u200b" not in b21["text"] and "\u202e" not in b21["text"]
    assert sum(r["native_id"] == "dup-id" for r in out) == 2


def test_quarantine_snippets_never_show_author_fields():
    """A Reddit username is not a name the de-identifier recognises: snippets come from title and body only."""
    from psyllm.config.schema import FieldMapping
    from psyllm.ingest.processor import snippet_source

    fields = FieldMapping()
    parsed = snippet_source('{"author": "quietmaple_1987", "author_fullname": "t2_abc", "title": "hi", '
                            '"selftext": "too short"}', fields)
    assert parsed == "hi\ntoo short"
    broken = snippet_source('{"author": "quietmaple_1987", "selftext": "cut of', fields)
    assert "quietmaple_1987" not in broken and "cut of" in broken

"""Importers: fixture rows written in each public schema become psyllm dialogues; malformed rows are
quarantined with reasons, never lost."""
import json
from pathlib import Path

import pytest

from psyllm.cli import main
from psyllm.config import load_config
from psyllm.interop.importer import run_import
from psyllm.interop.openr1 import to_openr1_row
from psyllm.io.manifest import read_manifest
from psyllm.io.readers import InputError
from psyllm.io.shards import read_table

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "interop"


def _import(fmt, src, out):
    result = run_import(load_config(None, [f"importer.format={fmt}", "tracking.enabled=false"]), str(src), str(out))
    return result.counts, read_table(str(out / "dialogues")).to_pylist(), read_table(str(out / "quarantine")).to_pylist()


def test_openr1_psy_rows_become_dialogues_with_reasoning(tmp_path):
    counts, dialogues, quarantined = _import("openr1-psy", FIXTURES / "openr1_psy.jsonl", tmp_path / "o")
    chars = counts.pop("chars")
    assert counts == {"read": 13, "dialogues": 10, "quarantined": 3, "by_reason": {"schema": 2, "malformed_json": 1}}
    assert chars["input"] == chars["imported"] + sum(chars["dropped"].values()) and set(chars["dropped"]) == {
        "schema", "malformed_json"}  # OpenR1-Psy rounds are complete: only the quarantined rows drop text
    assert sorted(q["line"] for q in quarantined) == [11, 12, 13] and all(q["detail"] for q in quarantined)
    first = next(d for d in dialogues if d["post_id"] == "op00")
    r = first["rounds"][0]
    assert r["counselor_reasoning"].startswith("Presenting problem") and r["approach"] == "CBT"
    assert r["icd11_hypotheses"] == ["6B43"] and "dana.k@example.com" not in r["client"] and "[EMAIL_1]" in r["client"]
    crisis = next(d for d in dialogues if d["post_id"] == "op07")
    assert crisis["route"] == "crisis" and crisis["risk_level"] in ("high", "imminent")
    assert json.loads(first["models"]) == {"source": "openr1-psy", "file": "fixture_reddit.jsonl"}
    assert to_openr1_row(first)["conversation"][1]["counselor_content"] == first["rounds"][1]["counselor_reply"]


@pytest.mark.parametrize("fmt, name, n, bad, rounds", [
    ("cpsycoun", "cpsycoun.json", 2, 1, [2, 1]),
    ("messages", "messages.jsonl", 2, 1, [2, 1]),
    ("sharegpt", "sharegpt.json", 2, 1, [1, 2]),
])
def test_other_formats(tmp_path, fmt, name, n, bad, rounds):
    counts, dialogues, quarantined = _import(fmt, FIXTURES / name, tmp_path / fmt)
    assert (counts["dialogues"], counts["quarantined"]) == (n, bad) and counts["read"] == n + bad
    assert [len(d["rounds"]) for d in sorted(dialogues, key=lambda d: d["post_id"])] == rounds
    assert quarantined[0]["reason"] == "schema"


def test_reasoning_from_think_tags_and_reasoning_content(tmp_path):
    _, dialogues, _ = _import("messages", FIXTURES / "messages.jsonl", tmp_path / "m")
    two = next(d for d in dialogues if len(d["rounds"]) == 2)
    assert [r["counselor_reasoning"] for r in two["rounds"]] == ["Exam anxiety; CBT.", "Reframe the mock as information; CBT."]
    assert two["rounds"][0]["counselor_reply"] == "Exams can feel overwhelming. Which one worries you most?"


def test_cli_import_and_bad_inputs(tmp_path):
    out = tmp_path / "cli"
    assert main(["import", "--format", "sharegpt", "--input", str(FIXTURES / "sharegpt.json"), "--output", str(out),
                 "--no-tracking"]) == 0
    assert read_manifest(str(out))["counts"]["dialogues"] == 2
    assert main(["import", "--format", "sharegpt", "--input", str(FIXTURES / "sharegpt.json"), "--output", str(out),
                 "--no-tracking"]) == 0  # rerun: finished, skipped
    assert main(["import", "--input", str(tmp_path / "missing.jsonl"), "--output", str(tmp_path / "x"), "--no-tracking"]) == 2
    with pytest.raises(InputError, match="datasets|Hub"):
        run_import(load_config(None, []), "no-such-org/no-such-dataset-xyz", str(tmp_path / "hub"))


def test_a_late_disclosure_handled_well_is_kept_and_the_text_is_cleaned(tmp_path):
    """A round-3 disclosure answered as the crisis protocol asks: the dialogue is on the crisis route, the safety gate
    checks the protocol from round 3 on (not from round 1, before anything was disclosed), and it is kept. Imported
    text gets ingest's clean-up (invisible characters, HTML entities)."""
    from psyllm.filters.pipeline import DeterministicWorker

    plain = ("Presenting problem: work stress and poor sleep for two months, waking at four; no risk stated so far. "
             "Approach CBT: explore the thoughts about deadlines and test them gently.")
    row = {"post_id": "late1", "conversation": [
        {"patient": "Work has been really stressful and I sleep\u200b badly &amp; wake at 4.",
         "counselor_think": plain, "counselor_content": "That sounds draining. What happens in your mind at 4am?"},
        {"patient": "I replay every mistake from the day.", "counselor_think": plain,
         "counselor_content": "Replaying mistakes keeps the alarm on. Which one came back most last night?"},
        {"patient": "Honestly lately I've been thinking about killing myself.",
         "counselor_think": "Active suicidal ideation disclosed only now, in round three; assess immediate safety, give "
                            "crisis resources and involve the people who can be with the client tonight.",
         "counselor_content": "Thank you for telling me. Are you safe right now? Please call or text 988 any time, day "
                              "or night, and reach out to someone you trust to be with you tonight."}]}
    src = tmp_path / "late.jsonl"
    src.write_text(json.dumps(row) + "\n")
    counts, dialogues, _ = _import("openr1-psy", src, tmp_path / "o")
    (d,) = dialogues
    assert d["route"] == "crisis" and "\u200b" not in d["rounds"][0]["client"] and "&amp;" not in d["rounds"][0]["client"]
    cfg = load_config(None, ["filter.filters=[structure,safety]"])
    (kept,) = DeterministicWorker(cfg.filter, cfg.safety)([dict(d)])
    assert not kept["failures"], kept["failures"]

"""`psyllm inspect`: the published layouts are recognised, and the first dialogue is shown as it will import."""
from pathlib import Path

import pytest

from psyllm.cli import main

PUB = Path(__file__).resolve().parents[2] / "fixtures" / "interop" / "published"
INTEROP = PUB.parent
SAMPLE_POSTS = Path(__file__).resolve().parents[3] / "data" / "sample_posts.jsonl"


@pytest.mark.parametrize("path, fmt", [
    (PUB / "CPsyCounD" / "Data", "cpsycoun"), (PUB / "CPsyCounE", "cpsycoun"), (PUB / "CPsyCounD.json", "cpsycoun"),
    (PUB / "ESConv.json", "esconv"), (PUB / "counsel_chat.csv", "counsel-chat"), (PUB / "PsyQA.json", "psyqa"),
    (INTEROP / "openr1_psy.jsonl", "openr1-psy"), (INTEROP / "messages.jsonl", "messages"),
    (INTEROP / "sharegpt.json", "sharegpt"), (SAMPLE_POSTS, "posts"),
])
def test_inspect_guesses_the_layout_and_shows_the_first_item(path, fmt, capsys):
    assert main(["inspect", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"looks like: {fmt} " in out
    assert ("first post" if fmt == "posts" else "round 1\n    client:") in out
    assert "next: psyllm " in out


def test_inspect_topic_folders_dropped_text_and_a_forced_format(capsys):
    assert main(["inspect", str(PUB / "CPsyCounE")]) == 0
    out = capsys.readouterr().out
    assert "in 3 folders" in out and "`topic`" in out and "importer.cpsycoun.counselor_speakers=" in out
    assert main(["inspect", str(PUB / "ESConv.json")]) == 0
    assert "dropped (leading_counselor_turn)" in capsys.readouterr().out
    assert main(["inspect", "--format", "esconv", str(PUB / "ESConv.json")]) == 0
    assert "looks like: esconv  (as asked" in capsys.readouterr().out
    assert main(["inspect", "--format", "sharegpt", str(PUB / "ESConv.json")]) == 1  # forced, and wrong: says why
    assert "does not read as sharegpt: `conversations` must be a non-empty list" in capsys.readouterr().out


def test_inspect_unknown_and_missing_inputs(tmp_path, capsys):
    (tmp_path / "odd.jsonl").write_text('{"foo": 1, "bar": [2]}\n')
    assert main(["inspect", str(tmp_path / "odd.jsonl")]) == 1
    assert "no known layout" in capsys.readouterr().out
    assert main(["inspect", str(tmp_path / "missing.jsonl")]) == 2

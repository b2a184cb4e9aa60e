"""`psyllm import` on fixtures in the layouts the datasets' authors publish (tests/fixtures/interop/published,
written by the team from each dataset's published description; see docs/data-formats.md), with the character
accounting of the manifest checked against a second, plain reading of each layout: every utterance is either in
the imported dialogues or dropped with its reason, and `input = imported + dropped`."""
import json
from pathlib import Path

import pandas as pd
import pytest

from psyllm.config import load_config
from psyllm.interop.importer import run_import
from psyllm.io.shards import read_table
from psyllm.text.hygiene import clean_text

PUB = Path(__file__).resolve().parents[1] / "fixtures" / "interop" / "published"


def _after_colon(s: str) -> str:
    return s.replace("：", ":", 1).split(":", 1)[1].strip()


def _txt_utterances(folder: Path) -> list[str]:
    """CPsyCounD: a line starting with a speaker starts an utterance; other lines continue it."""
    out = []
    for f in sorted(folder.glob("*.txt")):
        for line in f.read_text(encoding="utf-8").splitlines():
            if line.startswith(("来访者", "心理咨询师")):
                out.append(_after_colon(line))
            elif line.strip():
                out[-1] += line.strip()  # counted by characters, the join does not matter
    return out


def _cpsycoune_utterances(folder: Path) -> list[str]:
    return [_after_colon(s) for f in sorted(folder.rglob("*.json")) for s in json.loads(f.read_text(encoding="utf-8"))]


def _hub_utterances(path: Path) -> list[str]:
    rows = json.loads(path.read_text(encoding="utf-8"))
    return [t for r in rows for pair in r["history"] + [[r["instruction"] + r["input"], r["output"]]] for t in pair if t]


def _esconv_utterances(path: Path) -> list[str]:
    return [t["content"].strip() for d in json.loads(path.read_text()) for t in d["dialog"]]


def _counsel_chat_utterances(path: Path) -> list[str]:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame = frame[frame["answerText"].str.strip() != ""]  # the row without an answer is quarantined whole
    return [t for r in frame.itertuples() for t in (r.questionTitle, r.questionText, r.answerText) if t]


def _psyqa_utterances(path: Path) -> list[str]:
    rows = [r for r in json.loads(path.read_text(encoding="utf-8")) if r["answers"]]
    return [t for r in rows for t in [r["question"], r["description"]] + [a["answer_text"] for a in r["answers"]] if t]


# format, input, plain reading, dialogues, quarantined rows, texts dropped by reason
CASES = {
    "cpsycound-txt": ("cpsycoun", PUB / "CPsyCounD" / "Data", _txt_utterances, 3, 0,
                      {"trailing_client_turn": ["谢谢老师，我下次再来。"], "leading_counselor_turn": ["欢迎你来，今天想聊些什么？"]}),
    "cpsycoune-folders": ("cpsycoun", PUB / "CPsyCounE", _cpsycoune_utterances, 4, 0,
                          {"trailing_client_turn": ["我希望至少能及格吧。"]}),
    "cpsycound-hub": ("cpsycoun", PUB / "CPsyCounD.json", _hub_utterances, 2, 1, {}),
    "esconv": ("esconv", PUB / "ESConv.json", _esconv_utterances, 2, 0,
               {"leading_counselor_turn": ["Hi there, how are you doing today?"],
                "trailing_client_turn": ["yeah. anyway thanks for listening"]}),
    "counsel-chat": ("counsel-chat", PUB / "counsel_chat.csv", _counsel_chat_utterances, 3, 1, {}),
    "psyqa": ("psyqa", PUB / "PsyQA.json", _psyqa_utterances, 2, 1, {}),
}


def _import(fmt: str, src: Path, out: Path):
    cfg = load_config(None, [f"importer.format={fmt}", "importer.deidentify=false", "tracking.enabled=false"])
    result = run_import(cfg, str(src), str(out))
    return result.counts, read_table(str(out / "dialogues")).to_pylist()


def _dialogue_text(d: dict) -> str:
    return "\n".join(f"{r['client']}\n{r['counselor_reasoning']}\n{r['counselor_reply']}" for r in d["rounds"])


@pytest.mark.parametrize("case", list(CASES))
def test_published_layout_imports_every_character(tmp_path, case):
    fmt, src, read_plainly, n_dialogues, n_quarantined, dropped_texts = CASES[case]
    counts, dialogues = _import(fmt, src, tmp_path / case)
    assert (counts["dialogues"], counts["quarantined"]) == (n_dialogues, n_quarantined), counts
    chars = counts["chars"]
    assert chars["input"] == chars["imported"] + sum(chars["dropped"].values())
    turn_drops = {k: v for k, v in chars["dropped"].items() if k != "schema"}  # a quarantined row counts whole
    assert turn_drops == {reason: sum(len(t) for t in texts) for reason, texts in dropped_texts.items()}
    utterances = read_plainly(src)
    dropped = {t for texts in dropped_texts.values() for t in texts}
    kept = [u for u in utterances if u not in dropped]
    assert chars["imported"] == sum(len(u) for u in kept)
    everything = "\n".join(_dialogue_text(d) for d in dialogues)
    missing = [u for u in kept if clean_text(u) not in everything.replace("\n", "")
               and clean_text(u) not in everything]
    assert not missing, missing


def test_cpsycoune_topic_from_folder_and_joined_supporter_turns(tmp_path):
    _, dialogues = _import("cpsycoun", PUB / "CPsyCounE", tmp_path / "e")
    by_id = {d["post_id"]: d for d in dialogues}
    assert sorted(by_id) == ["Career/1.json", "Career/2.json", "Emotion&Stress/1.json", "Family Relationship/1.json"]
    assert json.loads(by_id["Family Relationship/1.json"]["metadata"]) == {"topic": "Family Relationship"}
    first = by_id["Career/1.json"]["rounds"][0]["counselor_reply"]  # two supporter strings in a row: one turn
    assert first.startswith("五年的坚持") and first.endswith("能说说你心目中的升职意味着什么吗？")


def test_esconv_strategies_feedback_and_situation_are_kept(tmp_path):
    _, dialogues = _import("esconv", PUB / "ESConv.json", tmp_path / "es")
    d = next(d for d in dialogues if len(d["rounds"]) == 3)
    meta = json.loads(d["metadata"])
    assert meta["problem_type"] == "job crisis" and meta["survey_score"]["seeker"]["empathy"] == "5"
    second = json.loads(d["rounds"][1]["annotations"])
    assert second == {"client": [{"feedback": "4"}], "counselor": [{"strategy": "Self-disclosure"},
                                                                   {"strategy": "Providing Suggestions"}]}
    last = d["rounds"][2]["counselor_reply"]  # the trailing supporter messages are the last reply, not lost
    assert last.endswith("Take care of yourself, and good luck!")

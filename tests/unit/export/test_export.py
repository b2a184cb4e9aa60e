"""Export without Ray: splits by post and cluster, the three layouts, loading with `datasets`, chat templates."""
import json

import datasets
import pyarrow as pa
import pytest
from transformers import AutoTokenizer

from psyllm.config import load_config
from psyllm.export.sft import assistant_content, to_messages, to_sharegpt
from psyllm.export.grouping import assigned_in_driver
from psyllm.export.splits import apply_moves, fill_empty, split_for, split_point
from psyllm.io.manifest import read_manifest, write_manifest
from psyllm.io.shards import ShardWriter, read_table
from psyllm.records import FILTERED_SCHEMA
from psyllm.runtime.export import run_export
from tests.dialogues import crisis_good, good


def _dialogues(n=40):
    out = []
    for i in range(n):
        d = good(f"s{i:03d}", f"p{i:03d}")
        for r in d["rounds"]:
            r["client"] = f"Post {i} client turn about topic {i * 7919 % 101}: " + " ".join(f"w{i}_{k}" for k in range(12))
        d["cluster_id"], d["verdicts"], d["failures"] = d["sample_id"], "[]", []
        out.append(d)
    twin = dict(out[0], sample_id="s900", post_id="p900")  # client turns identical to s000's: must share its split
    extra = dict(out[1], sample_id="s901")  # a second sample of post p001
    return out + [twin, extra, dict(crisis_good("c1", "pc1"), cluster_id="c1", verdicts="[]", failures=[])]


def _filter_output(tmp_path, dialogues):
    out = tmp_path / "filtered"
    w = ShardWriter(str(out / "kept"), FILTERED_SCHEMA, 1000)
    w.write_rows(dialogues)
    write_manifest(str(out), {"stage": "filter", "fingerprint": "f1", "complete": True, "shards": {"kept": w.close()},
                              "criteria": {"safety.pii_leak": {"evaluated": 45, "passed": 43, "rate": 0.9556}},
                              "prompt_versions": '{"plan": "v1"}', "models": '{"plan": "m"}'})
    return out


def test_messages_alternate_and_carry_the_reasoning_in_think_tags():
    msgs = to_messages(good(), "SYS", include_reasoning=True)
    assert [m["role"] for m in msgs] == ["system", "user", "assistant", "user", "assistant"]
    assert msgs[2]["content"].startswith("<think>\nPresenting problem") and "</think>\n\nThat sounds" in msgs[2]["content"]
    assert to_messages(good(), "SYS", include_reasoning=False)[2]["content"].startswith("That sounds")
    assert to_sharegpt(msgs)["conversations"][0] == {"from": "human", "value": msgs[1]["content"]}
    assert assistant_content(" r ", " a ", True) == "<think>\nr\n</think>\n\na"


def _assigned(dialogues, seed=0):
    table = pa.Table.from_pylist(dialogues, schema=FILTERED_SCHEMA)
    return {r["sample_id"]: r for r in assigned_in_driver([table], 0.5, 0.1, 0.1, seed).to_pylist()}


def test_groups_keep_posts_clusters_and_near_duplicate_client_turns_together():
    ds = _dialogues()
    ds[5]["cluster_id"] = "s007"  # filter named s007 as s005's cluster
    got = _assigned(ds)
    group = {s: r["group"] for s, r in got.items()}
    assert group["s900"] == group["s000"] == "s000" and group["s901"] == group["s001"] == "s001"
    assert group["s005"] == group["s007"] == "s005"  # the smallest sample id names the group
    assert len(set(group.values())) == len(ds) - 3
    assert {r["split"] for r in got.values()} == {"train", "validation", "test"}
    assert all(r["split"] == split_for(split_point(r["group"], 0), 0.1, 0.1) for r in got.values())
    assert got == _assigned(list(reversed(ds)))  # input order does not matter


def test_adding_dialogues_moves_no_existing_group():
    ds = _dialogues()
    before, after = _assigned(ds[:20]), _assigned(ds)
    assert all(after[s]["split"] == r["split"] for s, r in before.items())


def test_an_empty_split_takes_the_smallest_point_of_the_largest():
    points = {"train": [0.5, 0.3, 0.9], "validation": [0.15]}
    smallest = lambda split, taken: min(u for u in points[split] if u not in taken)  # noqa: E731
    assert fill_empty({"train": 3, "validation": 1}, 0.1, 0.1, smallest) == [(0.3, "test")]
    assert fill_empty({"train": 3}, 0.1, 0.1, smallest) == [(0.3, "test"), (0.5, "validation")]
    assert fill_empty({"train": 2}, 0.1, 0.1, smallest) == []  # under three groups nothing is forced
    assert fill_empty({"train": 3}, 0.0, 0.1, smallest) == [(0.3, "test")]  # no validation asked for
    table = pa.table({"u": [0.3, 0.5, 0.3], "split": ["train", "train", "train"]})
    assert apply_moves(table, [(0.3, "test")])["split"].to_pylist() == ["test", "train", "test"]


def test_export_writes_every_layout_without_leakage(tmp_path, tiny_model):
    src = _filter_output(tmp_path, _dialogues())
    out = tmp_path / "sft"
    cfg = load_config(None, ["tracking.enabled=false", "export.validation_fraction=0.1", "export.test_fraction=0.1"])
    result = run_export(cfg, str(src), str(out))
    counts = result.counts
    assert sum(counts["by_split"].values()) == counts["dialogues"] == 43 and min(counts["by_split"].values()) >= 1

    posts_in = {}
    for split in ("train", "validation", "test"):
        rows = read_table(str(out / "parquet" / split)).to_pylist()
        for r in rows:
            posts_in.setdefault(r["post_id"], set()).add(split)
        loaded = datasets.load_dataset("json", data_files=str(out / "messages" / f"{split}.jsonl"), split="train")
        assert loaded.num_rows == len(rows) == counts["by_split"][split]
        sharegpt = json.loads((out / "sharegpt" / f"{split}.json").read_text())
        assert len(sharegpt) == len(rows) and all(c["conversations"][0]["from"] == "human" for c in sharegpt)
    assert all(len(s) == 1 for s in posts_in.values()), {p: s for p, s in posts_in.items() if len(s) > 1}
    by_sample = {r["sample_id"]: r["split"] for s in ("train", "validation", "test") for r in read_table(str(out / "parquet" / s)).to_pylist()}
    assert by_sample["s900"] == by_sample["s000"]

    tok = AutoTokenizer.from_pretrained(tiny_model)
    example = datasets.load_dataset("json", data_files=str(out / "messages" / "train.jsonl"), split="train")[0]
    rendered = tok.apply_chat_template(example["messages"], tokenize=False)
    assert rendered.count("<|im_start|>assistant") == 2 and "<think>" in rendered

    card = (out / "README.md").read_text()
    assert "safety.pii_leak" in card and "CC BY-ND 3.0 IGO" in card and "DSM" in card
    info = json.loads((out / "dataset_info.json").read_text())
    assert info["psyllm_train"]["file_name"] == "sharegpt/train.json"
    assert read_manifest(str(out))["complete"]


def test_export_of_no_dialogues_writes_valid_empty_splits(tmp_path):
    src = _filter_output(tmp_path, [])
    out = tmp_path / "sft"
    counts = run_export(load_config(None, ["tracking.enabled=false"]), str(src), str(out)).counts
    assert counts["dialogues"] == counts["groups"] == counts["posts"] == 0
    for split in ("train", "validation", "test"):
        assert json.loads((out / "sharegpt" / f"{split}.json").read_text()) == []
        assert (out / "messages" / f"{split}.jsonl").read_text() == "" and read_table(str(out / "parquet" / split)).num_rows == 0

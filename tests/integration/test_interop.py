"""PsyLLM's reproduction (conf/reproduce_psyllm.yaml) on CPU: OpenR1-Psy rows -> import -> filter -> export ->
its training recipe (Ray Train + ZeRO-3, 2 gloo workers) on multi-round dialogues under Qwen3's official chat
template, as one `psyllm run`, with only the GPU/cluster settings overridden; then the export's OpenR1-Psy,
messages and ShareGPT files import back to the same dialogues."""
from pathlib import Path

import pytest

from psyllm.cli import main
from psyllm.io.manifest import read_manifest
from psyllm.io.shards import read_table

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests" / "fixtures" / "interop" / "openr1_psy.jsonl"


def _trained_ids(out: Path) -> set:
    """Sample ids of the exported train and validation splits (the test split is never trained)."""
    return {r["sample_id"] for split in ("train", "validation")
            for r in read_table(str(out / "export" / "parquet" / split)).to_pylist()}


def _rounds(dialogues: list[dict]) -> set:
    return {tuple((r["client"], r["counselor_reasoning"], r["counselor_reply"]) for r in d["rounds"]) for d in dialogues}


# What a CPU machine cannot take from the GPU recipe; everything else is conf/reproduce_psyllm.yaml as shipped.
ON_CPU = ["runtime.address=null", "importer.hub_splits=[]", "train.model=psyllm-tiny", "train.use_gpu=false",
          "train.precision=auto", "train.attn_implementation=sdpa", "train.num_workers=2", "train.cpus_per_worker=1",
          "train.cutoff_len=1024", "train.seq_len=1024", "train.max_steps=3"]


def test_reproduction_recipe_trains_openr1_psy_under_qwen3s_template(ray_local, tmp_path, tracking_uri):
    out = tmp_path / "run"
    args = ["run", "-c", str(REPO / "conf/reproduce_psyllm.yaml"), "--input", str(FIXTURE), "--output", str(out),
            "pipeline.stages=[import,filter,export,train]", f"tracking.tracking_uri={tracking_uri}",
            "tracking.log_models=false", *ON_CPU]  # the logged model is test_train's; this test reads the folders
    assert main(args) == 0
    imported = read_manifest(str(out / "import"))["counts"]
    assert (imported["dialogues"], imported["quarantined"]) == (10, 3)
    kept = read_table(str(out / "filter" / "kept")).to_pylist()
    assert kept and all(len(d["rounds"]) >= 2 for d in kept)  # multi-round: Qwen3's template drops earlier thinking
    export = read_manifest(str(out / "export"))["counts"]
    assert export["dialogues"] == len(kept)
    train = read_manifest(str(out / "train"))
    t = train["counts"]
    assert train["chat_template"] == "qwen3" and t["reasoning_policy"] == "per_turn" and t["quarantined"] == 0
    assert t["samples"] == sum(len(d["rounds"]) for d in kept if d["sample_id"] in _trained_ids(out))
    assert t["steps"] == t["total_steps"] == 3 and t["export_check"]["ok"]
    assert (out / "train" / "model" / "model.safetensors").exists()

    # Round trip: every export layout imports back to the dialogues that were exported.
    for fmt, files in (("openr1-psy", "openr1-psy"), ("messages", "messages"), ("sharegpt", "sharegpt")):
        back = tmp_path / f"back-{fmt}"
        assert main(["import", "--format", fmt, "--input", str(out / "export" / files), "--output", str(back),
                     "--no-tracking"]) == 0
        again = read_table(str(back / "dialogues")).to_pylist()
        assert _rounds(again) == _rounds(kept), fmt
        if fmt == "openr1-psy":
            assert {d["post_id"] for d in again} == {d["post_id"] for d in kept}

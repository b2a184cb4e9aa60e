"""SFT throughput: the psyllm trainer (Ray Train + DeepSpeed ZeRO-3, packed rows) against a plain
single-process PyTorch loop (AdamW, the same packed rows, same model), in the same run.

    .venv/bin/python bench/train.py                                   # CPU: tiny local model, 2 gloo workers
    python bench/train.py --model DIR --device gpu --seq-len 2048 --micro-batch 8 --workers 1 --peak-tflops 989

Figures are trained (non-padding, labelled) tokens per second, averaged over steps after the first
(warm-up excluded on both sides). On GPU the table adds model-FLOPs utilisation (6 x params x tokens/s / peak).
"""
from __future__ import annotations

import argparse
import json
import os
import tempfile
import time

os.environ.setdefault("RAY_AUTH_MODE", "disabled")


def make_export(tmp: str, n: int) -> str:
    """An export-stage output of `n` generated dialogues (through the real export code)."""
    import random

    from psyllm.config import load_config
    from psyllm.ingest.fake_posts import make_post
    from psyllm.io.manifest import write_manifest
    from psyllm.io.shards import ShardWriter
    from psyllm.records import FILTERED_SCHEMA
    from psyllm.runtime.export import run_export

    rng = random.Random(0)
    rows = []
    for i in range(n):
        text = make_post(i, rng)["selftext"]
        rounds = [{"index": k, "focus": "f", "client": text[: 200 + 40 * k], "counselor_reasoning": "CBT. " + text[:300],
                   "counselor_reply": text[100:260], "approach": "CBT", "icd11_hypotheses": ["6B00"]} for k in range(3)]
        rows.append({"sample_id": f"s{i}", "post_id": f"p{i}", "sample_index": 0, "route": "standard",
                     "risk_level": "none", "plan_rounds": 3, "rounds": rounds, "reason_format": "think",
                     "prompt_versions": "{}", "models": "{}", "sampling": "{}", "seed": 0, "prompt_tokens": 0,
                     "completion_tokens": 0, "cluster_id": f"s{i}", "verdicts": "[]", "failures": []})
    src = os.path.join(tmp, "filtered")
    w = ShardWriter(os.path.join(src, "kept"), FILTERED_SCHEMA, 100000)
    w.write_rows(rows)
    write_manifest(src, {"stage": "filter", "fingerprint": "bench", "complete": True, "shards": {"kept": w.close()}})
    out = os.path.join(tmp, "export")
    run_export(load_config(None, ["tracking.enabled=false", "export.validation_fraction=0.05"]), src, out)
    return out


def plain_pytorch(args, export_dir: str) -> dict:
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from psyllm.io.shards import read_table
    from psyllm.training.packing import pack
    from psyllm.training.tokenize import Tokenized, tokenize_records

    tok = AutoTokenizer.from_pretrained(args.model)
    records = read_table(os.path.join(export_dir, "parquet", "train")).to_pylist()
    samples = [Tokenized(r["input_ids"], r["labels"]) for r in tokenize_records(records, tok, "per_turn", args.seq_len)
               if not r["reason"]]
    rows = pack(samples, args.seq_len, tok.pad_token_id)
    device = "cuda" if args.device == "gpu" else "cpu"
    model = AutoModelForCausalLM.from_pretrained(args.model, dtype=torch.float32).to(device)
    model.config.use_cache = False
    opt = torch.optim.AdamW(model.parameters(), lr=1e-5, fused=device == "cuda")
    rates, mb = [], args.micro_batch
    for step in range(min(args.steps, len(rows) // mb)):
        batch = rows[step * mb : (step + 1) * mb]
        t = {k: torch.tensor([r[k] for r in batch], device=device) for k in ("input_ids", "labels", "position_ids")}
        start = time.perf_counter()
        with torch.autocast(device, dtype=torch.bfloat16, enabled=device == "cuda"):
            loss = model(**t, use_cache=False).loss
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=True)
        if device == "cuda":
            torch.cuda.synchronize()
        rates.append(sum(r["trained"] for r in batch) / (time.perf_counter() - start))
    n_params = sum(p.numel() for p in model.parameters())
    return {"tokens_per_s": sum(rates[1:]) / max(1, len(rates) - 1), "steps": len(rates), "params": n_params}


def psyllm_trainer(args, export_dir: str, out: str) -> dict:
    from psyllm.config import load_config
    from psyllm.runtime.train import run_train

    cfg = load_config(None, [
        "tracking.enabled=false", f"train.model={args.model}", f"train.seq_len={args.seq_len}",
        f"train.cutoff_len={args.seq_len}", f"train.micro_batch_size={args.micro_batch}", "train.grad_accum=1",
        "train.epochs=1", f"train.max_steps={args.steps}", f"train.num_workers={args.workers}",
        f"train.use_gpu={args.device == 'gpu'}", f"train.save_steps={args.steps}", "train.eval_steps=0",
        f"train.peak_tflops={args.peak_tflops}", "train.lr=1e-5"])
    history = run_train(cfg, export_dir, out).manifest["history"]  # rank 0's per-step record
    rates = [h["trained_tokens_per_s"] for h in history[1:]]
    return {"tokens_per_s": sum(rates) / max(1, len(rates)), "steps": len(history)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model")
    ap.add_argument("--device", choices=["cpu", "gpu"], default="cpu")
    ap.add_argument("--dialogues", type=int, default=400)
    ap.add_argument("--seq-len", type=int, default=1024)
    ap.add_argument("--micro-batch", type=int, default=2)
    ap.add_argument("--steps", type=int, default=12)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--peak-tflops", type=float, default=0.0)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if not args.model:
            from psyllm.models.tiny import build_tiny_model

            args.model = str(build_tiny_model(os.path.join(tmp, "tiny")))
        export_dir = make_export(tmp, args.dialogues)
        plain = plain_pytorch(args, export_dir)
        ours = psyllm_trainer(args, export_dir, os.path.join(tmp, "train"))
    print(f"\nmodel {args.model} ({plain['params'] / 1e6:.1f}M params)  seq {args.seq_len}  micro-batch {args.micro_batch}"
          f"  workers {args.workers}  device {args.device}")
    print(f"{'trainer':<36} {'steps':>6} {'trained tok/s':>14}" + ("  MFU" if args.peak_tflops else ""))
    for name, r, world in (("plain PyTorch (1 process, AdamW)", plain, 1), (f"psyllm (Ray Train + ZeRO-3, {args.workers}w)", ours, args.workers)):
        mfu = f"  {6 * plain['params'] * r['tokens_per_s'] / (args.peak_tflops * 1e12 * world):.1%}" if args.peak_tflops else ""
        print(f"{name:<36} {r['steps']:>6} {r['tokens_per_s']:>14.0f}{mfu}")
    print(f"psyllm / plain trained tokens/s: {ours['tokens_per_s'] / plain['tokens_per_s']:.2f}")
    print(json.dumps({"plain": plain, "psyllm": ours}))


if __name__ == "__main__":
    main()

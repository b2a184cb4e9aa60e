"""Export's driver memory: the "driver" backend (groups from keys held in the driver, the kept table sorted there)
against the "ray" backend (groups, splits and rendering on Ray Data, rows streamed into the files).

    .venv/bin/python bench/export_scale.py --sizes 5000 10000 20000
    .venv/bin/python bench/export_scale.py --sizes 20000 --backends driver

Each size: generated kept dialogues (3 rounds, diverse text from psyllm.ingest.dup_load, two samples per post,
~10% near copies of an earlier dialogue's client turns) are written as a filter output, then each backend runs
`run_export` in its own subprocess. Driver peak RSS is that subprocess; total peak RSS adds its descendants (Ray's
processes), sampled every 50 ms; the driver's USS (unique set size) leaves out the shared pages of Ray's object store
that reading a block maps into it. Growth compares each size with the one before it.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.memory import run_sampled  # noqa: E402


def write_kept(src: str, n: int) -> None:
    from psyllm.ingest.dup_load import near_copy, original_text
    from psyllm.io.manifest import write_manifest
    from psyllm.io.shards import ShardWriter
    from psyllm.records import FILTERED_SCHEMA

    rng = random.Random(0)
    w = ShardWriter(os.path.join(src, "kept"), FILTERED_SCHEMA, 10_000)
    clients: list[list[str]] = []
    rows: list[dict] = []
    for i in range(n):
        if clients and rng.random() < 0.1:  # a near copy of an earlier dialogue's client turns (another post)
            turns = list(rng.choice(clients))
            turns[0] = near_copy(turns[0], rng)
        else:
            turns = [original_text(rng) for _ in range(3)]
        clients.append(turns)
        rounds = [{"index": k, "focus": "f", "client": turns[k],
                   "counselor_reasoning": original_text(rng), "counselor_reply": original_text(rng),
                   "approach": "CBT", "icd11_hypotheses": ["6B00"]} for k in range(3)]
        rows.append({"sample_id": f"s{i:08d}", "post_id": f"p{i // 2:08d}", "sample_index": i % 2,
                     "route": "standard", "risk_level": "none", "plan_rounds": 3, "rounds": rounds,
                     "reason_format": "think", "prompt_versions": "{}", "models": "{}", "sampling": "{}", "seed": 0,
                     "prompt_tokens": 0, "completion_tokens": 0, "cluster_id": f"s{i:08d}", "verdicts": "[]",
                     "failures": []})
        if len(rows) == 1000:
            w.write_rows(rows)
            rows = []
    w.write_rows(rows)
    write_manifest(src, {"stage": "filter", "fingerprint": f"bench-{n}", "complete": True,
                         "shards": {"kept": w.close()}})


def run_backend(backend: str, src: str, out: str, partitions: int) -> dict:
    """In the worker subprocess: one export with `backend` forced."""
    from psyllm.config import load_config
    from psyllm.runtime.export import run_export

    cfg = load_config(None, ["tracking.enabled=false", f"export.backend={backend}", f"export.partitions={partitions}",
                             "runtime.num_cpus=4"])
    start = time.perf_counter()
    counts = run_export(cfg, src, out).counts
    return {"export_s": time.perf_counter() - start, "groups": counts["groups"], "by_split": counts["by_split"]}


def measure(backend: str, src: str, out: str, partitions: int) -> dict:
    return run_sampled([sys.executable, __file__, "--worker", backend, "--src", src, "--out", out, "--partitions",
                        str(partitions)])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[5000, 10000, 20000])
    ap.add_argument("--backends", nargs="+", default=["driver", "ray"])
    ap.add_argument("--partitions", type=int, default=4)
    ap.add_argument("--worker"), ap.add_argument("--src"), ap.add_argument("--out")
    args = ap.parse_args()
    if args.worker:
        print(json.dumps(run_backend(args.worker, args.src, args.out, args.partitions)))
        return
    print("| dialogues | backend | seconds | export s | driver peak MiB | driver peak USS MiB | total peak MiB | groups "
          "| x driver RSS | x driver USS |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    before: dict[tuple[str, str], float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            src = os.path.join(tmp, f"filtered-{n}")
            write_kept(src, n)
            for backend in args.backends:
                r = measure(backend, src, os.path.join(tmp, f"export-{n}-{backend}"), args.partitions)
                growth = []
                for key in ("driver_mib", "driver_uss_mib"):
                    growth.append(f"{r[key] / before[backend, key]:.2f}" if (backend, key) in before else "")
                    before[backend, key] = r[key]
                print(f"| {n:,} | {backend} | {r['seconds']:.1f} | {r['export_s']:.1f} | {r['driver_mib']:,.0f} | "
                      f"{r['driver_uss_mib']:,.0f} | {r['total_mib']:,.0f} | {r['groups']:,} | {growth[0]} | "
                      f"{growth[1]} |", flush=True)


if __name__ == "__main__":
    main()

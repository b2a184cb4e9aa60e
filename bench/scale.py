"""Dedup at scale: the Ray Data clusters (psyllm.runtime.dedup) vs the single-driver reference
(psyllm.dedup.reference) on generated posts with injected exact, near and chained duplicates.

    .venv/bin/python bench/scale.py                      # 50k 100k 200k 400k
    .venv/bin/python bench/scale.py --sizes 50000 100000

Each size: psyllm.ingest.dup_load writes the posts, their dedup keys are computed as ingest stages them
(normalized text -> sha + MinHash, in a process pool: the per-post part, measured by bench/ingest.py), then each
backend runs in its own subprocess over the same keys Parquet and writes its verdicts. Driver peak RSS is the
subprocess itself; total peak RSS adds all its descendants (Ray's raylet, object store, workers), sampled every
50 ms. Recall and precision are against the injected truth: a duplicate counts when its representative is from
its injected cluster. Growth factors compare each size with the one before it (x2 per doubling is linear).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from multiprocessing import Pool
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.memory import run_sampled  # noqa: E402

BACKENDS = ("driver", "ray")


def _key_rows(lines: list[tuple[int, str]]) -> dict:
    from psyllm.config.schema import DedupConfig
    from psyllm.dedup.steps import node_key
    from psyllm.ingest.dedup import signature
    from psyllm.text.hygiene import normalized_key

    cfg, out = DedupConfig(), {"node": [], "post_id": [], "text_sha": [], "minhash": []}
    for n, line in lines:
        rec, key = json.loads(line), None
        key = normalized_key(rec["selftext"])
        out["node"].append(node_key("posts.jsonl", n))
        out["post_id"].append(rec["id"])
        out["text_sha"].append(hashlib.sha256(key.encode()).hexdigest()[:32])
        out["minhash"].append(signature(key, cfg))
    return out


def write_keys(posts: str, keys: str, workers: int = 2, chunk: int = 5000) -> None:
    from psyllm.dedup.steps import KEYS_SCHEMA

    with open(posts) as fh:
        lines = list(enumerate(fh, start=1))
    with Pool(workers) as pool, pq.ParquetWriter(keys, KEYS_SCHEMA) as writer:
        for cols in pool.imap(_key_rows, [lines[i : i + chunk] for i in range(0, len(lines), chunk)]):
            writer.write_table(pa.table(cols, schema=KEYS_SCHEMA))


def run_backend(kind: str, keys: str, out: str, partitions: int) -> dict:
    """In the worker subprocess: dedup the keys with one backend, write verdicts, report seconds."""
    from psyllm.config.schema import DedupConfig

    cfg = DedupConfig(backend=kind, partitions=partitions)
    if kind == "driver":
        from psyllm.dedup.reference import resolve

        start = time.perf_counter()
        pq.write_table(resolve(pq.read_table(keys), cfg), out)
        return {"dedup_s": time.perf_counter() - start}
    import ray
    import ray.data

    from psyllm.runtime.dedup import find_duplicates

    ray.init(num_cpus=4, include_dashboard=False, log_to_driver=False)
    ray.data.DataContext.get_current().enable_progress_bars = False
    start = time.perf_counter()
    find_duplicates(ray.data.read_parquet(keys), cfg).write_parquet(out)
    return {"dedup_s": time.perf_counter() - start}


def measure(kind: str, keys: str, out: str, partitions: int) -> dict:
    return run_sampled([sys.executable, __file__, "--worker", kind, "--keys", keys, "--out", out, "--partitions",
                        str(partitions)])


def score(verdicts_path: str, truth: dict[int, int]) -> dict:
    """Recall and precision of flagged duplicates against the injected clusters."""
    t = pq.read_table(verdicts_path, columns=["node", "duplicate_of"])
    line_of = lambda pid: int(pid[3:], 16)  # noqa: E731 - ids are t3_<line in hex> (psyllm.ingest.dup_load)
    flagged = correct = 0
    for node, dup in zip(t["node"].to_pylist(), t["duplicate_of"].to_pylist()):
        if dup is not None:
            line = int(node.rsplit("\x1f", 1)[1])
            flagged += 1
            correct += truth[line] == truth[line_of(dup)]
    injected = sum(1 for line, src in truth.items() if line != src)
    return {"flagged": flagged, "injected": injected, "recall": correct / max(injected, 1),
            "precision": correct / max(flagged, 1), "rows": t.num_rows}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[50_000, 100_000, 200_000, 400_000])
    ap.add_argument("--workdir", default="/tmp/psyllm-bench-scale")
    ap.add_argument("--worker", choices=BACKENDS)
    ap.add_argument("--keys")
    ap.add_argument("--out")
    ap.add_argument("--partitions", type=int, default=4, help="dedup.partitions: ~2x the cores")
    args = ap.parse_args()
    if args.worker:
        print(json.dumps(run_backend(args.worker, args.keys, args.out, args.partitions)))
        return
    from psyllm.ingest.dup_load import write_load

    os.makedirs(args.workdir, exist_ok=True)
    results = []
    for n in args.sizes:
        posts, keys = f"{args.workdir}/posts_{n}.jsonl", f"{args.workdir}/keys_{n}.parquet"
        load = write_load(posts, n, seed=n)  # deterministic: the keys of an earlier run are reused
        if not os.path.exists(keys):
            t0 = time.perf_counter()
            write_keys(posts, keys + ".tmp")
            os.rename(keys + ".tmp", keys)
            print(f"{n}: keys in {time.perf_counter() - t0:.0f} s", flush=True)
        row = {}
        for kind in BACKENDS:
            out = f"{args.workdir}/verdicts_{kind}_{n}"
            row[kind] = measure(kind, keys, out, args.partitions) | score(out, load.truth)
            print(n, kind, json.dumps(row[kind]), flush=True)
        results.append((n, row))
    table(results)


def table(results: list) -> None:
    print(f"\n{'posts':>7} {'backend':>7} {'seconds':>8} {'dedup s':>8} {'posts/s':>8} {'driver MiB':>10} "
          f"{'total MiB':>9} {'recall':>7} {'precision':>9} {'x time':>7} {'x driver':>8}")
    prev = None
    for n, row in results:
        for kind in BACKENDS:
            r = row[kind]
            growth = (f"{r['dedup_s'] / prev[kind]['dedup_s']:>7.2f} {r['driver_mib'] / prev[kind]['driver_mib']:>8.2f}"
                      if prev else f"{'':>7} {'':>8}")
            print(f"{n:>7} {kind:>7} {r['seconds']:>8.1f} {r['dedup_s']:>8.1f} {n / r['dedup_s']:>8.0f} "
                  f"{r['driver_mib']:>10.0f} {r['total_mib']:>9.0f} {r['recall']:>7.4f} {r['precision']:>9.4f} {growth}")
        prev = row


if __name__ == "__main__":
    main()

"""Ingest throughput and peak memory: psyllm on Ray Data vs a single-process pandas baseline.

    .venv/bin/python bench/ingest.py --sizes 20000 40000
    .venv/bin/python bench/ingest.py --reddit-dump --sizes 20000 40000

Both run the same per-post work (PostProcessor: parse, clean, language, de-id, triage, MinHash) and the same
dedup resolver on the same generated file, each in its own subprocess. Peak memory is the largest sum of RSS
over the subprocess and all its descendants (Ray's workers included), sampled every 50 ms. Prints a table of
posts/s, seconds and peak MiB, with psyllm/pandas ratios and the 2x-input scaling of each.

`--reddit-dump` instead writes a Reddit submissions dump as Pushshift / Arctic Shift publish it (`RS_2024-01.zst`:
Reddit's fields, some removed, deleted, link and over_18 submissions, zstandard with a 2 GiB window) at each size
into a temporary folder and ingests it through psyllm alone, streaming: peak memory should not grow with the dump.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]


def run_psyllm(inp: str, out: str) -> dict:
    from psyllm.config import load_config
    from psyllm.runtime.ingest import run_ingest

    cfg = load_config(None, ["tracking.enabled=false", "runtime.batch_size=1000"])
    result = run_ingest(cfg, inp, out)
    c = result.counts
    return {"kept": c["kept"], "read": c["read"], "quarantined": c["quarantined"], "duplicates": c["duplicates"],
            "by_reason": {k: v for k, v in c["by_reason"].items() if v}, "chars": c["chars"]}


def run_pandas(inp: str, out: str) -> dict:
    """The same work, one process: pandas frame of raw lines -> apply -> exact + near dedup -> parquet."""
    import pandas as pd
    import pyarrow as pa

    from psyllm.config.schema import IngestConfig, SafetySettings
    from psyllm.dedup.reference import resolve
    from psyllm.ingest.finalize import staged_keys
    from psyllm.ingest.processor import PostProcessor
    from psyllm.io.readers import iter_raw_rows

    cfg = IngestConfig()
    raw = pd.DataFrame(iter_raw_rows(inp))
    processor = PostProcessor(cfg, SafetySettings().route_at)
    staged = pd.DataFrame(list(raw.apply(lambda r: processor.process(r.to_dict()), axis=1)))
    kept = staged[staged["outcome"] == "kept"]
    verdicts = resolve(staged_keys(pa.Table.from_pandas(kept, preserve_index=False)), cfg.dedup)
    keep_mask = [d is None for d in verdicts.sort_by("node")["duplicate_of"].to_pylist()]
    posts = kept.sort_values(["source_file", "line"])[keep_mask]
    posts = posts.drop(columns=["minhash", "outcome", "reason", "detail", "snippet"])
    os.makedirs(out, exist_ok=True)
    posts.to_parquet(os.path.join(out, "posts.parquet"))
    staged[staged["outcome"] != "kept"][["source_file", "line", "reason"]].to_parquet(os.path.join(out, "q.parquet"))
    return {"kept": int(len(posts)), "read": int(len(raw))}


def measure(kind: str, inp: str, out: str) -> dict:
    """Run one worker subprocess; return its seconds, result and peak tree RSS."""
    env = dict(os.environ, RAY_AUTH_MODE="disabled", PYTHONPATH=str(REPO))
    cmd = [sys.executable, __file__, "--worker", kind, "--input", inp, "--output", out]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    parent, peak = psutil.Process(proc.pid), 0
    while proc.poll() is None:
        try:
            procs = [parent, *parent.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in procs if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(0.05)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{kind} worker failed with {proc.returncode}")
    result = json.loads(proc.stdout.read().strip().splitlines()[-1])
    return dict(result, seconds=seconds, peak_mib=peak / 2**20)


def reddit_dump_bench(sizes: list[int]) -> None:
    """Ingest generated `RS_2024-01.zst` dumps of each size; print posts, compressed MiB, time, peak memory."""
    from psyllm.ingest.fake_dump import write_reddit_dump

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            os.makedirs(folder := os.path.join(tmp, f"dump_{n}"))
            inp = os.path.join(folder, "RS_2024-01.zst")  # one name at every size, as a month's dump is named
            raw_bytes = write_reddit_dump(inp, n, seed=n)
            res = measure("psyllm", inp, os.path.join(tmp, f"out_{n}"))
            chars = res["chars"]
            assert res["read"] == n and chars["input"] == chars["kept"] + sum(chars["dropped"].values())
            rows.append((n, os.path.getsize(inp) / 2**20, raw_bytes / 2**20, res))
    print(f"\n{'posts':>7} {'zst MiB':>8} {'raw MiB':>8} {'seconds':>8} {'posts/s':>8} {'peak MiB':>9} {'kept':>7}"
          "  quarantined")
    for n, mib, raw_mib, r in rows:
        print(f"{n:>7} {mib:>8.1f} {raw_mib:>8.1f} {r['seconds']:>8.1f} {n / r['seconds']:>8.0f} {r['peak_mib']:>9.0f}"
              f" {r['kept']:>7}  {r['by_reason']}")
    if len(rows) >= 2:
        (n0, _, _, a), (n1, _, _, b) = rows[0], rows[-1]
        print(f"scaling: input x{n1 / n0:.1f} -> time x{b['seconds'] / a['seconds']:.2f}, "
              f"peak memory x{b['peak_mib'] / a['peak_mib']:.2f}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[20000, 40000])
    ap.add_argument("--reddit-dump", action="store_true", help="ingest generated RS_*.zst dumps, psyllm only")
    ap.add_argument("--worker", choices=["psyllm", "pandas"])
    ap.add_argument("--input")
    ap.add_argument("--output")
    args = ap.parse_args()
    if args.worker:
        fn = run_psyllm if args.worker == "psyllm" else run_pandas
        print(json.dumps(fn(args.input, args.output)))
        return
    if args.reddit_dump:
        reddit_dump_bench(args.sizes)
        return

    from psyllm.ingest.fake_posts import write_posts

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            inp = os.path.join(tmp, f"posts_{n}.jsonl")
            write_posts(inp, n, seed=n)
            res = {kind: measure(kind, inp, os.path.join(tmp, f"{kind}_{n}")) for kind in ("pandas", "psyllm")}
            assert res["pandas"]["kept"] == res["psyllm"]["kept"], "the two runs disagree on kept posts"
            rows.append((n, res))
    print(f"\n{'posts':>7} {'impl':>7} {'seconds':>8} {'posts/s':>8} {'peak MiB':>9} {'kept':>7}")
    for n, res in rows:
        for kind in ("pandas", "psyllm"):
            r = res[kind]
            print(f"{n:>7} {kind:>7} {r['seconds']:>8.1f} {n / r['seconds']:>8.0f} {r['peak_mib']:>9.0f} {r['kept']:>7}")
        print(f"{'':>7} {'ratio':>7} {'':>8} {res['psyllm']['seconds'] and res['pandas']['seconds'] / res['psyllm']['seconds']:>8.2f}x"
              f" {res['psyllm']['peak_mib'] / res['pandas']['peak_mib']:>8.2f}x   (psyllm vs pandas: throughput, memory)")
    if len(rows) >= 2:
        (n0, a), (n1, b) = rows[0], rows[-1]
        for kind in ("pandas", "psyllm"):
            print(f"scaling {kind}: input x{n1 / n0:.1f} -> time x{b[kind]['seconds'] / a[kind]['seconds']:.2f}, "
                  f"peak memory x{b[kind]['peak_mib'] / a[kind]['peak_mib']:.2f}")


if __name__ == "__main__":
    main()

"""A duplicate fixture with exact, near and chained duplicates (A~B, B~C, A!~C), a post id shared by two texts
and a copy in a second file: used by the unit tests and by the distributed == reference integration test."""
from __future__ import annotations

import hashlib
import random

import pyarrow as pa

from psyllm.config.schema import DedupConfig
from psyllm.dedup.steps import KEYS_SCHEMA, node_key
from psyllm.ingest.dedup import signature
from psyllm.ingest.dup_load import original_text
from psyllm.text.hygiene import normalized_key


def _texts() -> dict[str, str]:
    rng = random.Random(5)
    a = " ".join(original_text(rng).split()[:60]).split()
    b = a[:15] + ["zzq", "yyq", "xxq", "wwq"] + a[19:]
    c = b[:40] + ["qqa", "qqb", "qqc", "qqd"] + b[44:]
    return {"A": " ".join(a), "B": " ".join(b), "C": " ".join(c),
            "D": original_text(rng), "E": original_text(rng)}


# (file, line, post id, text): B is A with 4 words changed (similarity 0.77), C is B with 4 more (0.82 to B,
# 0.62 to A: below the 0.7 threshold, so only the chain joins it to A's cluster).
def rows() -> list[tuple[str, int, str, str]]:
    t = _texts()
    return [("a.jsonl", 1, "p1", t["A"]), ("a.jsonl", 2, "p2", t["A"].upper()), ("a.jsonl", 3, "p3", t["D"]),
            ("a.jsonl", 4, "p4", t["B"]), ("a.jsonl", 5, "p5", t["C"]), ("a.jsonl", 6, "p6", t["C"]),
            ("a.jsonl", 7, "p3", t["E"]), ("a.jsonl", 10, "p10", t["E"] + " Thanks."), ("b.jsonl", 1, "p1", t["A"])]


def keys_table(cfg: DedupConfig, data=None) -> pa.Table:
    """The dedup keys of `data` (default: `rows()`) as ingest stages them."""
    out = {"node": [], "post_id": [], "text_sha": [], "minhash": []}
    for file, line, pid, text in data or rows():
        key = normalized_key(text)
        out["node"].append(node_key(file, line))
        out["post_id"].append(pid)
        out["text_sha"].append(hashlib.sha256(key.encode()).hexdigest()[:32])
        out["minhash"].append(signature(key, cfg))
    return pa.table(out, schema=KEYS_SCHEMA)

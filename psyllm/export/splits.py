"""Train/validation/test splits by post, with similar dialogues kept together so nothing leaks across."""
from __future__ import annotations

import hashlib

from psyllm.config.schema import DedupConfig
from psyllm.ingest.dedup import minhash, signature
from psyllm.ingest.hygiene import normalized_key

SPLITS = ("train", "validation", "test")


class _UnionFind:
    def __init__(self):
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def groups(dialogues: list[dict], threshold: float) -> dict[str, str]:
    """sample_id -> group: samples of one post share a group, and so do dialogues whose client turns are
    near duplicates (MinHash LSH at `threshold`), transitively."""
    from datasketch import MinHashLSH

    cfg = DedupConfig(threshold=threshold, shingle_words=3)
    uf, lsh = _UnionFind(), MinHashLSH(threshold=threshold, num_perm=cfg.num_perm, weights=(0.1, 0.9))
    for d in sorted(dialogues, key=lambda d: d["sample_id"]):
        post, sample = f"post:{d['post_id']}", f"sample:{d['sample_id']}"
        uf.union(post, sample)
        if d.get("cluster_id"):
            uf.union(sample, f"sample:{d['cluster_id']}")
        mh = minhash(signature(normalized_key(" ".join(r["client"] for r in d["rounds"])), cfg), cfg)
        for other in lsh.query(mh):
            uf.union(sample, other)
        lsh.insert(sample, mh)
    return {d["sample_id"]: uf.find(f"sample:{d['sample_id']}") for d in dialogues}


def assign_splits(group_ids: list[str], validation: float, test: float, seed: int) -> dict[str, str]:
    """group -> split. Groups are ordered by a seeded hash; the first go to test, the next to validation.
    With at least three groups, validation and test each get at least one."""
    unique = sorted(set(group_ids), key=lambda g: hashlib.sha256(f"{seed}\x1f{g}".encode()).hexdigest())
    n = len(unique)
    n_test = max(1, round(test * n)) if n >= 3 and test > 0 else 0
    n_val = max(1, round(validation * n)) if n >= 3 and validation > 0 else 0
    out = {}
    for i, g in enumerate(unique):
        out[g] = "test" if i < n_test else "validation" if i < n_test + n_val else "train"
    return out

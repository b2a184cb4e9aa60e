"""Near-duplicate dialogues (MinHash over the client and counselor text), one kept per cluster.

Clusters are those of psyllm.dedup (connected components, the earliest sample id represents): found on Ray Data
(psyllm.runtime.filter); `resolve_in_driver` is the same in one process (the reference).
"""
from __future__ import annotations

import pyarrow as pa

from psyllm.config.schema import DedupConfig, DialogueDedupConfig
from psyllm.dedup.reference import resolve
from psyllm.dedup.steps import KEYS_SCHEMA
from psyllm.filters.base import dialogue_text
from psyllm.ingest.dedup import signature
from psyllm.text.hygiene import normalized_key

def as_dedup(cfg: DialogueDedupConfig) -> DedupConfig:
    return DedupConfig(exact=True, near=True, threshold=cfg.threshold, num_perm=cfg.num_perm,
                       shingle_words=cfg.shingle_words, seed=cfg.seed)


def dialogue_signature(d: dict, cfg: DialogueDedupConfig) -> tuple[str, bytes]:
    key = normalized_key(dialogue_text(d))
    return key, signature(key, as_dedup(cfg))


def candidate_keys(batch: pa.Table) -> pa.Table:
    """Dedup keys of the dialogues that passed every earlier filter, keyed (and ordered) by sample id."""
    rows = [r for r in batch.select(["sample_id", "text_sha", "minhash", "failures"]).to_pylist() if not r["failures"]]
    return pa.table({"node": [r["sample_id"] for r in rows], "post_id": [r["sample_id"] for r in rows],
                     "text_sha": [r["text_sha"] for r in rows], "minhash": [r["minhash"] for r in rows]},
                    schema=KEYS_SCHEMA)


def keyed_verdicts(verdicts: pa.Table) -> pa.Table:
    """Duplicates only, keyed by sample id, to meet their rows."""
    dups = verdicts.filter(pa.compute.is_valid(verdicts["duplicate_of"]))
    return pa.table({"key": dups["node"], "dup_of": dups["duplicate_of"], "dup_similarity": dups["similarity"]})


def resolve_in_driver(keys: list[pa.Table], cfg: DialogueDedupConfig) -> dict:
    """The "driver" backend: sample_id -> (duplicate_of, similarity), resolved in one process."""
    v = keyed_verdicts(resolve(pa.concat_tables(keys, promote_options="default"), as_dedup(cfg), rename=False))
    return {k: (d, s) for k, d, s in zip(v["key"].to_pylist(), v["dup_of"].to_pylist(), v["dup_similarity"].to_pylist())}

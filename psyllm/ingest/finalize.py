"""The second ingest pass: collapse duplicates over all staged posts and write the final outputs.

Runs without Ray: it streams the staged shards twice (keys, then rows), so memory holds only the dedup
index (hashes and 512-byte signatures), never the texts.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
from tqdm.auto import tqdm

from psyllm.config.schema import DedupConfig
from psyllm.ingest.dedup import DuplicateResolver, Verdict
from psyllm.safety import LEVELS
from psyllm.io.shards import ShardWriter, iter_batches
from psyllm.records import DUPLICATE_SCHEMA, POST_SCHEMA

_KEY_COLUMNS = ["source_file", "line", "post_id", "text_sha", "minhash"]


@dataclass
class Resolution:
    verdicts: dict[tuple[str, int], Verdict] = field(default_factory=dict)
    renamed: dict[tuple[str, int], str] = field(default_factory=dict)


def resolve_duplicates(staging_uri: str, cfg: DedupConfig, storage=None) -> Resolution:
    """Walk staged posts in input order (file, line); record duplicates and id renames."""
    files, lines, ids, shas, sigs = [], [], [], [], []
    for batch in iter_batches(staging_uri, storage, columns=_KEY_COLUMNS):
        cols = batch.to_pydict()
        files += cols["source_file"]
        lines += cols["line"]
        ids += cols["post_id"]
        shas += cols["text_sha"]
        sigs += cols["minhash"]
    order = np.lexsort((np.asarray(lines, dtype=np.int64), np.asarray(files, dtype=object)))
    resolver, out = DuplicateResolver(cfg), Resolution()
    for i in tqdm(order, desc="dedup", unit="post", disable=len(order) < 5000):
        key = (files[i], int(lines[i]))
        post_id = resolver.unique_id(ids[i], shas[i])
        if post_id != ids[i]:
            out.renamed[key] = post_id
        verdict = resolver.add(post_id, shas[i], sigs[i])
        if verdict is not None:
            out.verdicts[key] = verdict
    return out


def write_final(
    staging_uri: str, out_uri: str, resolution: Resolution, shard_rows: int, storage=None
) -> tuple[dict, dict, Counter]:
    """Stream staged posts into `posts/` and `duplicates/`; return their shard lists, kept-post counts and
    the input characters of kept posts (`kept`) and of each kind of duplicate (`exact_duplicate`, ...)."""
    by_risk: Counter = Counter()
    by_route: Counter = Counter()
    chars: Counter = Counter()
    posts = ShardWriter(f"{out_uri}/posts", POST_SCHEMA, shard_rows, storage)
    dups = ShardWriter(f"{out_uri}/duplicates", DUPLICATE_SCHEMA, shard_rows, storage)
    for batch in iter_batches(staging_uri, storage, columns=[*POST_SCHEMA.names, "chars"]):
        rows = batch.to_pylist()
        kept, dup_rows = [], []
        for row in rows:
            key = (row["source_file"], row["line"])
            row["post_id"] = resolution.renamed.get(key, row["post_id"])
            verdict = resolution.verdicts.get(key)
            chars[f"{verdict.kind}_duplicate" if verdict else "kept"] += row["chars"]
            if verdict is None:
                kept.append(row)
                by_risk[row["risk_level"]] += 1
                by_route[row["route"]] += 1
            else:
                dup_rows.append({
                    "post_id": row["post_id"], "duplicate_of": verdict.duplicate_of, "kind": verdict.kind,
                    "similarity": verdict.similarity, "source_file": row["source_file"], "line": row["line"],
                })
        posts.write_batch(pa.RecordBatch.from_pylist(kept, schema=POST_SCHEMA))
        dups.write_rows(dup_rows)
    counts = {"by_risk_level": {lvl: by_risk.get(lvl, 0) for lvl in LEVELS}, "by_route": dict(by_route)}
    return {"posts": posts.close(), "duplicates": dups.close()}, counts, chars

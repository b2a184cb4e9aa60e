"""The second ingest pass: duplicate clusters over all staged posts (psyllm.dedup), then the final outputs.

Both backends give the same verdicts. "ray" (psyllm.runtime.ingest) joins them onto the staged rows in Ray Data
shuffles, so the driver only streams finished rows into shards; "driver" resolves here in one process, holding
the keys and signatures of every post (psyllm.dedup.reference).
"""
from __future__ import annotations

from collections import Counter
from typing import Iterable

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from psyllm.config.schema import DedupConfig
from psyllm.dedup.reference import resolve
from psyllm.dedup.steps import KEYS_SCHEMA, frame, node_key
from psyllm.io.shards import ShardWriter, iter_batches
from psyllm.records import DUPLICATE_SCHEMA, POST_SCHEMA, STAGED_SCHEMA
from psyllm.safety import LEVELS

KEY_COLUMNS = ["source_file", "line", "post_id", "text_sha", "minhash"]
ROW_COLUMNS = [*POST_SCHEMA.names, "chars"]
_VERDICT_COLS = ["final_id", "duplicate_of", "kind", "similarity"]
ROW_UNION = pa.schema([*(STAGED_SCHEMA.field(c) for c in ROW_COLUMNS), pa.field("key", pa.string()),
                       pa.field("final_id", pa.string()), pa.field("duplicate_of", pa.string()),
                       pa.field("kind", pa.string()), pa.field("similarity", pa.float64())])
ANNOTATED_SCHEMA = pa.schema([*POST_SCHEMA, pa.field("chars", pa.int64()), pa.field("duplicate_of", pa.string()),
                              pa.field("kind", pa.string()), pa.field("similarity", pa.float64())])


def _nodes(batch: pa.Table) -> list[str]:
    return [node_key(f, n) for f, n in zip(batch["source_file"].to_pylist(), batch["line"].to_pylist())]


def staged_keys(batch: pa.Table) -> pa.Table:
    """What dedup needs of a staged post, keyed by its place in the input."""
    return pa.table({"node": _nodes(batch), "post_id": batch["post_id"], "text_sha": batch["text_sha"],
                     "minhash": batch["minhash"]}, schema=KEYS_SCHEMA)


def keyed_rows(batch: pa.Table) -> pa.Table:
    """Staged rows keyed by node, to meet their verdict."""
    return batch.select(ROW_COLUMNS).append_column("key", pa.array(_nodes(batch), pa.string()))


def keyed_verdicts(verdicts: pa.Table) -> pa.Table:
    return verdicts.select(["node", "post_id", "duplicate_of", "kind", "similarity"]).rename_columns(
        ["key", *_VERDICT_COLS])


def annotate(block: pa.Table) -> pa.Table:
    """Staged rows meet their verdicts by node: the final post id and, for a duplicate, whom it duplicates."""
    df = frame(block, ["key", *ROW_COLUMNS, *_VERDICT_COLS])
    rows, verdicts = df[df["source_file"].notna()], df[df["source_file"].isna()]
    return _annotated(rows.drop(columns=_VERDICT_COLS).merge(verdicts[["key", *_VERDICT_COLS]], on="key"))


def _annotated(df: pd.DataFrame) -> pa.Table:
    df = df.assign(post_id=df["final_id"])
    return pa.Table.from_pandas(df[ANNOTATED_SCHEMA.names], schema=ANNOTATED_SCHEMA, preserve_index=False)


def annotated_in_driver(staging_uri: str, cfg: DedupConfig, storage=None) -> Iterable[pa.Table]:
    """The "driver" backend: resolve every staged key here, then stream the staged rows with their verdicts."""
    keys = [staged_keys(b) for b in iter_batches(staging_uri, storage, columns=KEY_COLUMNS)]
    verdicts = keyed_verdicts(resolve(pa.concat_tables(keys), cfg)).to_pandas().set_index("key")
    for batch in iter_batches(staging_uri, storage, columns=ROW_COLUMNS):
        rows = keyed_rows(pa.Table.from_batches([batch]) if isinstance(batch, pa.RecordBatch) else batch)
        df = rows.to_pandas()
        yield _annotated(df.join(verdicts[_VERDICT_COLS], on="key"))


def write_final(batches: Iterable[pa.Table], out_uri: str, shard_rows: int, storage=None) -> tuple[dict, dict, Counter]:
    """Stream annotated rows into `posts/` and `duplicates/`; return their shard lists, kept-post counts and the
    input characters of kept posts (`kept`) and of each kind of duplicate (`exact_duplicate`, ...). Memory holds
    one batch and a few counters."""
    by_risk: Counter = Counter()
    by_route: Counter = Counter()
    chars: Counter = Counter()
    posts = ShardWriter(f"{out_uri}/posts", POST_SCHEMA, shard_rows, storage)
    dups = ShardWriter(f"{out_uri}/duplicates", DUPLICATE_SCHEMA, shard_rows, storage)
    for batch in batches:
        is_dup = pc.is_valid(batch["duplicate_of"])
        kept, dup = batch.filter(pc.invert(is_dup)), batch.filter(is_dup)
        posts.write_batch(kept.select(POST_SCHEMA.names))
        dups.write_batch(dup.select(DUPLICATE_SCHEMA.names))
        chars["kept"] += pc.sum(kept["chars"]).as_py() or 0
        for kind, n in zip(dup["kind"].to_pylist(), dup["chars"].to_pylist()):
            chars[f"{kind}_duplicate"] += n
        by_risk.update(kept["risk_level"].to_pylist())
        by_route.update(kept["route"].to_pylist())
    counts = {"by_risk_level": {lvl: by_risk.get(lvl, 0) for lvl in LEVELS}, "by_route": dict(by_route)}
    return {"posts": posts.close(), "duplicates": dups.close()}, counts, chars

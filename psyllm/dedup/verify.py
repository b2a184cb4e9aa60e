"""Verifying candidate pairs against the threshold in two keyed steps, so no step needs every signature:
first each pair meets the signature of its smaller node, then that of its larger one."""
from __future__ import annotations

import pandas as pd
import pyarrow as pa

from psyllm.dedup.bands import signature_matrix, similarity
from psyllm.dedup.steps import frame

# A representative as the verification steps meet it (rows with a null `other`).
SIDE_SCHEMA = pa.schema([("key", pa.string()), ("minhash", pa.binary()), ("post_id", pa.string()),
                         ("text_sha", pa.string())])
CARRIED_SCHEMA = pa.schema([("key", pa.string()), ("other", pa.string()), ("other_minhash", pa.binary()),
                            ("other_post_id", pa.string()), ("other_sha", pa.string())])
EDGE_SCHEMA = pa.schema([("a", pa.string()), ("b", pa.string()), ("similarity", pa.float64()),
                         ("a_post_id", pa.string()), ("a_sha", pa.string()), ("a_minhash", pa.binary()),
                         ("b_post_id", pa.string()), ("b_sha", pa.string()), ("b_minhash", pa.binary())])


PAIR_UNION = pa.schema([("key", pa.string()), ("other", pa.string()), *list(SIDE_SCHEMA)[1:]])
SCORE_UNION = pa.schema([*CARRIED_SCHEMA, *list(SIDE_SCHEMA)[1:]])


def sides(keyed: pa.Table) -> pa.Table:
    """The exact representatives of a keyed block, shaped to meet pairs by `key`."""
    reps = keyed.filter(pa.compute.equal(keyed["node"], keyed["xrep"]))
    return pa.table({"key": reps["node"], "minhash": reps["minhash"], "post_id": reps["post_id"],
                     "text_sha": reps["text_sha"]}, schema=SIDE_SCHEMA)


def _split(block: pa.Table, pair_cols: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    df = frame(block, [*pair_cols, *SIDE_SCHEMA.names])
    is_pair = df["other"].notna()
    return df.loc[is_pair, pair_cols], df.loc[~is_pair, SIDE_SCHEMA.names]


def carry_smaller(block: pa.Table) -> pa.Table:
    """Pairs (key=a, other=b) meet a's signature; re-keyed by b, they carry it (each pair once)."""
    pairs, reps = _split(block, ["key", "other"])
    df = pairs.drop_duplicates().merge(reps, on="key")
    out = pd.DataFrame({"key": df["other"], "other": df["key"], "other_minhash": df["minhash"],
                        "other_post_id": df["post_id"], "other_sha": df["text_sha"]})
    return pa.Table.from_pandas(out, schema=CARRIED_SCHEMA, preserve_index=False)


def score_pairs(block: pa.Table, threshold: float, num_perm: int) -> pa.Table:
    """Pairs that carry a's signature meet b's (by key = b): the edges whose similarity reaches `threshold`."""
    pairs, reps = _split(block, CARRIED_SCHEMA.names)
    df = pairs.merge(reps, on="key")
    sim = similarity(signature_matrix(list(df["other_minhash"]), num_perm),
                     signature_matrix(list(df["minhash"]), num_perm))
    df = df.assign(similarity=sim)[sim >= threshold]
    out = pd.DataFrame({"a": df["other"], "b": df["key"], "similarity": df["similarity"],
                        "a_post_id": df["other_post_id"], "a_sha": df["other_sha"], "a_minhash": df["other_minhash"],
                        "b_post_id": df["post_id"], "b_sha": df["text_sha"], "b_minhash": df["minhash"]})
    return pa.Table.from_pandas(out, schema=EDGE_SCHEMA, preserve_index=False)

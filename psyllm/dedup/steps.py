"""The block-local steps of duplicate clustering. Each takes an Arrow table that holds whole groups of the key it
works on (one hash partition on Ray Data; the whole input in the reference) and returns an Arrow table.

Rows are keyed by `node`: a string whose order is input order (see `node_key`), unique per row.
"""
from __future__ import annotations

import hashlib
from itertools import combinations

import numpy as np
import pandas as pd
import pyarrow as pa

from psyllm.dedup.bands import band_keys, signature_matrix, similarity

KEYS_SCHEMA = pa.schema([("node", pa.string()), ("post_id", pa.string()), ("text_sha", pa.string()),
                         ("minhash", pa.binary())])
KEYED_SCHEMA = KEYS_SCHEMA.append(pa.field("xrep", pa.string())).append(pa.field("xrep_post_id", pa.string()))
PAIRS_SCHEMA = pa.schema([("key", pa.string()), ("other", pa.string())])
# A cluster label travels with what the verdict needs of the representative it names.
LABEL_SCHEMA = pa.schema([("node", pa.string()), ("label", pa.string()), ("label_post_id", pa.string()),
                          ("label_sha", pa.string()), ("label_minhash", pa.binary())])
VERDICT_SCHEMA = pa.schema([("node", pa.string()), ("post_id", pa.string()), ("duplicate_of", pa.string()),
                            ("kind", pa.string()), ("similarity", pa.float64())])
_LABEL_COLS = LABEL_SCHEMA.names[1:]
# Members (keyed by exact representative) and cluster labels (keyed by node) meeting in `verdicts`.
MEMBER_UNION = pa.schema([*KEYED_SCHEMA, pa.field("key", pa.string()), *list(LABEL_SCHEMA)[1:]])


def node_key(source_file: str, line: int) -> str:
    """Sorts as (file, line) does: the unit separator sorts below every printable character."""
    return f"{source_file}\x1f{line:012d}"


def frame(block: pa.Table, columns: list[str]) -> pd.DataFrame:
    """A block as pandas with every one of `columns`: a partition of a union may hold rows of one side only,
    and then lacks the other side's columns."""
    df = block.to_pandas()
    for col in columns:
        if col not in df:
            df[col] = None
    return df


def conform(block: pa.Table, schema: pa.Schema) -> pa.Table:
    """`block` with exactly `schema`'s columns (missing ones null): both sides of a union must share one schema,
    since a hash shuffle concatenates the pieces of a partition as they are."""
    cols = [block[f.name].cast(f.type) if f.name in block.column_names else pa.nulls(block.num_rows, f.type)
            for f in schema]
    return pa.Table.from_arrays(cols, schema=schema)


def _table(df: pd.DataFrame, schema: pa.Schema) -> pa.Table:
    return pa.Table.from_pandas(df[schema.names], schema=schema, preserve_index=False)


def rename_ids(block: pa.Table) -> pa.Table:
    """Two different texts under one post id must not collide: the text of the id's first row keeps it, every
    other text gets a suffixed id (rows with the owner's text keep the id: they are exact duplicates)."""
    df = frame(block, KEYS_SCHEMA.names)[KEYS_SCHEMA.names].sort_values("node", kind="stable")
    owner = df.groupby("post_id", sort=False)["text_sha"].transform("first")
    clash = df["text_sha"] != owner
    df.loc[clash, "post_id"] = [hashlib.sha256(f"{p}\x1f{s}".encode()).hexdigest()[:16]
                                for p, s in zip(df.loc[clash, "post_id"], df.loc[clash, "text_sha"])]
    return _table(df, KEYS_SCHEMA)


def mark_exact(block: pa.Table, exact: bool = True) -> pa.Table:
    """Each row's exact representative (`xrep`): the first row with its text hash (itself when `exact` is off)."""
    df = frame(block, KEYS_SCHEMA.names)[KEYS_SCHEMA.names].sort_values("node", kind="stable")
    key = df.groupby("text_sha", sort=False) if exact else df.groupby("node", sort=False)
    df["xrep"] = key["node"].transform("first")
    df["xrep_post_id"] = key["post_id"].transform("first")
    return _table(df, KEYED_SCHEMA)


def band_rows(block: pa.Table, bands: int, rows: int, num_perm: int) -> pa.Table:
    """(band, node) for every exact representative: near duplicates are searched among those only, which loses
    nothing (an exact duplicate has its representative's signature)."""
    reps = block.filter(pa.compute.equal(block["node"], block["xrep"]))
    keys = band_keys(signature_matrix(reps["minhash"], num_perm), bands, rows)
    nodes = np.repeat(np.asarray(reps["node"].to_pylist(), dtype=object), bands)
    return pa.table({"band": pa.array(keys.reshape(-1), pa.int64()), "node": pa.array(nodes, pa.string())})


def bucket_pairs(block: pa.Table) -> pa.Table:
    """Every pair (key < other) that shares a band bucket, each pair once. A bucket of k rows gives k(k-1)/2
    pairs: exact duplicates are collapsed before banding, so buckets of real text stay small."""
    df = frame(block, ["band", "node"])
    df = df[df.duplicated("band", keep=False)].sort_values(["band", "node"])
    pairs = {p for _, nodes in df.groupby("band", sort=False)["node"] for p in combinations(nodes.tolist(), 2)}
    return pa.table({"key": [a for a, _ in sorted(pairs)], "other": [b for _, b in sorted(pairs)]},
                    schema=PAIRS_SCHEMA)


def as_member(keyed: pa.Table) -> pa.Table:
    """Keyed rows, keyed by their exact representative, to meet that node's cluster label."""
    return keyed.append_column("key", keyed["xrep"])


def as_label(labels: pa.Table) -> pa.Table:
    """Label rows keyed by their node (the `node` column is left for members only)."""
    return labels.select(LABEL_SCHEMA.names).rename_columns(["key", *LABEL_SCHEMA.names[1:]])


def verdicts(block: pa.Table, num_perm: int) -> pa.Table:
    """Members (keyed by exact representative) meet cluster labels (keyed by node). A member whose exact
    representative has no label is in that representative's exact cluster only."""
    df = frame(block, ["key", *KEYED_SCHEMA.names, *_LABEL_COLS])
    members, labels = df[df["node"].notna()], df[df["node"].isna()]
    df = members.drop(columns=_LABEL_COLS).merge(labels[["key", *_LABEL_COLS]], on="key", how="left")
    alone = df["label"].isna()
    df.loc[alone, "label"] = df.loc[alone, "xrep"]
    df.loc[alone, "label_post_id"] = df.loc[alone, "xrep_post_id"]
    df.loc[alone, "label_sha"] = df.loc[alone, "text_sha"]
    df.loc[alone, "label_minhash"] = df.loc[alone, "minhash"]
    sim = similarity(signature_matrix(list(df["minhash"]), num_perm),
                     signature_matrix(list(df["label_minhash"]), num_perm))
    exact = (df["text_sha"] == df["label_sha"]).to_numpy()
    dup = (df["node"] != df["label"]).to_numpy()
    out = pd.DataFrame({"node": df["node"], "post_id": df["post_id"],
                        "duplicate_of": df["label_post_id"].where(dup, None),
                        "kind": np.where(dup, np.where(exact, "exact", "near"), None),
                        "similarity": np.where(dup, np.where(exact, 1.0, sim), np.nan)})
    out["similarity"] = out["similarity"].where(dup, None)
    return _table(out, VERDICT_SCHEMA)

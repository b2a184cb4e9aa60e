"""Connected components of the verified-pair graph, labelled by their smallest node (the earliest post).

Distributed: min-label propagation, one `propagate` + `settle` round per hop until no label changes (rounds =
the longest shortest path in a cluster, small for duplicate clusters). Reference: union-find. Both give every
node the smallest node of its component, with that node's post id, text hash and signature.
"""
from __future__ import annotations

import pandas as pd
import pyarrow as pa

from psyllm.dedup.steps import LABEL_SCHEMA, frame

_PAYLOAD = ["label_post_id", "label_sha", "label_minhash"]
SETTLED_SCHEMA = LABEL_SCHEMA.append(pa.field("changed", pa.int64()))
_OFFERED = LABEL_SCHEMA.append(pa.field("old", pa.string()))
# Directed edges (key -> nbr) and labels (keyed by node) meeting in `propagate`.
PROPAGATE_UNION = pa.schema([("key", pa.string()), ("nbr", pa.string()), *list(LABEL_SCHEMA)[1:]])


def directed(edges: pa.Table) -> pa.Table:
    """Each edge both ways, keyed by its source, to meet the source's label in `propagate`."""
    return pa.table({"key": pa.concat_arrays([edges["a"].combine_chunks(), edges["b"].combine_chunks()]),
                     "nbr": pa.concat_arrays([edges["b"].combine_chunks(), edges["a"].combine_chunks()])})


def initial_labels(edges: pa.Table) -> pa.Table:
    """Every node of an edge labelled by itself (a node on several edges may appear in several blocks: `settle`
    folds them, `old` equal to the label so nothing counts as changed)."""
    df = edges.to_pandas()
    parts = [pd.DataFrame({"node": df[e], "label": df[e], "label_post_id": df[f"{e}_post_id"],
                           "label_sha": df[f"{e}_sha"], "label_minhash": df[f"{e}_minhash"]}) for e in ("a", "b")]
    out = pd.concat(parts, ignore_index=True).drop_duplicates("node")
    out["old"] = out["label"]
    return pa.Table.from_pandas(out, schema=_OFFERED, preserve_index=False)


def propagate(block: pa.Table) -> pa.Table:
    """Rows keyed by `key`: directed edges (key -> nbr) and the key's label. Each label goes to every neighbour,
    and to the node itself marked as its old label."""
    df = frame(block, ["key", "nbr", *LABEL_SCHEMA.names[1:]])
    edges, labels = df[df["nbr"].notna()], df[df["nbr"].isna()]
    own = labels.rename(columns={"key": "node"})[LABEL_SCHEMA.names].assign(old=labels["label"].to_numpy())
    sent = edges[["key", "nbr"]].merge(labels.drop(columns=["nbr"]), on="key")
    sent = sent.drop(columns=["key"]).rename(columns={"nbr": "node"})[LABEL_SCHEMA.names].assign(old=None)
    return pa.Table.from_pandas(pd.concat([own, sent], ignore_index=True), schema=_OFFERED, preserve_index=False)


def settle(block: pa.Table) -> pa.Table:
    """Rows keyed by `node`: each node takes the smallest label offered; `changed` says if it moved."""
    df = block.to_pandas()
    old = df.dropna(subset=["old"]).groupby("node")["old"].min()  # initial labels may repeat a node
    best = df.sort_values(["node", "label"]).drop_duplicates("node")
    best = best.assign(changed=(best["label"].to_numpy() != old.reindex(best["node"]).to_numpy()).astype("int64"))
    return pa.Table.from_pandas(best[SETTLED_SCHEMA.names], schema=SETTLED_SCHEMA, preserve_index=False)


def union_find_labels(edges: pa.Table) -> pa.Table:
    """The reference: the same labels by union-find in one process."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in zip(edges["a"].to_pylist(), edges["b"].to_pylist()):
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)  # the root is always the smallest node of its set
    own = initial_labels(edges).to_pandas().drop_duplicates("node").set_index("node")
    nodes = list(own.index)
    roots = [find(n) for n in nodes]
    out = pd.DataFrame({"node": nodes, "label": roots})
    for col in _PAYLOAD:
        out[col] = own.loc[roots, col].to_numpy()
    return pa.Table.from_pandas(out, schema=LABEL_SCHEMA, preserve_index=False)

"""Split groups: a kept dialogue's group is its connected component over three kinds of link — the same post, the
same filter cluster (`cluster_id`), and client turns that are near duplicates at `export.cluster_threshold` (word
3-shingles of the normalized client text) — found with psyllm.dedup's steps: exact text hashes, LSH bands,
verified pairs, connected components. The group id is the component's smallest sample id, so reruns agree.

Each step is a block-local function over a table holding whole groups of its key: the Ray Data plan
(psyllm.runtime.export) runs them behind hash partitions, `assigned_in_driver` over the whole input at once.
"""
from __future__ import annotations

import hashlib
from typing import Iterable

import pyarrow as pa
import pyarrow.compute as pc

from psyllm.config.schema import DedupConfig
from psyllm.dedup.components import union_find_labels
from psyllm.dedup.reference import near_edges
from psyllm.dedup.steps import KEYS_SCHEMA, LABEL_SCHEMA, as_label, conform, frame, mark_exact
from psyllm.dedup.verify import EDGE_SCHEMA
from psyllm.export.splits import with_splits
from psyllm.ingest.dedup import signature
from psyllm.text.hygiene import normalized_key

TEXT_COLUMNS = ["sample_id", "post_id", "rounds"]  # what the near-duplicate keys read of a kept dialogue
LINK_COLUMNS = ["sample_id", "post_id", "cluster_id"]
LINK_SCHEMA = pa.schema([("key", pa.string()), ("node", pa.string())])
# Dialogues (a post id, no label) and component labels (keyed by node) meeting by sample id.
GROUP_UNION = pa.schema([("key", pa.string()), ("post_id", pa.string()), ("label", pa.string())])
ASSIGNED_SCHEMA = pa.schema([("sample_id", pa.string()), ("post_id", pa.string()), ("group", pa.string()),
                             ("u", pa.float64()), ("split", pa.string())])


def as_dedup(threshold: float, partitions: int | None = None) -> DedupConfig:
    """Export's near-duplicate settings: the dedup defaults with word 3-shingles at `threshold`."""
    cfg = DedupConfig(threshold=threshold, shingle_words=3)
    if partitions:
        cfg.partitions = partitions
    return cfg


def client_keys(batch, cfg: DedupConfig) -> pa.Table:
    """Dedup keys of each dialogue's client turns, one node per sample id (sample ids order the nodes)."""
    texts = [normalized_key(" ".join(r["client"] for r in rounds)) for rounds in batch["rounds"].to_pylist()]
    return pa.table({"node": batch["sample_id"], "post_id": batch["post_id"],
                     "text_sha": [hashlib.sha256(t.encode()).hexdigest()[:32] for t in texts],
                     "minhash": [signature(t, cfg) for t in texts]}, schema=KEYS_SCHEMA)


def shared_keys(batch) -> pa.Table:
    """(key, node) twice per dialogue: its post, and its filter cluster — the sample itself when it has none, so
    a dialogue whose cluster_id names another kept sample joins that sample."""
    samples = batch["sample_id"].to_pylist()
    clusters = [c or s for c, s in zip(batch["cluster_id"].to_pylist(), samples)]
    keys = [f"post\x1f{p}" for p in batch["post_id"].to_pylist()] + [f"cluster\x1f{c}" for c in clusters]
    return pa.table({"key": keys, "node": samples + samples}, schema=LINK_SCHEMA)


def _edges(a, b) -> pa.Table:
    """Edges in psyllm.dedup's shape; the endpoint payload (post id, hash, signature) is not needed for groups."""
    return conform(pa.table({"a": pa.array(a, pa.string()), "b": pa.array(b, pa.string())}), EDGE_SCHEMA)


def star_edges(block: pa.Table) -> pa.Table:
    """Rows (key, node) holding whole keys: every node linked to its key's smallest node. A star joins the same
    component as all pairs would, in linear edges and two propagation hops."""
    df = frame(block, LINK_SCHEMA.names)[LINK_SCHEMA.names].drop_duplicates()
    hub = df.groupby("key")["node"].transform("min")
    spoke = (df["node"] != hub).to_numpy()
    return _edges(hub[spoke].tolist(), df["node"][spoke].tolist())


def exact_edges(keyed: pa.Table) -> pa.Table:
    """Each dialogue linked to the first with the same client text (mark_exact's representative)."""
    twin = pc.not_equal(keyed["node"], keyed["xrep"])
    return _edges(keyed["xrep"].filter(twin), keyed["node"].filter(twin))


def sample_nodes(batch) -> pa.Table:
    """Every dialogue keyed by its sample id, to meet its component's label (none when it is linked to nothing)."""
    return conform(pa.table({"key": batch["sample_id"], "post_id": batch["post_id"]}), GROUP_UNION)


def component_labels(labels: pa.Table) -> pa.Table:
    """Component labels (psyllm.dedup's settled labels) keyed by node, to meet their dialogue."""
    return conform(as_label(labels), GROUP_UNION)


def assign_groups(block: pa.Table, validation: float, test: float, seed: int) -> pa.Table:
    """Dialogues meet their label by sample id: the group is the label, or the sample id itself for a dialogue
    linked to no other; then each row's point and split (psyllm.export.splits)."""
    is_label = pc.is_valid(block["label"])
    rows, labels = block.filter(pc.invert(is_label)), block.filter(is_label)
    found = pc.take(labels["label"], pc.index_in(rows["key"], value_set=labels["key"]))
    table = pa.table({"sample_id": rows["key"], "post_id": rows["post_id"],
                      "group": pc.coalesce(found, rows["key"])})
    return with_splits(table, validation, test, seed).select(ASSIGNED_SCHEMA.names).cast(ASSIGNED_SCHEMA)


def representatives(assigned: pa.Table) -> pa.Table:
    """One row per group (its smallest sample, the one named by the group id): (split, u)."""
    return assigned.filter(pc.equal(assigned["sample_id"], assigned["group"])).select(["split", "u"])


def assigned_in_driver(batches: Iterable, threshold: float, validation: float, test: float,
                       seed: int) -> pa.Table:
    """The "driver" backend, the reference: every dialogue's group, point and split, from keys held in this
    process (batches of TEXT_COLUMNS and LINK_COLUMNS)."""
    cfg = as_dedup(threshold)
    keys, links, nodes = [], [], []
    for batch in batches:
        keys.append(client_keys(batch, cfg))
        links.append(shared_keys(batch))
        nodes.append(sample_nodes(batch))
    if not keys:
        return ASSIGNED_SCHEMA.empty_table()
    keyed = mark_exact(pa.concat_tables(keys))
    edges = pa.concat_tables([exact_edges(keyed), star_edges(pa.concat_tables(links)), near_edges(keyed, cfg)],
                             promote_options="default")
    labels = union_find_labels(edges) if edges.num_rows else LABEL_SCHEMA.empty_table()
    return assign_groups(pa.concat_tables([*nodes, component_labels(labels)]), validation, test, seed)

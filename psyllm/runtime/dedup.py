"""Duplicate clusters on Ray Data: the block-local steps of psyllm.dedup, each behind a hash partition on its key,
so no step holds more than one partition and the driver holds nothing that grows with the input.

    keys --by post_id--> rename --by text_sha--> exact representatives --band keys--by band--> candidate pairs
      --by smaller node--> carry its signature --by larger node--> verified edges
      --(by node: propagate, settle) x rounds--> cluster labels --by exact representative--> verdicts
"""
from __future__ import annotations

import logging

from psyllm.config.schema import DedupConfig
from psyllm.dedup.bands import band_params
from psyllm.dedup.components import PROPAGATE_UNION, directed, initial_labels, propagate, settle
from psyllm.dedup.steps import (MEMBER_UNION, as_label, as_member, band_rows, bucket_pairs, conform, mark_exact,
                                rename_ids, verdicts)
from psyllm.dedup.verify import PAIR_UNION, SCORE_UNION, carry_smaller, score_pairs, sides

log = logging.getLogger(__name__)


def by_key(ds, key: str, fn, partitions: int, **kwargs):
    """`fn` over blocks that each hold every row of their `key` values (what `groupby().map_groups` does, but one
    call per partition instead of one per group)."""
    return ds.repartition(partitions, keys=[key], sort=True).map_batches(
        fn, batch_size=None, batch_format="pyarrow", fn_kwargs=kwargs or None)


def _each(ds, fn, **kwargs):
    return ds.map_batches(fn, batch_format="pyarrow", fn_kwargs=kwargs or None)


def union(left, right, schema):
    """Both datasets in one, every block conformed to `schema` (the shuffle concatenates blocks as they are)."""
    return _each(left, conform, schema=schema).union(_each(right, conform, schema=schema))


def near_edges(keyed, cfg: DedupConfig):
    """Verified near-duplicate pairs (a < b) among exact representatives, with both ends' post id, hash, signature."""
    bands, rows = band_params(cfg.threshold, cfg.num_perm)
    p = cfg.partitions
    pairs = by_key(_each(keyed, band_rows, bands=bands, rows=rows, num_perm=cfg.num_perm), "band", bucket_pairs, p)
    reps = _each(keyed, sides)
    carried = by_key(union(pairs, reps, PAIR_UNION), "key", carry_smaller, p)
    return by_key(union(carried, reps, SCORE_UNION), "key", score_pairs, p, threshold=cfg.threshold,
                  num_perm=cfg.num_perm).materialize()


def cluster_labels(edges, cfg: DedupConfig):
    """Min-label propagation until no label moves: every node of an edge gets its component's smallest node."""
    p = cfg.partitions
    labels = by_key(_each(edges, initial_labels), "node", settle, p).materialize()
    links = _each(edges, directed).materialize()
    for rounds in range(1, cfg.max_rounds + 1):
        offered = by_key(union(links, _each(labels, as_label), PROPAGATE_UNION), "key", propagate, p)
        labels = by_key(offered, "node", settle, p).materialize()
        if not labels.sum("changed"):
            log.info("dedup: cluster labels settled after %d rounds", rounds)
            return labels
    raise RuntimeError(f"dedup: cluster labels still moving after {cfg.max_rounds} rounds (dedup.max_rounds)")


def find_duplicates(keys, cfg: DedupConfig, rename: bool = True):
    """A Dataset of (node, post_id, text_sha, minhash) -> one verdict per row (psyllm.dedup.steps.VERDICT_SCHEMA),
    the same as psyllm.dedup.reference.resolve on the same rows."""
    p = cfg.partitions
    keyed = by_key(keys, "post_id", rename_ids, p) if rename else keys
    keyed = by_key(keyed, "text_sha", mark_exact, p, exact=cfg.exact).materialize()
    members = _each(keyed, as_member)
    if cfg.near:
        edges = near_edges(keyed, cfg)
        if edges.count():
            members = union(members, _each(cluster_labels(edges, cfg), as_label), MEMBER_UNION)
    return by_key(members, "key", verdicts, p, num_perm=cfg.num_perm)

"""The single-driver reference: every step over the whole input at once, components by union-find.
Same semantics as the Ray Data implementation (psyllm.runtime.dedup); memory grows with the input."""
from __future__ import annotations

import pyarrow as pa

from psyllm.config.schema import DedupConfig
from psyllm.dedup.bands import band_params
from psyllm.dedup.components import union_find_labels
from psyllm.dedup.steps import (LABEL_SCHEMA, as_label, as_member, band_rows, bucket_pairs, mark_exact, rename_ids,
                                verdicts)
from psyllm.dedup.verify import EDGE_SCHEMA, carry_smaller, score_pairs, sides


def near_edges(keyed: pa.Table, cfg: DedupConfig) -> pa.Table:
    """Verified near-duplicate pairs among the exact representatives of `keyed`."""
    if not cfg.near:
        return EDGE_SCHEMA.empty_table()
    bands, rows = band_params(cfg.threshold, cfg.num_perm)
    pairs = bucket_pairs(band_rows(keyed, bands, rows, cfg.num_perm))
    reps = sides(keyed)
    carried = carry_smaller(pa.concat_tables([pairs, reps], promote_options="default"))
    return score_pairs(pa.concat_tables([carried, reps], promote_options="default"), cfg.threshold, cfg.num_perm)


def resolve(keys: pa.Table, cfg: DedupConfig, rename: bool = True) -> pa.Table:
    """Rows (node, post_id, text_sha, minhash) -> one verdict per row (VERDICT_SCHEMA): its final post id and,
    for a duplicate, the post id of its cluster's representative, the kind and the similarity to it."""
    keyed = mark_exact(rename_ids(keys) if rename else keys, cfg.exact)
    edges = near_edges(keyed, cfg)
    labels = union_find_labels(edges) if edges.num_rows else LABEL_SCHEMA.empty_table()
    block = pa.concat_tables([as_member(keyed), as_label(labels)], promote_options="default")
    return verdicts(block, cfg.num_perm)

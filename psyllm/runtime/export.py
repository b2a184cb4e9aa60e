"""Export on Ray Data: split groups found by psyllm.dedup's shuffles (psyllm.export.grouping), splits by a hash of
the group, the small-data correction and the counts by Ray aggregations, then the rows joined to their split,
sorted by sample id, rendered on workers and streamed into the files: the driver holds one batch and counters.

    kept --client text--> exact reps + LSH edges --+
         --post, cluster_id--> star edges ---------+--> components (label propagation)
         --by sample id: meet label--> group, point, split (slim, materialized) --aggregate--> moves
         --by sample id: rows meet split--> sort by sample id --render--> ExportWriter

`export.backend: driver` (or "auto" up to `export.driver_max_rows` rows) runs psyllm.export.stage's reference
instead, without starting Ray.
"""
from __future__ import annotations

import logging

import pyarrow as pa
import pyarrow.compute as pc

from psyllm.config.choices import resolve_backend
from psyllm.config.schema import ExportConfig, PsyllmConfig
from psyllm.dedup.steps import mark_exact
from psyllm.export.files import ExportWriter, render
from psyllm.export.grouping import (GROUP_UNION, LINK_COLUMNS, TEXT_COLUMNS, as_dedup, assign_groups, client_keys,
                                    component_labels, exact_edges, representatives, sample_nodes, shared_keys,
                                    star_edges)
from psyllm.export.splits import SPLITS, apply_moves, fill_empty, per_split
from psyllm.export.stage import WRITES, export_in_driver, finish_files
from psyllm.io.filesystem import join
from psyllm.io.manifest import StageResult, require_finished
from psyllm.io.stage_output import StageOutput, input_entry
from psyllm.prompts.render import deployed_system_prompt
from psyllm.records import FILTERED_SCHEMA
from psyllm.runtime.data import read_shards
from psyllm.runtime.dedup import by_key, cluster_labels, near_edges, union
from psyllm.runtime.session import configure_data_context, ray_session

log = logging.getLogger(__name__)
_WRITE_BATCH_ROWS = 1024  # rendered rows the driver turns into file bytes at a time
_WRITE_BLOCK_BYTES = 16 * 1024 * 1024  # the largest block the driver maps while writing (Ray's default: 128 MiB)
_SPLIT_UNION = pa.schema([*FILTERED_SCHEMA, pa.field("key", pa.string()), pa.field("split", pa.string())])


def _map(ds, fn, **kwargs):
    return ds.map_batches(fn, batch_format="pyarrow", fn_kwargs=kwargs or None)


def assigned_on_ray(kept_uri: str, ecfg: ExportConfig, storage=None):
    """Every dialogue's (post, group, point, split), materialized: a few short columns per row."""
    cfg = as_dedup(ecfg.cluster_threshold, ecfg.partitions)
    p = cfg.partitions
    keys = _map(read_shards(kept_uri, storage, columns=TEXT_COLUMNS), client_keys, cfg=cfg)
    keyed = by_key(keys, "text_sha", mark_exact, p).materialize()
    links = by_key(_map(read_shards(kept_uri, storage, columns=LINK_COLUMNS), shared_keys), "key", star_edges, p)
    edges = _map(keyed, exact_edges).union(links)
    if cfg.near:
        edges = edges.union(near_edges(keyed, cfg))
    edges = edges.materialize()
    nodes = _map(read_shards(kept_uri, storage, columns=["sample_id", "post_id"]), sample_nodes)
    if edges.count():
        nodes = union(nodes, _map(cluster_labels(edges, cfg), component_labels), GROUP_UNION)
    return by_key(nodes, "key", assign_groups, p, validation=ecfg.validation_fraction, test=ecfg.test_fraction,
                  seed=ecfg.split_seed).materialize()


def _moves(assigned, ecfg: ExportConfig) -> tuple[list, int]:
    """The small-data correction from one aggregation over one row per group; also the number of groups."""
    from ray.data.aggregate import Min, Sum

    reps = _map(_map(assigned, representatives), per_split)
    agg = reps.aggregate(*(Sum(f"n_{s}") for s in SPLITS), *(Min(f"u_{s}") for s in SPLITS)) or {}  # None: no rows
    by_split = {s: agg.get(f"sum(n_{s})") or 0 for s in SPLITS}

    def smallest(split: str, taken: set) -> float:
        if not taken:
            return agg[f"min(u_{split})"]
        return reps.filter(lambda r: r[f"u_{split}"] is not None and r[f"u_{split}"] not in taken).min(f"u_{split}")

    return fill_empty(by_split, ecfg.validation_fraction, ecfg.test_fraction, smallest), sum(by_split.values())


def _keyed_rows(batch: pa.Table) -> pa.Table:
    return batch.append_column("key", batch["sample_id"])


def _split_rows(assigned: pa.Table) -> pa.Table:
    return pa.table({"key": assigned["sample_id"], "split": assigned["split"]})


def _join_split(block: pa.Table) -> pa.Table:
    """Dialogues meet their split by sample id (one hash partition at a time)."""
    is_row = pc.is_valid(block["sample_id"])
    rows, splits = block.filter(is_row), block.filter(pc.invert(is_row))
    split = pc.take(splits["split"], pc.index_in(rows["key"], value_set=splits["key"]))
    return rows.select(FILTERED_SCHEMA.names).append_column("split", split)


def export_on_ray(kept_uri: str, ecfg: ExportConfig, system: str, writer: ExportWriter, storage=None) -> dict:
    """The "ray" backend; returns the group and post counts."""
    return write_on_ray(assigned_on_ray(kept_uri, ecfg, storage), kept_uri, ecfg, system, writer, storage)


def _ordered_bounded_blocks(ds) -> None:
    """Rows reach the files in sample id order, as the driver backend writes them (the same input gives the same
    bytes on either backend and every rerun), so the render after the sort must keep the order; and blocks stay
    small, since the driver maps each block it writes: after the sort a block would hold 1/partitions of all rows
    (driver RSS grew with the data, docs/scale.md). Set on the dataset's own context, which its read copied: the
    current DataContext, changed after the read, would not reach it (measured)."""
    ds.context.execution_options.preserve_order = True
    ds.context.target_max_block_size = _WRITE_BLOCK_BYTES


def write_on_ray(assigned, kept_uri: str, ecfg: ExportConfig, system: str, writer: ExportWriter,
                 storage=None) -> dict:
    """The correction, then every kept row joined to its split, sorted by sample id, rendered on workers and
    streamed into `writer`."""
    moves, groups = _moves(assigned, ecfg)
    posts = assigned.groupby("post_id").count().count()
    splits = _map(_map(assigned, apply_moves, moves=moves), _split_rows)
    rows = _map(read_shards(kept_uri, storage), _keyed_rows)
    joined = by_key(union(rows, splits, _SPLIT_UNION), "key", _join_split, ecfg.partitions)
    rendered = _map(joined.sort("sample_id"), render, system=system, include_reasoning=ecfg.include_reasoning)
    _ordered_bounded_blocks(rendered)
    for batch in rendered.iter_batches(batch_format="pyarrow", batch_size=_WRITE_BATCH_ROWS):
        writer.write(batch)
    return {"groups": groups, "posts": posts}


def run_export(cfg: PsyllmConfig, input_uri: str, output_uri: str) -> StageResult:
    ecfg, storage = cfg.export, cfg.storage
    upstream = require_finished(input_uri, "kept", "filter", storage)
    out = StageOutput("export", ecfg, cfg, output_uri, (upstream["fingerprint"],), writes=WRITES, guard=(input_uri,),
                      reads_safety=True)
    if out.done:
        return out.done
    kept_uri = join(input_uri, "kept")
    rows = sum(s["rows"] for s in upstream["shards"]["kept"])
    backend = resolve_backend(ecfg, rows)
    log.info("export: split groups of %d dialogues on the %s backend", rows, backend)
    system = deployed_system_prompt(cfg.safety.locale, ecfg.system_prompt_version)
    writer = ExportWriter(output_uri, cfg.output.shard_rows, storage)
    if backend == "driver":
        grouped = export_in_driver(kept_uri, ecfg, system, writer, storage)
    else:
        with ray_session(cfg.runtime):
            configure_data_context(cfg.runtime)
            grouped = export_on_ray(kept_uri, ecfg, system, writer, storage)
    counts, shards = finish_files(writer, grouped, upstream, ecfg, output_uri, storage)
    return out.finish(counts, shards, [input_entry(kept_uri, upstream["fingerprint"])])

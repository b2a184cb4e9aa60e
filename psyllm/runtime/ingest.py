"""Ingest on Ray Data: raw rows (a custom streaming datasource) -> PostProcessor on Ray tasks -> staged shards,
then duplicate clusters on Ray Data (psyllm.runtime.dedup) and posts/, quarantine/, duplicates/ and the manifest
written from a stream of finished rows: the driver holds one batch and counters, whatever the input size."""
from __future__ import annotations

import logging
from collections import Counter

import pyarrow as pa
import pyarrow.compute as pc

from psyllm.config.choices import resolve_backend
from psyllm.config.schema import DedupConfig, PsyllmConfig, StorageConfig
from psyllm.ingest import quarantine as q
from psyllm.ingest.finalize import (KEY_COLUMNS, ROW_COLUMNS, ROW_UNION, annotate, annotated_in_driver, keyed_rows,
                                    keyed_verdicts, staged_keys, write_final)
from psyllm.ingest.processor import PostProcessor
from psyllm.io.filesystem import display_uri, filesystem, join, remove_tree
from psyllm.io.manifest import RejectLimitExceeded, StageResult
from psyllm.io.readers import InputError, file_digest, iter_raw_rows, list_inputs
from psyllm.io.shards import ShardWriter
from psyllm.io.stage_output import StageOutput
from psyllm.records import QUARANTINE_SCHEMA, STAGED_SCHEMA
from psyllm.runtime.data import map_rows, read_shards
from psyllm.runtime.dedup import by_key, find_duplicates, union
from psyllm.runtime.session import configure_data_context, ray_session

log = logging.getLogger(__name__)
RAW_SCHEMA = pa.schema([("source_file", pa.string()), ("line", pa.int64()), ("raw", pa.string()),
                        ("valid_utf8", pa.bool_())])


def _raw_datasource(files: list[str], storage: StorageConfig, block_rows: int):
    from ray.data.block import BlockMetadata
    from ray.data.datasource import Datasource, ReadTask

    def read_file(uri: str):
        rows: list[dict] = []
        for row in iter_raw_rows(uri, storage):
            rows.append(row)
            if len(rows) >= block_rows:
                yield pa.Table.from_pylist(rows, schema=RAW_SCHEMA)
                rows = []
        if rows:
            yield pa.Table.from_pylist(rows, schema=RAW_SCHEMA)

    class RawRowsDatasource(Datasource):
        """One streaming read task per file; each yields blocks of `block_rows` raw rows."""

        def estimate_inmemory_data_size(self):
            return None

        def get_read_tasks(self, parallelism, per_task_row_limit=None, data_context=None):
            meta = lambda uri: BlockMetadata(num_rows=None, size_bytes=None, exec_stats=None, input_files=[uri])  # noqa: E731
            return [ReadTask(lambda uri=uri: read_file(uri), meta(uri), schema=RAW_SCHEMA) for uri in files]

    return RawRowsDatasource()


# What ingest writes under its output: the record of it is what a rerun may clear (psyllm/io/ownership.py).
WRITES = ("posts/part-*.parquet", "quarantine/part-*.parquet", "duplicates/part-*.parquet", "_staging/part-*.parquet")


def run_ingest(cfg: PsyllmConfig, input_uri: str, output_uri: str) -> StageResult:
    """Posts in `input_uri` -> clean, de-identified, triaged, deduplicated posts under `output_uri`."""
    import ray.data

    storage, runtime = cfg.storage, cfg.runtime
    files = list_inputs(input_uri, storage)
    digests = [file_digest(f, storage) for f in files]
    if not any(d["bytes"] for d in digests):  # an empty input is a mistake to report, not a run with zero posts
        raise InputError(f"{input_uri}: no posts to ingest (the input is empty)")
    out = StageOutput("ingest", cfg.ingest, cfg, output_uri, ([d["sha256"] for d in digests],), writes=WRITES,
                      guard=tuple(files), reads_safety=True)
    if out.done:
        log.info("ingest: %s is complete with fingerprint %s; nothing to do", output_uri, out.fingerprint)
        return out.done

    if cfg.ingest.deid.enabled and "NAME" in cfg.ingest.deid.types:
        from psyllm.ingest.names import gazetteer

        gazetteer()  # built once here (~2 GB for seconds the first time), not in every actor
    staging_uri = join(output_uri, "_staging")
    staged = ShardWriter(staging_uri, STAGED_SCHEMA, cfg.output.shard_rows, storage)
    quarantined = ShardWriter(join(output_uri, "quarantine"), QUARANTINE_SCHEMA, cfg.output.shard_rows, storage)
    with ray_session(runtime):
        configure_data_context(runtime)
        ds = ray.data.read_datasource(_raw_datasource(files, storage, runtime.batch_size))
        ds = map_rows(ds, PostProcessor, (cfg.ingest, cfg.safety.route_at), STAGED_SCHEMA, runtime.concurrency,
                      batch_size=runtime.batch_size, num_cpus=runtime.actor_cpus)
        read, reasons, staged_chars = _drain(ds, staged, quarantined)
        staged.close()
        shards = {"quarantine": quarantined.close()}
        final_shards, post_counts, final_chars = write_final(
            _annotated(staging_uri, cfg.ingest.dedup, storage, staged.rows), output_uri, cfg.output.shard_rows, storage)
    shards.update(final_shards)
    remove_tree(*filesystem(staging_uri, storage))

    n_dups = sum(s["rows"] for s in shards["duplicates"])
    counts = _counts(read, shards, reasons, n_dups) | post_counts
    counts["chars"] = _char_counts(staged_chars, final_chars)
    inputs = [dict(d, uri=display_uri(d["uri"])) for d in digests]
    fraction = counts["quarantined"] / max(read, 1)
    if fraction > cfg.ingest.max_reject_fraction:
        error = f"quarantined fraction {fraction:.3f} > {cfg.ingest.max_reject_fraction}"
        out.fail(counts, shards, inputs, error)
        raise RejectLimitExceeded(f"ingest: {error}; see {join(output_uri, 'quarantine')}")
    return out.finish(counts, shards, inputs)


def _annotated(staging_uri: str, dcfg: DedupConfig, storage: StorageConfig, rows: int):
    """Staged rows with their dedup verdicts, streamed: clusters found and joined onto the rows by Ray Data
    shuffles (backend "ray"), or resolved in this process (backend "driver", memory grows with the input;
    "auto" picks it up to `driver_max_rows` rows)."""
    backend = resolve_backend(dcfg, rows)
    log.info("ingest: duplicate clusters of %d posts on the %s backend", rows, backend)
    if backend == "driver":
        return annotated_in_driver(staging_uri, dcfg, storage)
    keys = read_shards(staging_uri, storage, columns=KEY_COLUMNS).map_batches(staged_keys, batch_format="pyarrow")
    rows = read_shards(staging_uri, storage, columns=ROW_COLUMNS).map_batches(keyed_rows, batch_format="pyarrow")
    verdicts = find_duplicates(keys, dcfg).map_batches(keyed_verdicts, batch_format="pyarrow")
    joined = by_key(union(rows, verdicts, ROW_UNION), "key", annotate, dcfg.partitions)
    return joined.iter_batches(batch_format="pyarrow", batch_size=None)


def _drain(ds, staged: ShardWriter, quarantined: ShardWriter) -> tuple[int, Counter, Counter]:
    """Stream processed batches into staging (kept) and quarantine; count rows, and characters by outcome,
    on the way (`input` over every row, each quarantine reason over its rows)."""
    read, reasons, chars = 0, Counter(), Counter()
    for batch in ds.iter_batches(batch_format="pyarrow", batch_size=None):
        read += batch.num_rows
        chars["input"] += pc.sum(batch["chars"]).as_py() or 0
        is_kept = pc.equal(batch["outcome"], "kept")
        staged.write_batch(batch.filter(is_kept))
        bad = batch.filter(pc.invert(is_kept))
        quarantined.write_batch(bad.select(QUARANTINE_SCHEMA.names).cast(QUARANTINE_SCHEMA))
        for reason, n in zip(bad["reason"].to_pylist(), bad["chars"].to_pylist()):
            reasons[reason] += 1
            chars[reason] += n
    return read, reasons, chars


def _char_counts(staged: Counter, final: Counter) -> dict:
    """input = kept + dropped by reason, in characters: the row check's twin, so no text vanishes unaccounted."""
    dropped = {r: staged.get(r, 0) for r in q.REASONS if r != q.DUPLICATE}
    dropped |= {f"{kind}_duplicate": final.get(f"{kind}_duplicate", 0) for kind in ("exact", "near")}
    kept = final.get("kept", 0)
    if kept + sum(dropped.values()) != staged["input"]:
        raise AssertionError(f"ingest lost characters: input {staged['input']} != kept {kept} + dropped {dropped}")
    return {"input": staged["input"], "kept": kept, "dropped": dropped}


def _counts(read: int, shards: dict, reasons: Counter, n_dups: int) -> dict:
    kept = sum(s["rows"] for s in shards["posts"])
    quarantined = sum(s["rows"] for s in shards["quarantine"])
    if kept + quarantined + n_dups != read:  # every line ends in exactly one place
        raise AssertionError(f"ingest lost rows: read {read} != kept {kept} + quarantined {quarantined} + dup {n_dups}")
    by_reason = {r: reasons.get(r, 0) for r in q.REASONS}
    by_reason[q.DUPLICATE] = n_dups
    return {"read": read, "kept": kept, "quarantined": quarantined, "duplicates": n_dups, "by_reason": by_reason}

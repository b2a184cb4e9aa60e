"""Filtering on Ray Data: deterministic filters on Ray tasks, dedup clusters by Ray Data shuffles,
then the LLM judge in an engine actor pool; kept/ and rejected/ (every failed criterion with its reason)."""
from __future__ import annotations

import json
import logging

import pyarrow as pa

from psyllm.config.choices import resolve_backend
from psyllm.config.schema import FilterConfig, PsyllmConfig
from psyllm.engines.inflight import continuous
from psyllm.filters.base import check
from psyllm.filters.dedup import as_dedup, candidate_keys, keyed_verdicts, resolve_in_driver
from psyllm.filters.pipeline import (ContinuousJudgeWorker, DeterministicWorker, JudgeWorker, PassRates,
                                    add_verdicts)
from psyllm.io.filesystem import filesystem, join, remove_tree
from psyllm.io.manifest import StageResult, require_finished
from psyllm.io.shards import ShardWriter, iter_batches
from psyllm.io.stage_output import StageOutput, input_entry
from psyllm.records import FILTER_STATE_SCHEMA, FILTERED_SCHEMA
from psyllm.runtime.data import AsyncRowsAdapter, RowsAdapter, continuous_map, engine_map_args, map_rows, read_shards
from psyllm.runtime.dedup import by_key, find_duplicates, union
from psyllm.runtime.session import configure_data_context, ray_session

log = logging.getLogger(__name__)


def _mark_duplicates(rows: list[dict], dups: dict) -> list[dict]:
    """Each candidate's dedup verdict from the driver's resolution (sample_id -> (duplicate_of, similarity))."""
    for row in rows:
        if row["failures"]:
            continue
        dup = dups.get(row["sample_id"])
        if dup:
            row["cluster_id"] = dup[0]
        add_verdicts(row, [check("dedup", "unique", dup is None,
                                 f"near duplicate of {dup[0]} (similarity {dup[1]:.2f})" if dup else "")])
    return rows


class _Judge(RowsAdapter):
    schema = FILTER_STATE_SCHEMA

    def __init__(self, cfg: FilterConfig):
        super().__init__(JudgeWorker(cfg))


class _JudgeContinuous(AsyncRowsAdapter):
    schema = FILTER_STATE_SCHEMA

    def __init__(self, cfg: FilterConfig):
        super().__init__(ContinuousJudgeWorker(cfg))


def _judge_stage(ds, fcfg: FilterConfig):
    """The judge on its engine's actor pool: each dialogue's request in flight on its own (vLLM, `scheduling:
    continuous`), or one engine call per batch (openai HTTP sends a batch's requests concurrently itself)."""
    import ray.data

    place = fcfg.judge.engine.placement
    if continuous(fcfg.judge.scheduling, fcfg.judge.engine):
        return continuous_map(ds, _JudgeContinuous, (fcfg,), place, fcfg.judge.max_in_flight)
    return ds.map_batches(_Judge, fn_constructor_args=(fcfg,), compute=ray.data.ActorPoolStrategy(size=place.replicas),
                          **engine_map_args(place))


_MARK_UNION = pa.schema([*FILTER_STATE_SCHEMA, pa.field("key", pa.string()), pa.field("dup_of", pa.string()),
                         pa.field("dup_similarity", pa.float64())])


def _mark_block(block):
    """Dialogue rows (keyed by sample id) meet their key's dedup verdict, one hash partition at a time."""
    rows = block.to_pylist()
    dups = {r["key"]: (r["dup_of"], r["dup_similarity"]) for r in rows if r.get("dup_of") is not None}
    marked = _mark_duplicates([r for r in rows if r.get("sample_id") is not None], dups)
    return pa.Table.from_pylist(marked, schema=FILTER_STATE_SCHEMA)


def _mark_batch(batch: pa.Table, dups: dict) -> pa.Table:
    return pa.Table.from_pylist(_mark_duplicates(batch.to_pylist(), dups), schema=FILTER_STATE_SCHEMA)


def _with_dedup(staging: str, fcfg: FilterConfig, storage, rows: int):
    """Staged candidates marked unique or duplicate: clusters resolved in this process (backend "driver"), or
    found and joined on Ray Data (psyllm.runtime.dedup), so the driver holds nothing per dialogue ("ray")."""
    backend = resolve_backend(fcfg.dedup, rows)
    log.info("filter: duplicate clusters of %d dialogues on the %s backend", rows, backend)
    if backend == "driver":
        keys = [candidate_keys(pa.Table.from_batches([b]))
                for b in iter_batches(staging, storage, columns=["sample_id", "text_sha", "minhash", "failures"])]
        dups = resolve_in_driver(keys, fcfg.dedup) if keys else {}
        return read_shards(staging, storage).map_batches(_mark_batch, fn_kwargs={"dups": dups}, batch_format="pyarrow")
    dcfg = as_dedup(fcfg.dedup)
    keys = read_shards(staging, storage).map_batches(candidate_keys, batch_format="pyarrow")
    verdicts = find_duplicates(keys, dcfg, rename=False).map_batches(keyed_verdicts, batch_format="pyarrow")
    rows = read_shards(staging, storage).map_batches(
        lambda b: b.append_column("key", b["sample_id"]), batch_format="pyarrow")
    return by_key(union(rows, verdicts, _MARK_UNION), "key", _mark_block, dcfg.partitions)


# What filter writes under its output: the record of it is what a rerun may clear (psyllm/io/ownership.py).
WRITES = ("_staging/part-*.parquet", "kept/part-*.parquet", "rejected/part-*.parquet")


def run_filter(cfg: PsyllmConfig, input_uri: str, output_uri: str) -> StageResult:
    fcfg, storage = cfg.filter, cfg.storage
    upstream = require_finished(input_uri, "dialogues", "synthesize (or import)", storage)
    out = StageOutput("filter", fcfg, cfg, output_uri, (upstream["fingerprint"],), writes=WRITES, guard=(input_uri,),
                      reads_safety=True)
    if out.done:
        return out.done
    staging = join(output_uri, "_staging")
    writer = ShardWriter(staging, FILTER_STATE_SCHEMA, cfg.output.shard_rows, storage)
    with ray_session(cfg.runtime):
        configure_data_context(cfg.runtime)
        ds = read_shards(join(input_uri, "dialogues"), storage)
        ds = map_rows(ds, DeterministicWorker, (fcfg, cfg.safety), FILTER_STATE_SCHEMA, cfg.runtime.concurrency,
                      batch_size=cfg.runtime.batch_size, num_cpus=cfg.runtime.actor_cpus)
        for batch in ds.iter_batches(batch_format="pyarrow", batch_size=None):
            writer.write_batch(batch)
        writer.close()
        ds = _with_dedup(staging, fcfg, storage, writer.rows) if "dedup" in fcfg.filters else read_shards(staging, storage)
        if "judge" in fcfg.filters:
            ds = _judge_stage(ds, fcfg)
        kept = ShardWriter(join(output_uri, "kept"), FILTERED_SCHEMA, cfg.output.shard_rows, storage)
        rejected = ShardWriter(join(output_uri, "rejected"), FILTERED_SCHEMA, cfg.output.shard_rows, storage)
        rates, written = PassRates(), set()
        for batch in ds.iter_batches(batch_format="pyarrow", batch_size=None):
            for row in batch.select(FILTERED_SCHEMA.names).to_pylist():
                if row["sample_id"] in written:  # a rerun batch of a judge replica that died may repeat rows
                    continue
                written.add(row["sample_id"])
                rates.add(json.loads(row["verdicts"]))
                (rejected if row["failures"] else kept).write_rows([row])
    remove_tree(*filesystem(staging, storage))
    shards = {"kept": kept.close(), "rejected": rejected.close()}
    by_criterion = rates.result()
    dedup = by_criterion.get("dedup.unique", {"evaluated": 0, "passed": 0})
    counts = {"dialogues": kept.rows + rejected.rows, "kept": kept.rows, "rejected": rejected.rows,
              "near_duplicates": dedup["evaluated"] - dedup["passed"],
              "rejected_by": {k: v["evaluated"] - v["passed"] for k, v in by_criterion.items()},
              "pass_rate": {k: v["rate"] for k, v in by_criterion.items()}}
    if counts["dialogues"] != upstream["counts"]["dialogues"]:
        raise AssertionError(f"filter lost dialogues: {counts['dialogues']} of {upstream['counts']['dialogues']}")
    return out.finish(counts, shards, [input_entry(join(input_uri, "dialogues"), upstream["fingerprint"])],
                      criteria=by_criterion, prompt_versions=upstream.get("prompt_versions"),
                      models=upstream.get("models"))

"""Filtering on Ray Data: deterministic filters in a CPU actor pool, dedup resolved globally in the driver,
then the LLM judge in an engine actor pool; kept/ and rejected/ (every failed criterion with its reason)."""
from __future__ import annotations

import json
import time


from psyllm import __version__
from psyllm.config import fingerprint, to_dict
from psyllm.config.schema import FilterConfig, PsyllmConfig
from psyllm.filters.base import check
from psyllm.filters.dedup import resolver
from psyllm.filters.pipeline import DeterministicWorker, JudgeWorker, PassRates, add_verdicts
from psyllm.io.filesystem import filesystem, join, remove_tree
from psyllm.io.manifest import StageResult, prepare_output, require_finished, write_manifest
from psyllm.io.shards import ShardWriter, iter_batches
from psyllm.records import FILTER_STATE_SCHEMA, FILTERED_SCHEMA
from psyllm.runtime.data import RowsAdapter, engine_remote_args, read_shards
from psyllm.runtime.session import configure_data_context, ray_session


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


class _Deterministic(RowsAdapter):
    schema = FILTER_STATE_SCHEMA

    def __init__(self, cfg: FilterConfig):
        super().__init__(DeterministicWorker(cfg))


class _Dedup(RowsAdapter):
    schema = FILTER_STATE_SCHEMA

    def __init__(self, dups: dict):
        super().__init__(lambda rows: _mark_duplicates(rows, dups))


class _Judge(RowsAdapter):
    schema = FILTER_STATE_SCHEMA

    def __init__(self, cfg: FilterConfig):
        super().__init__(JudgeWorker(cfg))


def _resolve(staging: str, cfg: FilterConfig, storage) -> dict:
    """Walk candidates (deterministic passes) in sample_id order; near duplicates map to their representative."""
    keys = []
    for batch in iter_batches(staging, storage, columns=["sample_id", "text_sha", "minhash", "failures"]):
        keys += [(r["sample_id"], r["text_sha"], r["minhash"]) for r in batch.to_pylist() if not r["failures"]]
    res, dups = resolver(cfg.dedup), {}
    for sample_id, sha, sig in sorted(keys):
        verdict = res.add(sample_id, sha, sig)
        if verdict:
            dups[sample_id] = (verdict.duplicate_of, verdict.similarity)
    return dups


# What filter writes under its output: the record of it is what a rerun may clear (psyllm/io/ownership.py).
WRITES = ("_staging/part-*.parquet", "kept/part-*.parquet", "rejected/part-*.parquet")


def run_filter(cfg: PsyllmConfig, input_uri: str, output_uri: str) -> StageResult:
    import ray.data

    fcfg, storage = cfg.filter, cfg.storage
    upstream = require_finished(input_uri, "dialogues", "synthesize (or import)", storage)
    fp = fingerprint("filter", to_dict(fcfg), upstream["fingerprint"], __version__)
    done = prepare_output(output_uri, fp, cfg.output.overwrite, storage, writes=WRITES, inputs=(input_uri,))
    if done is not None:
        return StageResult(output_uri, done, skipped=True)
    started = time.time()
    staging = join(output_uri, "_staging")
    writer = ShardWriter(staging, FILTER_STATE_SCHEMA, cfg.output.shard_rows, storage)
    with ray_session(cfg.runtime):
        configure_data_context(cfg.runtime)
        ds = read_shards(join(input_uri, "dialogues"), storage)
        ds = ds.map_batches(_Deterministic, fn_constructor_args=(fcfg,), batch_format="pyarrow",
                            batch_size=cfg.runtime.batch_size, num_cpus=cfg.runtime.actor_cpus,
                            compute=ray.data.ActorPoolStrategy(size=cfg.runtime.concurrency))
        for batch in ds.iter_batches(batch_format="pyarrow", batch_size=None):
            writer.write_batch(batch)
        writer.close()
        dups = _resolve(staging, fcfg, storage) if "dedup" in fcfg.filters else {}
        ds = read_shards(staging, storage)
        if "dedup" in fcfg.filters:
            ds = ds.map_batches(_Dedup, fn_constructor_args=(dups,), batch_format="pyarrow")
        if "judge" in fcfg.filters:
            eng = fcfg.judge.engine
            ds = ds.map_batches(_Judge, fn_constructor_args=(fcfg,), batch_format="pyarrow", batch_size=eng.batch_size,
                                num_cpus=eng.num_cpus, num_gpus=eng.num_gpus or None,
                                compute=ray.data.ActorPoolStrategy(size=eng.replicas), **engine_remote_args(eng))
        kept = ShardWriter(join(output_uri, "kept"), FILTERED_SCHEMA, cfg.output.shard_rows, storage)
        rejected = ShardWriter(join(output_uri, "rejected"), FILTERED_SCHEMA, cfg.output.shard_rows, storage)
        rates = PassRates()
        for batch in ds.iter_batches(batch_format="pyarrow", batch_size=None):
            for row in batch.select(FILTERED_SCHEMA.names).to_pylist():
                rates.add(json.loads(row["verdicts"]))
                (rejected if row["failures"] else kept).write_rows([row])
    remove_tree(*filesystem(staging, storage))
    shards = {"kept": kept.close(), "rejected": rejected.close()}
    by_criterion = rates.result()
    counts = {"dialogues": kept.rows + rejected.rows, "kept": kept.rows, "rejected": rejected.rows,
              "near_duplicates": len(dups),
              "rejected_by": {k: v["evaluated"] - v["passed"] for k, v in by_criterion.items()},
              "pass_rate": {k: v["rate"] for k, v in by_criterion.items()}}
    if counts["dialogues"] != upstream["counts"]["dialogues"]:
        raise AssertionError(f"filter lost dialogues: {counts['dialogues']} of {upstream['counts']['dialogues']}")
    manifest = {"stage": "filter", "fingerprint": fp, "psyllm_version": __version__, "complete": True,
                "inputs": [{"uri": join(input_uri, "dialogues"), "sha256": upstream["fingerprint"], "bytes": None}],
                "config": to_dict(fcfg), "counts": counts, "criteria": by_criterion, "shards": shards,
                "prompt_versions": upstream.get("prompt_versions"), "models": upstream.get("models"),
                "seconds": round(time.time() - started, 3)}
    write_manifest(output_uri, manifest, storage)
    return StageResult(output_uri, manifest, skipped=False)

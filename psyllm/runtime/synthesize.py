"""Synthesis on Ray Data: ingest posts -> samples -> engine actor pools (plan, draft, reason) -> dialogues and
dead letters, flushed as they finish so a rerun resumes where a killed run stopped."""
from __future__ import annotations

import logging
import time
from collections import Counter

from psyllm import __version__
from psyllm.config.schema import PsyllmConfig, SynthesizeConfig
from psyllm.io.filesystem import join
from psyllm.io.manifest import StageResult, require_finished
from psyllm.io.shards import ShardWriter, existing_shards
from psyllm.io.stage_output import StageOutput, input_entry
from psyllm.records import DEAD_LETTER_SCHEMA, DIALOGUE_SCHEMA, SYNTH_STATE_SCHEMA
from psyllm.runtime.data import AsyncRowsAdapter, RowsAdapter, continuous_map, engine_map_args, map_rows, read_shards
from psyllm.runtime.session import configure_data_context, ray_session
from psyllm.synthesis.samples import expand_post, provenance, synth_fingerprint, to_dead_letter, to_dialogue
from psyllm.synthesis.worker import ContinuousSynthesisWorker, SynthesisWorker, continuous, stage_groups

log = logging.getLogger(__name__)
POST_COLUMNS = ["post_id", "text", "route", "risk_level"]


def _expander(cfg: SynthesizeConfig, fp: str, done: frozenset):
    """Posts -> working rows, minus samples a previous run already finished."""
    return lambda posts: [r for post in posts for r in expand_post(post, cfg, fp) if r["sample_id"] not in done]


class _SynthBatch(RowsAdapter):
    schema = SYNTH_STATE_SCHEMA

    def __init__(self, cfg: SynthesizeConfig, stages: tuple[str, ...], locale: str):
        super().__init__(SynthesisWorker(cfg, stages, locale=locale))


class _SynthContinuous(AsyncRowsAdapter):
    schema = SYNTH_STATE_SCHEMA

    def __init__(self, cfg: SynthesizeConfig, stages: tuple[str, ...], locale: str):
        super().__init__(ContinuousSynthesisWorker(cfg, stages, locale=locale))


def _engine_stage(ds, scfg: SynthesizeConfig, group: tuple[str, ...], locale: str):
    """One stage group on its engine's actor pool, continuously fed (runtime/data.py) or one call per batch."""
    import ray.data

    eng = getattr(scfg, group[0]).engine
    place = eng.placement
    if not continuous(scfg, eng):
        return ds.map_batches(_SynthBatch, fn_constructor_args=(scfg, group, locale),
                              compute=ray.data.ActorPoolStrategy(size=place.replicas), **engine_map_args(place))
    return continuous_map(ds, _SynthContinuous, (scfg, group, locale), place, scfg.max_in_flight)


# What synthesize writes under its output: the record of it is what a rerun may clear (psyllm/io/ownership.py).
WRITES = ("dialogues/part-*.parquet", "dead_letter/part-*.parquet")


def run_synthesize(cfg: PsyllmConfig, input_uri: str, output_uri: str) -> StageResult:
    """Ingest output at `input_uri` -> dialogues/ and dead_letter/ under `output_uri`."""
    scfg, storage = cfg.synthesize, cfg.storage
    upstream = require_finished(input_uri, "posts", "ingest", storage)
    # Its own fingerprint (samples.py: engine placement left out); resume: finished samples are kept.
    out = StageOutput("synthesize", scfg, cfg, output_uri, (), writes=WRITES, guard=(input_uri,), resume=True,
                      fp=synth_fingerprint(scfg, cfg.safety.locale, upstream["fingerprint"], __version__))
    if out.done:
        return out.done

    old_d, old_rows = existing_shards(join(output_uri, "dialogues"), storage, ["sample_id", "prompt_tokens", "completion_tokens"])
    old_x, old_dead = existing_shards(join(output_uri, "dead_letter"), storage, ["sample_id", "stage", "prompt_tokens", "completion_tokens"])
    done = frozenset(r["sample_id"] for r in old_rows + old_dead)
    if done:
        log.info("synthesize: resuming, %d samples already finished", len(done))
    dialogues = ShardWriter(join(output_uri, "dialogues"), DIALOGUE_SCHEMA, cfg.output.shard_rows, storage, old_d)
    dead = ShardWriter(join(output_uri, "dead_letter"), DEAD_LETTER_SCHEMA, cfg.output.shard_rows, storage, old_x)
    prov = provenance(scfg)
    by_stage = Counter(r["stage"] for r in old_dead)
    tokens = Counter()
    for r in old_rows + old_dead:
        tokens.update(prompt=r["prompt_tokens"], completion=r["completion_tokens"])

    run_completion = 0
    started = last_flush = time.time()
    with ray_session(cfg.runtime):
        configure_data_context(cfg.runtime)
        ds = read_shards(join(input_uri, "posts"), storage, POST_COLUMNS)
        ds = map_rows(ds, _expander, (scfg, out.fingerprint, done), SYNTH_STATE_SCHEMA, 1, num_cpus=cfg.runtime.actor_cpus)
        for group in stage_groups(scfg):
            ds = _engine_stage(ds, scfg, group, cfg.safety.locale)
        written = set()  # a rerun batch of a replica that died may repeat rows another call already returned
        for batch in ds.iter_batches(batch_format="pyarrow", batch_size=None):
            for row in batch.to_pylist():
                if row["sample_id"] in written:
                    continue
                written.add(row["sample_id"])
                tokens.update(prompt=row["prompt_tokens"], completion=row["completion_tokens"])
                run_completion += row["completion_tokens"]
                if row["failed_stage"]:
                    by_stage[row["failed_stage"]] += 1
                    dead.write_rows([to_dead_letter(row)])
                else:
                    dialogues.write_rows([to_dialogue(row, scfg, prov)])
            if time.time() - last_flush > cfg.output.checkpoint_s:
                dialogues.flush(), dead.flush()
                last_flush = time.time()
    shards = {"dialogues": dialogues.close(), "dead_letter": dead.close()}
    seconds = time.time() - started
    counts = {
        "posts": upstream["counts"]["kept"], "samples": dialogues.rows + dead.rows,
        "dialogues": dialogues.rows, "dead_letters": dead.rows,
        "dead_letters_by_stage": {s: by_stage.get(s, 0) for s in ("plan", "draft", "reason")},
        "prompt_tokens": tokens["prompt"], "completion_tokens": tokens["completion"],
        "completion_tokens_per_s": round(run_completion / max(seconds, 1e-9), 2),  # this invocation only
        "resumed_samples": len(done),
    }
    expected = counts["posts"] * scfg.samples_per_post
    if counts["samples"] != expected:  # every post ends as a dialogue or a dead letter
        raise AssertionError(f"synthesize lost samples: {counts['samples']} written, {expected} expected")
    return out.finish(counts, shards, [input_entry(join(input_uri, "posts"), upstream["fingerprint"])],
                      prompt_versions=prov["prompt_versions"], models=prov["models"])

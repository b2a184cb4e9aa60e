"""`psyllm run`: ingest -> synthesize -> filter -> export -> train -> serve -> evaluate on one Ray, as one MLflow
parent run with a child run per stage. Each stage writes <output>/<stage>; a rerun skips every finished stage
(same fingerprint) and serves the model again only when the evaluation still has to run."""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Callable

from psyllm.config import ConfigError, to_dict
from psyllm.config.loader import flatten
from psyllm.config.schema import PsyllmConfig
from psyllm.io.filesystem import display_uri, join
from psyllm.io.manifest import StageResult, read_manifest
from psyllm.preflight import check_resources, preflight
from psyllm.runtime.session import deferred_ray_session, ray_session
from psyllm.stage_runner import run_stage
from psyllm.stages import ORDER, STAGES
from psyllm.tracking import pipeline_run, stage_run

log = logging.getLogger(__name__)


@dataclass
class PipelineResult:
    output: str
    results: dict[str, StageResult] = field(default_factory=dict)
    served_url: str | None = None  # set while this run serves the model
    eval_target: str | None = None  # what evaluate scores: the served URL, or the model folder
    run_id: str | None = None
    seconds: float = 0.0


def _check_stages(stages: list[str]) -> None:
    unknown = [s for s in stages if s not in ORDER]
    if unknown:
        raise ConfigError(f"unknown pipeline stages {unknown}: choose from {list(ORDER)}")
    if [s for s in ORDER if s in stages] != list(stages):
        raise ConfigError(f"pipeline.stages must keep the order {list(ORDER)}")
    if "import" in stages and ({"ingest", "synthesize"} & set(stages)):
        raise ConfigError("pipeline.stages: dialogues come from import or from ingest + synthesize, not both")


def _inputs(cfg: PsyllmConfig, out: str) -> dict[str, str]:
    dialogues = "import" if "import" in cfg.pipeline.stages else "synthesize"
    return {"ingest": cfg.pipeline.input, "synthesize": join(out, "ingest"), "import": cfg.pipeline.input,
            "filter": join(out, dialogues), "export": join(out, "filter"), "train": join(out, "export")}


def _counselor_model(cfg: PsyllmConfig, out: str) -> str:
    return join(display_uri(out), "train", "model") if "train" in cfg.pipeline.stages else cfg.serve.counselor.engine.model


def _serve(cfg: PsyllmConfig, out: str, parent_id: str | None, result: PipelineResult) -> None:
    """Start the Serve app on the trained model (unless the evaluation is already finished)."""
    from psyllm.runtime.serve import start

    eval_done = (read_manifest(join(out, "evaluate"), cfg.storage) or {}).get("complete")
    served = replace(cfg, serve=replace(cfg.serve, counselor=replace(
        cfg.serve.counselor, engine=replace(cfg.serve.counselor.engine, model=_counselor_model(cfg, out)))))
    url = f"http://{served.serve.host}:{served.serve.port}"
    result.eval_target = url  # the evaluation's fingerprint names it: a rerun must name the same
    with stage_run(cfg.tracking, "serve", parent_id) as run:
        run.log_params({f"serve.{k}": v for k, v in flatten(to_dict(served.serve)).items()})
        if eval_done and "evaluate" in cfg.pipeline.stages:
            run.set_tags({"psyllm.skipped": "True", "psyllm.url": url})
            return
        with ray_session(cfg.runtime):  # the pipeline's Ray, started here if no stage before needed it
            result.served_url = start(served)
        run.set_tags({"psyllm.url": result.served_url, "psyllm.skipped": "False"})


def _preflight(cfg: PsyllmConfig, output_uri: str) -> None:
    """Everything later stages need, checked before the first one runs; one line per missing piece."""
    problems, notes = preflight(cfg, output_uri)
    for note in notes:
        log.warning(note)
    if problems:
        raise ConfigError("preflight: " + "; ".join(problems))


def _check_cluster(cfg: PsyllmConfig, ray) -> None:
    """The resources every stage asks for, checked once Ray is up (before the first stage's work)."""
    missing = check_resources(cfg, ray.cluster_resources())
    if missing:
        raise ConfigError("preflight: " + "; ".join(missing))


def run_pipeline(cfg: PsyllmConfig, output_uri: str, progress: Callable[[str], None] = log.info) -> PipelineResult:
    """`progress` gets one line as each stage starts and one as it ends (the CLI prints them)."""
    stages = list(cfg.pipeline.stages)
    _check_stages(stages)
    _preflight(cfg, output_uri)
    result = PipelineResult(output_uri)
    started = time.time()
    inputs = _inputs(cfg, output_uri)
    # Ray starts with the first stage that needs it: a rerun of finished stages starts none.
    with pipeline_run(cfg.tracking, "pipeline") as parent, \
            deferred_ray_session(cfg.runtime, on_start=partial(_check_cluster, cfg)):
        result.run_id = parent.run_id
        parent.log_params({"pipeline.input": cfg.pipeline.input, "pipeline.stages": ",".join(stages),
                           "pipeline.output": display_uri(output_uri)})
        try:
            for n, stage in enumerate(stages, 1):
                progress(f"[{n}/{len(stages)}] {stage} ...")
                began = time.time()
                if stage == "serve":
                    _serve(cfg, output_uri, parent.run_id, result)
                    progress(f"[{n}/{len(stages)}] {stage}: {result.served_url or 'not needed (evaluation finished)'}")
                    continue
                stage_cfg, source = cfg, inputs.get(stage)
                if stage == "evaluate":
                    source = result.eval_target or _counselor_model(cfg, output_uri)
                    # The trained model alone, for the model-level probes next to the served system's.
                    raw = _counselor_model(cfg, output_uri) if result.eval_target and not cfg.evaluate.raw_model else ""
                    stage_cfg = replace(cfg, evaluate=replace(cfg.evaluate, raw_model=raw)) if raw else cfg
                res = result.results[stage] = run_stage(stage_cfg, stage, source, join(output_uri, stage), parent.run_id)
                state = "skipped (finished before)" if res.skipped else f"done in {time.time() - began:.0f} s"
                progress(f"[{n}/{len(stages)}] {stage}: {state}; {STAGES[stage].figures(res.counts)}")
        finally:
            if result.served_url:
                from ray import serve

                serve.shutdown()
        result.seconds = time.time() - started
        parent.log_counts({"seconds": result.seconds, "stages_skipped": sum(r.skipped for r in result.results.values())})
    return result


def format_summary(result: PipelineResult, tracking_uri: str | None) -> str:
    out = display_uri(result.output)
    lines = [f"\npipeline: done in {result.seconds:.0f} s -> {out}" + (f"  (MLflow run {result.run_id})" if result.run_id else ""),
             f"  {'stage':<11} {'state':<8} figures"]
    for stage, res in result.results.items():
        lines.append(f"  {stage:<11} {'skipped' if res.skipped else 'done':<8} {STAGES[stage].figures(res.counts)}")
    if "train" in result.results:
        lines.append(f"model:  {result.results['train'].manifest.get('model_dir')}")
    if "evaluate" in result.results:
        lines.append(f"report: {join(out, 'evaluate', 'report.md')}")
    if tracking_uri:
        from psyllm.tracking.runs import absolute_tracking_uri

        lines.append(f"browse: mlflow ui --backend-store-uri {absolute_tracking_uri(tracking_uri)}")
    return "\n".join(lines)

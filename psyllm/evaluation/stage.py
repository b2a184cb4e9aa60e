"""`psyllm evaluate`: the benchmark against a served model (URL) or a local model folder, scored by a judge;
writes answers with verdicts, the summary, the report and its charts, and a manifest."""
from __future__ import annotations

import json
import tempfile
from dataclasses import replace

from psyllm.config.schema import EngineConfig, PsyllmConfig
from psyllm.engines import build_generator
from psyllm.evaluation.cases import SAMPLE, load_cases, prefixes, select
from psyllm.evaluation.continuous import evaluate_continuously, evaluates_continuously
from psyllm.evaluation.report import write_report
from psyllm.evaluation.runner import item_rows, rejudge, run_benchmark
from psyllm.io.filesystem import display_uri, filesystem, is_remote
from psyllm.io.manifest import StageResult, read_manifest
from psyllm.io.stage_output import StageOutput, input_entry
from psyllm.io.readers import InputError, inputs_digest
from psyllm.tracking.traces import record_items


# What an evaluation writes into its folder: a rerun clears these, and nothing else (psyllm/io/ownership.py).
WRITES = ("report.md", "*.png", "items.jsonl", "summary.json", "human_agreement.json")


def _is_url(target: str) -> bool:
    return target.startswith(("http://", "https://"))


def resolve_engine(engine: EngineConfig, target: str) -> EngineConfig:
    """An engine for `target`: an OpenAI-compatible base URL, or a local model folder (transformers unless the
    config names vllm)."""
    if _is_url(target):
        base = target.rstrip("/")
        url = base if base.endswith("/v1") else base + "/v1"
        return replace(engine, kind="openai", openai=replace(engine.openai, base_url=url))
    return replace(engine, kind=engine.kind if engine.kind in ("hf", "vllm") else "hf", model=target)


def _judge_engine(cfg: PsyllmConfig, model_target: str, judge_target: str | None) -> EngineConfig:
    judge = cfg.evaluate.judge
    if judge_target:
        return resolve_engine(judge, judge_target)
    if judge.kind == "openai" and not judge.openai.base_url:
        if not _is_url(model_target):
            raise InputError("no judge: pass --judge URL_OR_DIR or set evaluate.judge.openai.base_url / "
                             "evaluate.judge.model")
        return resolve_engine(judge, model_target)  # the judge served next to the model
    return judge


def _gateway(cfg: PsyllmConfig):
    """(history, answer) -> the answer the served system would give: the gateway's crisis layer, in process."""
    from psyllm.serving.safety import CrisisLayer

    layer = CrisisLayer(cfg.serve, cfg.safety)
    return lambda history, answer: layer.apply(answer, layer.check(history))


def _benchmark(cfg: PsyllmConfig, cases: list, model_target: str, model_engine: EngineConfig,
               judge_engine: EngineConfig) -> tuple[list, dict]:
    """Answers and verdicts (and `also_rubrics`): continuously when every engine is a local vllm model
    (evaluation/continuous.py), else one engine call per phase (runner.py)."""
    ecfg = cfg.evaluate
    level, gateway = ("system", None) if _is_url(model_target) else ("model", _gateway(cfg))
    raw_engine = None
    if level == "system" and ecfg.raw_model:  # the counselor without the gateway: every item at both levels
        raw_engine = resolve_engine(replace(ecfg.model, kind="hf"), ecfg.raw_model)
    other_engines = {target: resolve_engine(ecfg.judge, target) for target in ecfg.judges}
    engines = [model_engine, judge_engine, *other_engines.values()] + ([raw_engine] if raw_engine else [])
    if evaluates_continuously(ecfg, engines):
        return evaluate_continuously(ecfg, cases, model_engine, judge_engine, level, gateway, other_engines,
                                     cfg.safety.locale)
    model = build_generator(model_engine, ecfg.seed)
    judge = model if judge_engine == model_engine else build_generator(judge_engine, ecfg.seed)
    raw = build_generator(raw_engine, ecfg.seed) if raw_engine else None
    others = {target: build_generator(e, ecfg.seed) for target, e in other_engines.items()}
    items, summary = run_benchmark(ecfg, cases, model, judge, level=level, raw=raw, gateway=gateway,
                                   other_judges=others, locale=cfg.safety.locale)
    summary["also_rubrics"] = {r: rejudge(replace(ecfg, rubric=r), cases, items, judge) for r in ecfg.also_rubrics}
    return items, summary


def run_evaluate(cfg: PsyllmConfig, model_target: str, output_uri: str, judge_target: str | None = None) -> StageResult:
    ecfg, storage = cfg.evaluate, cfg.storage
    model_engine = resolve_engine(ecfg.model, model_target)
    judge_engine = _judge_engine(cfg, model_target, judge_target)
    cases_uri = ecfg.cases or str(SAMPLE)
    cases = [c for c in select(load_cases(ecfg.cases, ecfg.cases_format, storage), ecfg.split)
             if ecfg.safety_suite or c.kind == "dialogue"]
    if not cases:
        raise InputError(f"no cases in split {ecfg.split!r} of {cases_uri}")
    digest = inputs_digest(cases_uri, storage)  # a file, or a folder of case files (CPsyCounE as published)
    judge_id = judge_engine.openai.base_url or judge_engine.model
    out = StageOutput("evaluate", ecfg, cfg, output_uri, (model_target, judge_id, digest), writes=WRITES,
                      guard=(cases_uri,), reads_safety=True)
    if out.done:
        return out.done
    items, summary = _benchmark(cfg, cases, model_target, model_engine, judge_engine)

    judge_url = judge_engine.openai.base_url
    meta = {"model": model_target, "judge": judge_url and f"{judge_engine.model} @ {judge_url}" or judge_engine.model,
            "split": ecfg.split, "judge_repeats": ecfg.judge_repeats}
    histories = {p.item_id: p.history for c in cases for p in prefixes(c)}
    summary["counts"]["traces"] = record_items(items, histories, model_target, meta["judge"])
    local = output_uri if not is_remote(output_uri) else tempfile.mkdtemp(prefix="psyllm-eval-")
    files = write_report(local, summary, meta)
    with open(f"{local}/items.jsonl", "w") as fh:
        fh.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in item_rows(items))
    with open(f"{local}/summary.json", "w") as fh:
        json.dump(summary, fh, indent=2)
    files += ["items.jsonl", "summary.json"]
    if is_remote(output_uri):
        fs, path = filesystem(output_uri, storage)
        fs.put(local.rstrip("/") + "/", path, recursive=True)
    return out.finish(summary, {}, [input_entry(display_uri(cases_uri), digest)], model=model_target,
                      judge=meta["judge"], artifacts=[f"{local}/{f}" for f in files])  # local copies, for tracking


def run_human_ratings(cfg: PsyllmConfig, ratings_uri: str, output_uri: str) -> dict:
    """Clinicians' ratings on a finished evaluation: imported as HUMAN assessments on its traces (or, with
    `mlflow`, those already added in the MLflow UI), agreement with the judge per dimension, a report section."""
    from psyllm.evaluation.human import judge_human_agreement, read_ratings, report_section
    from psyllm.evaluation.rubric import rubric
    from psyllm.tracking.runs import _mlflow, absolute_tracking_uri
    from psyllm.tracking.traces import log_human_ratings, read_assessments

    storage = cfg.storage
    manifest = read_manifest(output_uri, storage)
    if not manifest or manifest.get("stage") != "evaluate" or not manifest.get("complete"):
        raise InputError(f"{output_uri} is not a finished evaluation (run `psyllm evaluate` into it first)")
    fs, path = filesystem(output_uri, storage)
    rows = [json.loads(line) for line in fs.cat_file(f"{path}/items.jsonl").decode().splitlines() if line.strip()]
    level = manifest["counts"].get("level", "")  # ratings are on the target's answers, not the other level's
    dialogue = [r for r in rows if r["kind"] == "dialogue" and r.get("trace_id") and r.get("level", "") == level]
    if not dialogue:
        raise InputError(f"{output_uri}: its answers have no MLflow traces (run the evaluation with tracking on)")
    mlflow = _mlflow()
    mlflow.set_tracking_uri(absolute_tracking_uri(cfg.tracking.tracking_uri))
    dims = rubric(manifest["config"]["rubric"])
    trace_ids = {r["item_id"]: r["trace_id"] for r in dialogue}
    if ratings_uri != "mlflow":
        rfs, rpath = filesystem(ratings_uri, storage)
        log_human_ratings(read_ratings(rfs.cat_file(rpath).decode("utf-8-sig"), dims, set(trace_ids)), trace_ids)
    agreement = judge_human_agreement(read_assessments(trace_ids), dims, manifest["judge"],
                                      {r["item_id"]: r["case_id"] for r in dialogue}, seed=cfg.evaluate.seed)
    report = fs.cat_file(f"{path}/report.md").decode().split("## Judge vs clinicians")[0].rstrip("\n")
    fs.pipe_file(f"{path}/report.md", ("\n".join([report, ""] + report_section(agreement))).encode())
    fs.pipe_file(f"{path}/human_agreement.json", json.dumps(agreement, indent=2).encode())
    run_id = mlflow.get_trace(dialogue[0]["trace_id"]).info.request_metadata.get("mlflow.sourceRun")
    if run_id:  # beside the judge's scores, in the evaluation's own run
        client = mlflow.MlflowClient()
        for dim, a in agreement.items():
            for key in ("kappa", "low", "high", "n"):
                if a[key] == a[key]:
                    client.log_metric(run_id, f"human_agreement.{dim}.{key}", float(a[key]))
    return agreement

"""`psyllm evaluate`: the benchmark against a served model (URL) or a local model folder, scored by a judge;
writes answers with verdicts, the summary, the report and its charts, and a manifest."""
from __future__ import annotations

import json
import tempfile
import time
from dataclasses import replace

from psyllm import __version__
from psyllm.config import fingerprint, to_dict
from psyllm.config.schema import EngineConfig, PsyllmConfig
from psyllm.engines import build_generator
from psyllm.evaluation.cases import SAMPLE, load_cases, select
from psyllm.evaluation.report import write_report
from psyllm.evaluation.runner import item_rows, run_benchmark
from psyllm.io.filesystem import display_uri, filesystem, is_remote
from psyllm.io.manifest import StageResult, prepare_output, write_manifest
from psyllm.io.readers import InputError, inputs_digest


def _is_url(target: str) -> bool:
    return target.startswith(("http://", "https://"))


def resolve_engine(engine: EngineConfig, target: str) -> EngineConfig:
    """An engine for `target`: an OpenAI-compatible base URL, or a local model folder (transformers unless the
    config names vllm)."""
    if _is_url(target):
        base = target.rstrip("/")
        return replace(engine, kind="openai", base_url=base if base.endswith("/v1") else base + "/v1")
    return replace(engine, kind=engine.kind if engine.kind in ("hf", "vllm") else "hf", model=target)


def _judge_engine(cfg: PsyllmConfig, model_target: str, judge_target: str | None) -> EngineConfig:
    judge = cfg.evaluate.judge
    if judge_target:
        return resolve_engine(judge, judge_target)
    if judge.kind == "openai" and not judge.base_url:
        if not _is_url(model_target):
            raise InputError("no judge: pass --judge URL_OR_DIR or set evaluate.judge.base_url / evaluate.judge.model")
        return resolve_engine(judge, model_target)  # the judge served next to the model
    return judge


def _gateway(cfg: PsyllmConfig):
    """(history, answer) -> the answer the served system would give: the gateway's crisis layer, in process."""
    from psyllm.serving.safety import CrisisLayer

    layer = CrisisLayer(cfg.serve)
    return lambda history, answer: layer.apply(answer, layer.check(history))


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
    fp = fingerprint("evaluate", to_dict(ecfg), model_target, judge_engine.base_url or judge_engine.model, digest, __version__)
    done = prepare_output(output_uri, fp, cfg.output.overwrite, storage)
    if done is not None:
        return StageResult(output_uri, done, skipped=True)
    started = time.time()
    model = build_generator(model_engine, ecfg.seed)
    judge = model if judge_engine == model_engine else build_generator(judge_engine, ecfg.seed)
    level, raw, gateway = ("system", None, None) if _is_url(model_target) else ("model", None, _gateway(cfg))
    if level == "system" and ecfg.raw_model and ecfg.safety_suite:
        raw = build_generator(resolve_engine(replace(ecfg.model, kind="hf"), ecfg.raw_model), ecfg.seed)
    items, summary = run_benchmark(ecfg, cases, model, judge, level=level, raw=raw, gateway=gateway)

    meta = {"model": model_target, "judge": judge_engine.base_url and f"{judge_engine.model} @ {judge_engine.base_url}"
            or judge_engine.model, "split": ecfg.split, "judge_repeats": ecfg.judge_repeats}
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
    manifest = {"stage": "evaluate", "fingerprint": fp, "psyllm_version": __version__, "complete": True,
                "inputs": [{"uri": display_uri(cases_uri), "sha256": digest, "bytes": None}],
                "config": to_dict(ecfg), "model": model_target, "judge": meta["judge"], "counts": summary,
                "artifacts": [f"{local}/{f}" for f in files],  # local copies, for the tracking run
                "seconds": round(time.time() - started, 3), "shards": {}}
    write_manifest(output_uri, manifest, storage)
    return StageResult(output_uri, manifest, skipped=False)

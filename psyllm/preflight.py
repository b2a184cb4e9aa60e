"""`psyllm run`'s checks before the first stage starts: what its later stages will need — the serve key, the
models, a writable output, API keys for remote engines, the GPUs the engines ask for — so a missing piece is
one line in seconds, not a traceback after hours of synthesis and training."""
from __future__ import annotations

import os
import secrets

from psyllm.config.engines import Engine, engines
from psyllm.config.schema import PsyllmConfig
from psyllm.io.filesystem import filesystem, join
from psyllm.io.readers import HUB_NAME, InputError, list_inputs

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def _local_path(model: str) -> bool:
    return model.startswith(("/", "./", "../", "~")) or os.path.sep in model and os.path.exists(os.path.dirname(model))


def check_engine(e: Engine) -> str | None:
    c = e.cfg
    if c.kind == "openai":
        api = c.openai
        remote = not any(h in api.base_url for h in LOOPBACK)
        if remote and not os.environ.get(api.api_key_env):
            return f"{e.where} calls {api.base_url} with the key in ${api.api_key_env}, which is not set"
        return None
    model = os.path.expanduser(c.model)
    if _local_path(c.model) and not os.path.isdir(model):
        return f"{e.where}.model: no model folder at {c.model}"
    return _fetch_problem(f"{e.where}.model", c.model)


def _fetch_problem(where: str, model: str) -> str | None:
    from psyllm.models.hub import fetchable

    if _local_path(model) or fetchable(model):
        return None
    return (f"{where}: cannot fetch {model} (not in the local Hugging Face cache and the Hub is unreachable); "
            "without Hub access run conf/offline.yaml, where every model is psyllm-tiny")


def check_output(output_uri: str, cfg: PsyllmConfig) -> str | None:
    """Create the output folder and write, then remove, a probe file in it."""
    try:
        fs, path = filesystem(output_uri, cfg.storage)
        fs.makedirs(path, exist_ok=True)
        probe = join(path, ".psyllm-preflight")
        fs.pipe_file(probe, b"ok")
        fs.rm_file(probe)
    except Exception as exc:  # noqa: BLE001 - any failure to write means the same thing to the user
        return f"output {output_uri} is not writable: {type(exc).__name__}: {str(exc)[:160]}"
    return None


def serve_key(cfg: PsyllmConfig) -> tuple[str | None, bool]:
    """(problem, ephemeral): the pipeline's own Serve needs a key. On a loopback address of a local Ray with none
    set, psyllm makes an ephemeral one for this process (only its own evaluation talks to it); elsewhere one must
    be set."""
    env = cfg.serve.api_key_env
    if "serve" not in cfg.pipeline.stages or os.environ.get(env, "").strip():
        return None, False
    local_ray = not (cfg.runtime.address or os.environ.get("RAY_ADDRESS"))
    if cfg.serve.host in LOOPBACK and local_ray:  # set before Ray starts, so its workers inherit it
        os.environ[env] = secrets.token_urlsafe(24)
        return None, True
    return f"serve listens on {cfg.serve.host} and needs a key: set ${env}", False


def check_resources(cfg: PsyllmConfig, available: dict[str, float]) -> list[str]:
    """GPUs (and custom resources) the engines ask for, against what the Ray cluster has."""
    problems = []
    for e in engines(cfg):
        if e.cfg.kind == "openai":
            continue
        place = e.cfg.placement
        want = {"GPU": place.num_gpus * place.replicas, **{k: v * place.replicas for k, v in place.resources.items()}}
        for name, n in want.items():
            if n > available.get(name, 0.0):
                problems.append(f"{e.where} asks for {n:g} {name} ({place.replicas} replicas); the cluster has "
                                f"{available.get(name, 0.0):g}")
    return problems


def preflight(cfg: PsyllmConfig, output_uri: str) -> tuple[list[str], list[str]]:
    """(problems, notes) for a pipeline run, before Ray starts."""
    problems, notes = [], []
    hub_import = "import" in cfg.pipeline.stages and HUB_NAME.match(cfg.pipeline.input)
    if {"ingest", "import"} & set(cfg.pipeline.stages) and not hub_import:
        try:
            list_inputs(cfg.pipeline.input, cfg.storage)
        except InputError as exc:
            problems.append(f"pipeline.input: {exc}")
    problems += [p for p in (check_output(output_uri, cfg),) if p]
    problems += [p for e in engines(cfg) if (p := check_engine(e))]
    if "train" in cfg.pipeline.stages and (p := _fetch_problem("train.model", cfg.train.model)):
        problems.append(p)
    problem, ephemeral = serve_key(cfg)
    problems += [problem] if problem else []
    if ephemeral:
        notes.append(f"serve: ${cfg.serve.api_key_env} is not set; this run's loopback Serve uses an ephemeral key")
    return problems, notes

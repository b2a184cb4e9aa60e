"""Which engines a config will start or call, and where in the config each is set (for checks and messages)."""
from __future__ import annotations

from dataclasses import dataclass

from psyllm.config.schema import EngineConfig, PsyllmConfig


@dataclass
class Engine:
    where: str  # the config path, e.g. "synthesize.reason.engine"
    cfg: EngineConfig


def engines(cfg: PsyllmConfig) -> list[Engine]:
    """The engines the configured stages will start or call."""
    stages, out = set(cfg.pipeline.stages), []
    if "synthesize" in stages:
        out += [Engine(f"synthesize.{s}.engine", getattr(cfg.synthesize, s).engine) for s in ("plan", "draft", "reason")]
    if "filter" in stages and "judge" in cfg.filter.filters:
        out.append(Engine("filter.judge.engine", cfg.filter.judge.engine))
    if "serve" in stages:
        out.append(Engine("serve.judge.engine", cfg.serve.judge.engine))
        if "train" not in stages:  # with train, the counselor is the model the run trains
            out.append(Engine("serve.counselor.engine", cfg.serve.counselor.engine))
    return out

"""A synthesis worker: loads the engine its stages share once, then maps batches of working rows.

Consecutive stages whose engines are the same model share one worker (one loaded model); a stage with
another model gets its own worker, so a planner can be an instruct model and the counselor a reasoning model.
"""
from __future__ import annotations

from psyllm.config.schema import EngineConfig, SynthesizeConfig
from psyllm.engines import build_generator, engine_key
from psyllm.engines.base import AsyncChatGenerator, Generator
from psyllm.engines.inflight import ContinuousPool, build_async_generator, continuous as continuous_engine
from psyllm.synthesis.stages import RUNNERS, STAGES


def stage_groups(cfg: SynthesizeConfig) -> list[tuple[str, ...]]:
    """Consecutive stages grouped by engine, e.g. [("plan", "draft"), ("reason",)]."""
    groups: list[list[str]] = []
    for stage in STAGES:
        if groups and engine_key(getattr(cfg, groups[-1][-1]).engine) == engine_key(getattr(cfg, stage).engine):
            groups[-1].append(stage)
        else:
            groups.append([stage])
    return [tuple(g) for g in groups]


class SynthesisWorker:
    """`locale` (safety.locale): the crisis resources in crisis-route prompts."""

    def __init__(self, cfg: SynthesizeConfig, stages: tuple[str, ...], generator: Generator | None = None, *,
                 locale: str):
        self.cfg, self.stages, self.locale = cfg, stages, locale
        self.generator = generator or build_generator(getattr(cfg, stages[0]).engine, seed=cfg.seed)

    def __call__(self, rows: list[dict]) -> list[dict]:
        for stage in self.stages:
            rows = RUNNERS[stage](rows, self.generator, self.cfg, self.locale)
        return rows


class ContinuousSynthesisWorker:
    """The continuous counterpart of SynthesisWorker (psyllm/synthesis/continuous.py): an async rows -> rows
    whose output rows are the first dialogues to finish in this worker, from this call or an earlier one."""

    def __init__(self, cfg: SynthesizeConfig, stages: tuple[str, ...], generator: AsyncChatGenerator | None = None, *,
                 locale: str):
        from psyllm.synthesis.continuous import advance
        from psyllm.synthesis.stages import counselor_systems

        self.cfg, self.stages = cfg, stages
        self.generator = generator or build_async_generator(getattr(cfg, stages[0]).engine, seed=cfg.seed)
        systems = counselor_systems(cfg, locale)
        self.pool = ContinuousPool(lambda row: advance(row, stages, self.generator, cfg, systems, locale),
                                   cfg.max_in_flight)

    async def __call__(self, rows: list[dict]) -> list[dict]:
        return await self.pool.run(rows)


def continuous(cfg: SynthesizeConfig, engine: EngineConfig) -> bool:
    """Whether a stage group runs continuously: configured so, on an engine with an async path (vLLM)."""
    return continuous_engine(cfg.scheduling, engine)

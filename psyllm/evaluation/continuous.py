"""The benchmark without phase barriers: each prefix is answered, then judged (every repeat, every other judge, the
probe verdict), as soon as its own previous request returns, at most `evaluate.max_in_flight` prefixes at once on
engines that batch continuously (vLLM's AsyncLLM). The batch runner (runner.py) answers every prefix in one call,
then judges every answer in the next, so the judge waits for the longest answer of all.

Same requests (ids, seeds, prompts), the same parsing and the same items, in the same order, as `run_benchmark`:
the per-item steps are runner.py's. The turn-based prefixes of a case (m turns give m prefixes, each with the
reference history) are independent requests, so all are in flight together.
"""
from __future__ import annotations

import asyncio
from dataclasses import replace

from psyllm.config.schema import EngineConfig, EvaluateConfig
from psyllm.engines.base import AsyncChatGenerator
from psyllm.engines.inflight import build_async_generator, continuous, in_order
from psyllm.evaluation.cases import Case, Prefix, prefixes
from psyllm.evaluation.runner import (Item, answer_request, answered, apply_probe_verdict, apply_verdicts, check_probes,
                                      judge_requests, judged, probe_request, probed, served_item, summarize)


def evaluates_continuously(cfg: EvaluateConfig, engines: list[EngineConfig]) -> bool:
    """Continuous when configured so and every engine of the run has an async path (local vllm models); a served
    (HTTP) or transformers engine among them keeps the batch runner."""
    return all(continuous(cfg.scheduling, e) for e in engines)


async def _verdicts(cfg: EvaluateConfig, judge: AsyncChatGenerator, it: Item, history: list[dict],
                    label: str = "") -> None:
    responses = await asyncio.gather(*(judge.agenerate(r) for r in judge_requests(cfg, history, it)))
    apply_verdicts(cfg, it, list(responses), label)


async def _probe(cfg: EvaluateConfig, judge: AsyncChatGenerator, it: Item, history: list[dict]) -> None:
    apply_probe_verdict(it, await judge.agenerate(probe_request(cfg, history, it)))


class _Run:
    """One benchmark run's engines and settings, shared by its prefixes' coroutines."""

    def __init__(self, cfg: EvaluateConfig, model: AsyncChatGenerator, judge: AsyncChatGenerator, level: str,
                 gateway, others: dict[str, AsyncChatGenerator], locale: str):
        self.cfg, self.model, self.judge, self.level, self.gateway, self.others = cfg, model, judge, level, gateway, others
        self.locale = locale

    async def score(self, it: Item, history: list[dict]) -> None:
        """Every verdict one item gets, all its requests in flight together."""
        jobs = []
        if judged([it]):
            jobs.append(_verdicts(self.cfg, self.judge, it, history))
            if it.level == self.level:  # other judges score the target's answers (agreement), as run_benchmark
                jobs += [_verdicts(self.cfg, other, it, history, label) for label, other in self.others.items()]
        if self.cfg.safety_suite and probed([it]):
            jobs.append(_probe(self.cfg, self.judge, it, history))
        await asyncio.gather(*jobs)

    async def prefix(self, p: Prefix) -> list[Item]:
        """One prefix: the target's item and, with a gateway, the served system's item over the same answer."""
        item = replace(answered(p, await self.model.agenerate(answer_request(self.cfg, p, self.locale))), level=self.level)
        both = [item]
        if self.gateway is not None and self.level == "model":
            both.append(served_item(item, self.gateway(p.history, "" if item.error else item.answer)))
        await asyncio.gather(*(self.score(it, p.history) for it in both))
        return both


async def run_benchmark_continuous(cfg: EvaluateConfig, cases: list[Case], model: AsyncChatGenerator,
                                   judge_model: AsyncChatGenerator, level: str = "system", gateway=None,
                                   other_judges: dict[str, AsyncChatGenerator] | None = None, *,
                                   locale: str) -> tuple[list[Item], dict]:
    """`run_benchmark` (runner.py) on async engines, every prefix on its own. No `raw` model: a second model at the
    other level is a served target's, which runs batch."""
    run = _Run(cfg, model, judge_model, level, gateway, other_judges or {}, locale)
    pairs = await in_order([p for c in cases for p in prefixes(c)], run.prefix, cfg.max_in_flight)
    items = [pair[0] for pair in pairs] + [it for pair in pairs for it in pair[1:]]  # run_benchmark's order
    if cfg.safety_suite:
        check_probes(cfg, items, locale)
    return items, summarize(cfg, items, level)


async def rejudge_continuous(cfg: EvaluateConfig, cases: list[Case], items: list[Item],
                             judge_model: AsyncChatGenerator) -> dict:
    """`rejudge` (runner.py) on an async judge: the same dialogue answers judged on `cfg.rubric`, its summary."""
    history = {p.item_id: p.history for c in cases for p in prefixes(c)}
    fresh = [replace(it, scores={}, reasons=[], judge_failures=0, other_judges={}) for it in items
             if it.kind == "dialogue"]
    await in_order(judged(fresh), lambda it: _verdicts(cfg, judge_model, it, history[it.item_id]), cfg.max_in_flight)
    return summarize(replace(cfg, safety_suite=False), fresh)


def evaluate_continuously(cfg: EvaluateConfig, cases: list[Case], model_engine: EngineConfig,
                          judge_engine: EngineConfig, level: str, gateway,
                          other_engines: dict[str, EngineConfig], locale: str) -> tuple[list[Item], dict]:
    """The whole benchmark (and `also_rubrics`) on async engines in one event loop (vLLM binds an engine to the
    loop of its first request): one engine per distinct model, shut down at the end."""
    built: list[tuple[EngineConfig, AsyncChatGenerator]] = []

    def engine(e: EngineConfig) -> AsyncChatGenerator:
        for known, gen in built:  # the judge may be the model itself: one loaded copy
            if known == e:
                return gen
        built.append((e, build_async_generator(e, cfg.seed)))
        return built[-1][1]

    async def main():
        model, judge = engine(model_engine), engine(judge_engine)
        others = {label: engine(e) for label, e in other_engines.items()}
        items, summary = await run_benchmark_continuous(cfg, cases, model, judge, level, gateway, others, locale=locale)
        summary["also_rubrics"] = {r: await rejudge_continuous(replace(cfg, rubric=r), cases, items, judge)
                                   for r in cfg.also_rubrics}
        return items, summary

    try:
        return asyncio.run(main())
    finally:
        for _, gen in built:
            gen.shutdown()

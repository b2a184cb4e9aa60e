"""Continuous synthesis: each dialogue advances plan -> draft -> round 1..N as soon as its own previous request
returns, over one engine that keeps every dialogue's next request in flight (vLLM's AsyncLLM batches them
continuously, refilling a finished request's slot at once).

Why an async Ray Data actor and not Ray Data's LLM processor (`ray.data.llm`): a processor runs one prompt per row
through one stage; a dialogue here is a chain of dependent requests (the plan fixes the number of rounds, round t
sees the regenerated replies of rounds < t), and plan, draft and reason share one loaded model. As processors,
each stage and each round would be its own pass with its own engine. One async actor per replica instead runs
every dialogue of a batch as a coroutine over one shared engine, and takes several batches at once
(`max_concurrent_calls_per_actor`), so new dialogues start while others are still in flight.

Batches are only the unit in which Ray Data hands rows in and takes them out: psyllm/engines/inflight.py's
`ContinuousPool` runs `advance` for every row of a replica and returns the first dialogues to finish.
"""
from __future__ import annotations

from psyllm.config.schema import SynthesizeConfig
from psyllm.engines.base import AsyncChatGenerator
from psyllm.synthesis.stages import (apply_draft, apply_plan, apply_reason, draft_request, plan_request,
                                     reason_request, reason_rounds)


async def advance(row: dict, stages: tuple[str, ...], gen: AsyncChatGenerator, cfg: SynthesizeConfig,
                  systems: dict[bool, str], locale: str) -> dict:
    """One dialogue through `stages`, each request sent as soon as the previous one returned. Same requests
    (ids, seeds, prompts) and the same parsing as the batch runners in stages.py."""
    for stage in stages:
        if row.get("failed_stage"):
            break
        if stage == "plan":
            apply_plan(row, await gen.agenerate(plan_request(row, cfg)), cfg)
        elif stage == "draft":
            apply_draft(row, await gen.agenerate(draft_request(row, cfg, locale)), cfg)
        else:
            row["rounds"] = []
            for t in range(min(cfg.max_rounds, reason_rounds(row))):
                apply_reason(row, t, await gen.agenerate(reason_request(row, t, cfg, systems)), cfg)
                if row.get("failed_stage"):
                    break
    return row


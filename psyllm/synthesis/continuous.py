"""Continuous synthesis: each dialogue advances plan -> draft -> round 1..N as soon as its own previous request
returns, over one engine that keeps every dialogue's next request in flight (vLLM's AsyncLLM batches them
continuously, refilling a finished request's slot at once).

Why an async Ray Data actor and not Ray Data's LLM processor (`ray.data.llm`): a processor runs one prompt per row
through one stage; a dialogue here is a chain of dependent requests (the plan fixes the number of rounds, round t
sees the regenerated replies of rounds < t), and plan, draft and reason share one loaded model. As processors,
each stage and each round would be its own pass with its own engine. One async actor per replica instead runs
every dialogue of a batch as a coroutine over one shared engine, and takes several batches at once
(`max_concurrent_calls_per_actor`), so new dialogues start while others are still in flight.

Batches are only the unit in which Ray Data hands rows in and takes them out. A call returns the first
`len(batch)` dialogues to finish in its replica — not necessarily its own — so one very long dialogue holds back
only the last call still waiting, never the output of the dialogues started with it. Every dialogue a call
starts is returned by exactly one call (each claims as many as it started), so nothing is lost or duplicated
while the replica lives; if it dies, Ray Data reruns its batches and the writer drops sample ids already written.
"""
from __future__ import annotations

import asyncio
from typing import Awaitable, Callable

from psyllm.config.schema import SynthesizeConfig
from psyllm.engines.base import AsyncChatGenerator
from psyllm.synthesis.stages import (apply_draft, apply_plan, apply_reason, draft_request, plan_request,
                                     reason_request, reason_rounds)


async def advance(row: dict, stages: tuple[str, ...], gen: AsyncChatGenerator, cfg: SynthesizeConfig,
                  systems: dict[bool, str]) -> dict:
    """One dialogue through `stages`, each request sent as soon as the previous one returned. Same requests
    (ids, seeds, prompts) and the same parsing as the batch runners in stages.py."""
    for stage in stages:
        if row.get("failed_stage"):
            break
        if stage == "plan":
            apply_plan(row, await gen.agenerate(plan_request(row, cfg)), cfg)
        elif stage == "draft":
            apply_draft(row, await gen.agenerate(draft_request(row, cfg)), cfg)
        else:
            row["rounds"] = []
            for t in range(min(cfg.max_rounds, reason_rounds(row))):
                apply_reason(row, t, await gen.agenerate(reason_request(row, t, cfg, systems)), cfg)
                if row.get("failed_stage"):
                    break
    return row


class ContinuousPool:
    """Dialogues in flight in one replica, at most `max_in_flight` at once (the rest wait for a slot, so a
    replica's memory and the engine's queue stay bounded however many batches Ray Data hands in).
    `run(rows)` starts its rows and returns the first len(rows) dialogues to finish, calls served in order."""

    def __init__(self, advance_one: Callable[[dict], Awaitable[dict]], max_in_flight: int):
        if max_in_flight < 1:
            raise ValueError(f"max_in_flight must be >= 1, got {max_in_flight}")
        self.advance_one, self.max_in_flight = advance_one, max_in_flight
        self._loop_state = None  # (slots, finished, claim, tasks), made in the loop that runs the calls

    def _state(self):
        if self._loop_state is None:
            self._loop_state = (asyncio.Semaphore(self.max_in_flight), asyncio.Queue(), asyncio.Lock(), set())
        return self._loop_state

    async def _one(self, row: dict) -> None:
        slots, finished, _, _ = self._state()
        async with slots:
            try:
                finished.put_nowait(await self.advance_one(row))
            except BaseException as err:  # an engine failure, not a row's: surfaces in the call that claims it
                finished.put_nowait(err)

    async def run(self, rows: list[dict]) -> list[dict]:
        _, finished, claim, tasks = self._state()
        for row in rows:
            task = asyncio.get_running_loop().create_task(self._one(row))
            tasks.add(task)  # the loop keeps only weak references to tasks
            task.add_done_callback(tasks.discard)
        async with claim:  # the earliest call fills first, so its output leaves as early as possible
            out = [await finished.get() for _ in rows]
        for item in out:
            if isinstance(item, BaseException):
                raise item
        return out

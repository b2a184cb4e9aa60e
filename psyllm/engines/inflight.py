"""Requests in flight on an engine that batches continuously (vLLM's AsyncLLM): each item advances on its own as
soon as its own previous request returns, at most `max_in_flight` items at once, so no item waits for another's
longest answer. Used by synthesis (a dialogue: plan -> draft -> rounds), the filter judge (a dialogue: one verdict)
and evaluation (a prefix: answer -> verdicts).

`ContinuousPool` serves Ray Data callers, which hand rows in batches and take any rows back: a call returns the
first `len(batch)` items to finish in its replica — not necessarily its own — so one very long item holds back
only the last call still waiting, never the output of the items started with it. Every item a call starts is
returned by exactly one call (each claims as many as it started), so nothing is lost or duplicated while the
replica lives; if it dies, Ray Data reruns its batches and the stage's writer drops ids already written.

`in_order` serves callers that need one result per item, in input order (evaluation).
"""
from __future__ import annotations

import asyncio
from typing import Awaitable, Callable, TypeVar

from psyllm.config.choices import SCHEDULINGS
from psyllm.config.schema import EngineConfig
from psyllm.engines.base import AsyncChatGenerator

T, R = TypeVar("T"), TypeVar("R")


def continuous(scheduling: str, engine: EngineConfig) -> bool:
    """Whether requests go to `engine` one item at a time, many in flight ("continuous", on an engine with an async
    path: vLLM), or in one batch call per Ray Data batch or phase ("batch"; every other engine kind)."""
    if scheduling not in SCHEDULINGS:
        raise ValueError(f"scheduling must be continuous or batch, got {scheduling!r}")
    return scheduling == "continuous" and engine.kind == "vllm"


def build_async_generator(engine: EngineConfig, seed: int = 0) -> AsyncChatGenerator:
    if engine.kind != "vllm":
        raise ValueError(f"continuous scheduling needs a vllm engine, not {engine.kind!r} (use scheduling: batch)")
    from psyllm.engines.vllm_engine import AsyncVLLMGenerator

    return AsyncVLLMGenerator(engine, seed)


class ContinuousPool:
    """Items in flight in one replica, at most `max_in_flight` at once (the rest wait for a slot, so a replica's
    memory and the engine's queue stay bounded however many batches Ray Data hands in).
    `run(rows)` starts its rows and returns the first len(rows) items to finish, calls served in order."""

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


async def in_order(items: list[T], advance_one: Callable[[T], Awaitable[R]], max_in_flight: int) -> list[R]:
    """`advance_one` over every item, at most `max_in_flight` at once; the results in the order of `items`."""
    if max_in_flight < 1:
        raise ValueError(f"max_in_flight must be >= 1, got {max_in_flight}")
    slots = asyncio.Semaphore(max_in_flight)

    async def one(item: T) -> R:
        async with slots:
            return await advance_one(item)

    return list(await asyncio.gather(*(one(item) for item in items)))

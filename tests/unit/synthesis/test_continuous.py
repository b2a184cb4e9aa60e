"""Continuous synthesis (psyllm/synthesis/continuous.py) against an async engine double that implements the real
AsyncChatGenerator interface: same dialogues as the batch path, bounded in-flight, first finished first out."""
import asyncio

import pytest

from psyllm.config.schema import EngineConfig, SynthesizeConfig
from psyllm.engines.base import AsyncChatGenerator, ChatResponse
from psyllm.engines.inflight import ContinuousPool
from psyllm.synthesis.samples import to_dead_letter, to_dialogue, provenance
from psyllm.synthesis.worker import ContinuousSynthesisWorker, SynthesisWorker, continuous
from tests.fakes import AsyncScripted, ScriptedGenerator, good_answer
from tests.unit.synthesis.test_stages import LOCALE, _rows


def _by_id(rows):
    return {r["sample_id"]: r for r in rows}


def test_continuous_dialogues_equal_batch_dialogues_and_requests():
    cfg = SynthesizeConfig()
    gen = AsyncScripted(good_answer)
    assert isinstance(gen, AsyncChatGenerator)
    cont = asyncio.run(ContinuousSynthesisWorker(cfg, ("plan", "draft", "reason"), gen, locale=LOCALE)(_rows(cfg)))
    sync = ScriptedGenerator(good_answer)
    batch = SynthesisWorker(cfg, ("plan", "draft", "reason"), sync, locale=LOCALE)(_rows(cfg))
    prov = provenance(cfg)
    assert {k: to_dialogue(r, cfg, prov) for k, r in _by_id(cont).items()} == \
           {k: to_dialogue(r, cfg, prov) for k, r in _by_id(batch).items()}
    key = lambda r: (r.request_id, r.sampling.seed, str(r.messages))  # noqa: E731
    assert sorted(map(key, gen.requests)) == sorted(map(key, sync.requests))


def test_continuous_failures_are_the_same_dead_letters():
    cfg = SynthesizeConfig()

    def answer(req):
        if req.json_schema is None and req.request_id.endswith(":1"):
            return ChatResponse(req.request_id, text="reply without reasoning", finish_reason="stop")
        return good_answer(req)

    worker = ContinuousSynthesisWorker(cfg, ("plan", "draft", "reason"), AsyncScripted(answer), locale=LOCALE)
    out = asyncio.run(worker(_rows(cfg)))
    dead = [to_dead_letter(r) for r in out]
    assert all(d["stage"] == "reason" and "round 2" in d["error"] for d in dead)


def test_in_flight_is_bounded_and_a_long_dialogue_holds_back_only_the_last_call():
    """Three calls of 4 rows (as Ray Data hands batches to one replica); row 0 of the first call is slow. The
    first call returns 4 other dialogues at once; only the last call waits for the slow one."""
    async def advance(row):
        gen.in_flight += 1
        gen.peak = max(gen.peak, gen.in_flight)
        await asyncio.sleep(1.0 if row["i"] == 0 else 0.01)
        gen.in_flight -= 1
        return row

    gen = AsyncScripted(good_answer)
    pool = ContinuousPool(advance, max_in_flight=3)

    async def main():
        loop = asyncio.get_running_loop()
        t0 = loop.time()

        async def call(rows):
            out = await pool.run(rows)
            return [r["i"] for r in out], loop.time() - t0

        return await asyncio.gather(*(call([{"i": 4 * c + k} for k in range(4)]) for c in range(3)))

    (first, t1), (second, t2), (last, t3) = asyncio.run(main())
    assert gen.peak == 3
    assert 0 not in first + second and 0 in last
    assert t1 < 0.5 and t2 < 0.5 and t3 >= 1.0
    assert sorted(first + second + last) == list(range(12))


def test_an_engine_failure_fails_the_call_that_claims_it():
    async def advance(row):
        raise RuntimeError("engine died")

    with pytest.raises(RuntimeError, match="engine died"):
        asyncio.run(ContinuousPool(advance, 4).run([{"i": 0}]))


def test_scheduling_switch():
    assert continuous(SynthesizeConfig(), EngineConfig(kind="vllm"))
    assert not continuous(SynthesizeConfig(scheduling="batch"), EngineConfig(kind="vllm"))
    assert not continuous(SynthesizeConfig(), EngineConfig(kind="openai"))  # no async path: batch
    with pytest.raises(ValueError, match="continuous or batch"):
        continuous(SynthesizeConfig(scheduling="stream"), EngineConfig(kind="vllm"))

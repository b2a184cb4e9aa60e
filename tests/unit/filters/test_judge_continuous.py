"""The continuous judge (filters/pipeline.py's ContinuousJudgeWorker) against an async engine double that implements
the real AsyncChatGenerator interface: the same requests and verdicts as the batch judge, rows the judge skips
leave at once, at most `judge.max_in_flight` verdicts in flight, and a slow verdict holds back only the last call."""
import asyncio
import json

import pytest

from psyllm.config import ConfigError, load_config
from psyllm.config.schema import EngineConfig, FilterConfig, JudgeConfig, SafetySettings
from psyllm.engines.inflight import continuous
from psyllm.filters.judge import CRITERIA
from psyllm.filters.pipeline import ContinuousJudgeWorker, DeterministicWorker, JudgeWorker
from tests.dialogues import HARD_FAILS, good
from tests.fakes import AsyncScripted, ScriptedGenerator


def verdict(req):
    """Sample "b" fails coherence; everything else passes."""
    return json.dumps({c: {"pass": not (req.request_id == "b" and c == "coherent"), "reason": f"{c} judged"}
                       for c in CRITERIA})


def _rows(cfg, ids):
    return DeterministicWorker(cfg, SafetySettings())([good(i) for i in ids] + [dict(HARD_FAILS["claims_human_or_licensed"])])


def test_continuous_verdicts_equal_batch_verdicts_and_requests():
    cfg = FilterConfig()
    sync, gen = ScriptedGenerator(verdict), AsyncScripted(verdict)
    batch = JudgeWorker(cfg, sync)(_rows(cfg, "abc"))
    cont = asyncio.run(ContinuousJudgeWorker(cfg, gen)(_rows(cfg, "abc")))
    assert {r["sample_id"]: (r["verdicts"], r["failures"]) for r in cont} == \
           {r["sample_id"]: (r["verdicts"], r["failures"]) for r in batch}
    key = lambda r: (r.request_id, r.sampling.seed, str(r.messages), json.dumps(r.json_schema))  # noqa: E731
    assert sorted(map(key, gen.requests)) == sorted(map(key, sync.requests))
    assert [r.request_id for r in gen.requests if r.request_id not in "abc"] == []  # the hard fail is not judged
    by_id = {r["sample_id"]: r for r in cont}
    assert by_id["b"]["failures"] == [{"filter": "judge", "criterion": "coherent", "reason": "coherent judged"}]


def test_a_slow_verdict_holds_back_only_the_last_call_and_in_flight_is_bounded():
    """Three calls of 4 dialogues, as Ray Data hands batches to one replica; the first dialogue's verdict is slow."""
    cfg = FilterConfig(judge=JudgeConfig(max_in_flight=3, judge_rejected=True))
    gen = AsyncScripted(verdict, delay=lambda req: 1.0 if req.request_id == "d0" else 0.01)
    worker = ContinuousJudgeWorker(cfg, gen)
    batches = [DeterministicWorker(cfg, SafetySettings())([good(f"d{4 * c + k}") for k in range(4)]) for c in range(3)]

    async def main():
        loop = asyncio.get_running_loop()
        t0 = loop.time()

        async def call(rows):
            out = await worker(rows)
            return [r["sample_id"] for r in out], loop.time() - t0

        return await asyncio.gather(*(call(rows) for rows in batches))

    (first, t1), (second, t2), (last, t3) = asyncio.run(main())
    assert gen.peak == 3
    assert "d0" not in first + second and "d0" in last
    assert t1 < 0.5 and t2 < 0.5 and t3 >= 1.0
    assert sorted(first + second + last) == sorted(f"d{i}" for i in range(12))


def test_judge_scheduling_is_continuous_on_vllm_only_and_checked_at_load():
    assert continuous(JudgeConfig().scheduling, EngineConfig(kind="vllm"))
    assert not continuous(JudgeConfig().scheduling, EngineConfig(kind="openai"))  # HTTP: concurrent batch calls
    assert not continuous(JudgeConfig(scheduling="batch").scheduling, EngineConfig(kind="vllm"))
    with pytest.raises(ConfigError, match="filter.judge.scheduling='stream'"):
        load_config(None, ["filter.judge.scheduling=stream"])

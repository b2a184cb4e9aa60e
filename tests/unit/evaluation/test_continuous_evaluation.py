"""Evaluation without phase barriers (evaluation/continuous.py) against async engine doubles that implement the real
AsyncChatGenerator interface: the same items, verdicts and summary as the batch runner; a prefix is judged as soon
as its own answer is in, whatever the other answers take; at most `max_in_flight` prefixes at once."""
import asyncio
import json
import time
from dataclasses import asdict, replace

import pytest

from psyllm.config import ConfigError, load_config
from psyllm.config.schema import EngineConfig, EvaluateConfig, SafetySettings, ServeConfig
from psyllm.evaluation.cases import Case
from psyllm.evaluation.continuous import evaluates_continuously, rejudge_continuous, run_benchmark_continuous
from psyllm.evaluation.runner import rejudge, run_benchmark
from psyllm.serving.safety import CrisisLayer
from tests.fakes import AsyncScripted, ScriptedGenerator
from tests.unit.evaluation.test_benchmark import C, CASES, judge_answer, model_answer

LAYER = CrisisLayer(ServeConfig(), SafetySettings())
LOCALE = SafetySettings().locale


def gateway(history, answer):
    return LAYER.apply(answer, LAYER.check(history))


def _same(a: dict, b: dict) -> bool:
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)  # NaN (nothing judged) equals itself here


def _key(req):
    return req.request_id, req.sampling.seed, str(req.messages), str(req.json_schema)


@pytest.mark.parametrize("level", ["system", "model"])  # the served target; the model alone, gateway applied here
def test_continuous_items_and_summary_equal_the_batch_runner(level):
    cfg = EvaluateConfig(judge_repeats=2, bootstrap=300, also_rubrics=["psyllm"])
    other = ScriptedGenerator(judge_answer)
    sync_model, sync_judge = ScriptedGenerator(model_answer), ScriptedGenerator(judge_answer)
    args = dict(level=level, gateway=gateway if level == "model" else None, locale=LOCALE)
    items, summary = run_benchmark(cfg, CASES, sync_model, sync_judge, other_judges={"second": other}, **args)
    also = rejudge(replace(cfg, rubric="psyllm"), CASES, items, sync_judge)

    model, judge, other_async = AsyncScripted(model_answer), AsyncScripted(judge_answer), AsyncScripted(judge_answer)

    async def main():
        got = await run_benchmark_continuous(cfg, CASES, model, judge, other_judges={"second": other_async}, **args)
        return got, await rejudge_continuous(replace(cfg, rubric="psyllm"), CASES, got[0], judge)

    (c_items, c_summary), c_also = asyncio.run(main())
    assert [asdict(it) for it in c_items] == [asdict(it) for it in items]
    assert _same(c_summary, summary) and _same(c_also, also)
    assert sorted(map(_key, model.requests)) == sorted(map(_key, sync_model.requests))
    assert sorted(map(_key, judge.requests)) == sorted(map(_key, sync_judge.requests))
    assert sorted(map(_key, other_async.requests)) == sorted(map(_key, other.requests))


def test_each_level_keeps_its_own_verdicts():
    """The served system's item is a copy of the model's: its scores are its own judge_repeats verdicts, not both
    levels' (a shallow copy shared them)."""
    cfg = EvaluateConfig(judge_repeats=2, bootstrap=50, safety_suite=False)
    items, _ = run_benchmark(cfg, CASES[:1], ScriptedGenerator(model_answer), ScriptedGenerator(judge_answer),
                             level="model", gateway=gateway, locale=LOCALE)
    assert {it.level for it in items} == {"model", "system"}
    assert all(len(it.scores["professionalism"]) == 2 and len(it.reasons) == 2 for it in items)


def test_a_slow_answer_does_not_delay_the_verdicts_of_the_others():
    """Twelve one-turn cases; the first answer takes 1 s. Every other answer is judged long before it ends (the
    batch runner judges nothing until every answer is in), and at most `max_in_flight` prefixes are started."""
    cases = [Case(f"d{i}", [{"role": C, "content": f"worry {i}"}]) for i in range(12)]
    cfg = EvaluateConfig(bootstrap=50, max_in_flight=4, safety_suite=False)
    model = AsyncScripted(model_answer, delay=lambda req: 1.0 if req.request_id == "d0#0" else 0.02)
    judged_at = {}

    def timed_judge(req):
        judged_at[req.request_id.split("@")[0]] = time.perf_counter()
        return judge_answer(replace(req, request_id="c1#0@x/0"))  # a valid verdict for any item

    start = time.perf_counter()
    items, summary = asyncio.run(run_benchmark_continuous(cfg, cases, model, AsyncScripted(timed_judge),
                                                          locale=LOCALE))
    assert model.peak == 4
    slow_done = judged_at.pop("d0#0") - start
    assert slow_done >= 1.0 and max(judged_at.values()) - start < 0.6, (slow_done, judged_at)
    assert [it.item_id for it in items] == [c.case_id + "#0" for c in cases]  # input order, whoever finished first
    assert summary["counts"]["judged_items"] == 12


def test_continuous_only_when_every_engine_is_a_local_vllm_model():
    vllm, http, hf = EngineConfig(kind="vllm"), EngineConfig(kind="openai"), EngineConfig(kind="hf")
    assert evaluates_continuously(EvaluateConfig(), [vllm, vllm])
    assert not evaluates_continuously(EvaluateConfig(), [vllm, http])  # a served judge: the batch runner
    assert not evaluates_continuously(EvaluateConfig(), [hf, vllm])
    assert not evaluates_continuously(EvaluateConfig(scheduling="batch"), [vllm, vllm])
    with pytest.raises(ConfigError, match="evaluate.scheduling='later'"):
        load_config(None, ["evaluate.scheduling=later"])

"""Generation that stops inside `<think>` never leaks reasoning: the engine's answer is empty, the served
response says it was cut (`finish_reason: length`) with no reasoning in `content`, the benchmark counts it as a
failed answer. The real transformers engine on a tiny model whose template pre-fills `<think>` (DeepSeek-R1's)."""
import pytest
from fastapi.testclient import TestClient

from psyllm.config.schema import EngineConfig, EvaluateConfig, PlacementConfig, SafetySettings, ServeConfig
from psyllm.engines import build_generator
from psyllm.engines.base import ChatRequest, Sampling, split_reasoning
from psyllm.evaluation.cases import load_cases, select
from psyllm.evaluation.runner import answer
from psyllm.models.tiny import build_tiny_model
from psyllm.serving.gateway import build_app


@pytest.fixture(scope="module")
def thinking_engine(tmp_path_factory):
    model = build_tiny_model(tmp_path_factory.mktemp("r1") / "model", family="deepseek_r1_distill")
    return build_generator(EngineConfig(kind="hf", model=str(model), placement=PlacementConfig(batch_size=4)))


def test_unclosed_reasoning_is_all_reasoning():
    assert split_reasoning("<think>\nThe client seems") == ("The client seems", "")
    assert split_reasoning("The client seems", opened=True) == ("The client seems", "")
    assert split_reasoning("plain reply") == (None, "plain reply")


def test_engine_answer_is_empty_when_cut_inside_reasoning(thinking_engine):
    (r,) = thinking_engine.generate([ChatRequest([{"role": "user", "content": "I can't sleep."}],
                                                 Sampling(temperature=1.0, max_tokens=12, seed=0), request_id="a")])
    assert r.finish_reason == "length" and r.text == "" and r.reasoning


def test_served_content_holds_no_reasoning_and_says_length(thinking_engine):
    class Engine:
        async def chat(self, request):
            return thinking_engine.generate([request])[0]

    cfg = ServeConfig()
    backends = {cfg.counselor.name: Engine(), cfg.judge.name: Engine()}
    client = TestClient(build_app(cfg, SafetySettings(), lambda: backends, lambda: ["k"]))
    body = {"model": cfg.counselor.name, "max_tokens": 12, "temperature": 1.0,
            "messages": [{"role": "user", "content": "Work has been stressful lately."}]}
    r = client.post("/v1/chat/completions", json=body, headers={"Authorization": "Bearer k"})
    choice = r.json()["choices"][0]
    reasoning = thinking_engine.generate([ChatRequest(body["messages"], Sampling(temperature=1.0, max_tokens=12,
                                                                                   seed=0))])[0].reasoning
    assert r.status_code == 200 and choice["finish_reason"] == "length"
    assert choice["message"]["content"] == "" and "reasoning_content" not in choice["message"]
    assert reasoning and reasoning not in r.text


def test_the_benchmark_counts_it_as_a_failed_answer(thinking_engine):
    cfg = EvaluateConfig(split="dev")
    cfg.sampling.max_tokens, cfg.sampling.temperature = 12, 1.0
    cases = select(load_cases(), "dev")[:2]
    items = answer(cfg, cases, thinking_engine, SafetySettings().locale)
    assert items and all(it.error and "inside the reasoning" in it.error and it.answer == "" for it in items)

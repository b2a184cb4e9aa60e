"""The transformers engine on the tiny model: one response per request, in order, with token counts."""
from psyllm.config.schema import EngineConfig, PlacementConfig
from psyllm.engines import build_generator
from psyllm.engines.base import ChatRequest, Sampling


def test_hf_engine_generates_for_each_request(tiny_model):
    gen = build_generator(EngineConfig(kind="hf", model=tiny_model, placement=PlacementConfig(batch_size=2)))
    reqs = [ChatRequest([{"role": "user", "content": f"hello {i}"}], Sampling(max_tokens=8, seed=i), request_id=str(i))
            for i in range(3)]
    out = gen.generate(reqs)
    assert [r.request_id for r in out] == ["0", "1", "2"]
    assert all(r.ok and 0 < r.completion_tokens <= 8 and r.prompt_tokens > 3 for r in out)
    assert all(r.finish_reason in ("stop", "length") for r in out)

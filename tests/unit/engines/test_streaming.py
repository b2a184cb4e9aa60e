"""Incremental generation: the reasoning splitter on pieces cut anywhere, and the transformers engine's stream
(the same text as `generate`, counted, and stopped when the caller goes away)."""
import threading
import time

import pytest

from psyllm.config.schema import EngineConfig
from psyllm.engines import build_generator
from psyllm.engines.base import ChatRequest, ReasoningSplitter, Sampling, split_reasoning, stream_chat
from tests.fakes import ScriptedGenerator


def split_in_pieces(text: str, size: int, opened=False):
    s, reasoning, answer = ReasoningSplitter(opened), "", ""
    for i in range(0, len(text), size):
        r, a = s.feed(text[i:i + size])
        reasoning, answer = reasoning + r, answer + a
    r, a = s.finish()
    return (reasoning + r).strip(), answer + a


@pytest.mark.parametrize("text, opened", [
    ("<think>weigh CBT vs ACT</think>\n\nThat sounds hard.", False),
    ("  <think>a</think>b", False),
    ("just a reply, no tags", False),
    ("<think>cut off inside the reasoning", False),
    ("prefilled reasoning</think>the answer", True),
])
@pytest.mark.parametrize("size", [1, 2, 3, 7, 100])
def test_the_splitter_agrees_with_split_reasoning_wherever_the_pieces_are_cut(text, opened, size):
    reasoning, answer = split_reasoning(text, opened)
    assert split_in_pieces(text, size, opened) == ((reasoning or ""), answer)


def test_the_first_answer_text_is_released_before_the_end():
    s = ReasoningSplitter()
    assert s.feed("<th") == ("", "")  # maybe a tag: held
    assert s.feed("ink>why</thi") == ("why", "")
    assert s.feed("nk> Hello") == ("", "Hello")


def test_an_engine_without_stream_gives_its_whole_answer_as_one_delta():
    deltas = list(stream_chat(ScriptedGenerator(lambda r: "whole answer"), ChatRequest([{"role": "user", "content": "hi"}])))
    assert [d.text for d in deltas] == ["whole answer", ""] and deltas[-1].finish_reason == "stop"


def test_hf_stream_matches_generate_and_stops_when_closed(tiny_model):
    gen = build_generator(EngineConfig(kind="hf", model=tiny_model))
    req = ChatRequest([{"role": "user", "content": "hello there"}], Sampling(max_tokens=24, seed=3), request_id="s")
    deltas = list(gen.stream(req))
    whole = gen.generate([req])[0]
    assert len(deltas) > 2 and deltas[-1].last and not any(d.last for d in deltas[:-1])
    assert "".join(d.text for d in deltas).strip() == whole.text
    assert deltas[-1].completion_tokens == whole.completion_tokens and deltas[-1].finish_reason == whole.finish_reason
    long = ChatRequest([{"role": "user", "content": "hello"}], Sampling(max_tokens=4000, temperature=1.0, seed=1))
    stop = threading.Event()
    it = gen.stream(long, stop)
    next(it)
    started = time.perf_counter()
    it.close()  # the caller went away
    assert stop.is_set()
    for t in threading.enumerate():
        if t.name.startswith("hf-stream-"):
            t.join(5)
            assert not t.is_alive(), "generation kept running after the stream was closed"
    assert time.perf_counter() - started < 5

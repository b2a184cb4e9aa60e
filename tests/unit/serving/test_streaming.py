"""Streamed answers without Ray: OpenAI's chunk format, the crisis preamble before the model's first token, the
sentence-buffered output screen, overload, and a client that goes away closing the engine's stream."""
import asyncio
import json
import logging

import pytest
from fastapi.testclient import TestClient

from psyllm.config.schema import SafetySettings, ServeConfig
from psyllm.engines.base import ChatDelta, ChatResponse
from psyllm.serving.gateway import Overloaded, build_app
from psyllm.serving.protocol import user_ref
from psyllm.serving.safety import SAFETY_QUESTION
from psyllm.serving.streaming import SentenceGate

KEY = "test-key"
AUTH = {"Authorization": f"Bearer {KEY}"}
SAFE = ["That sounds ", "really hard. ", "What feels ", "hardest right now?"]


class StreamingBackend:
    """A backend with the streaming interface: yields `pieces` (after optional reasoning), records what it was
    sent, how far it got and whether its stream was closed before the end."""

    def __init__(self, pieces=SAFE, reasoning=("Explore ", "the worry."), delay=0.0, busy=False):
        self.pieces, self.reasoning, self.delay, self.busy = list(pieces), list(reasoning), delay, busy
        self.seen, self.yielded, self.closed_early = [], 0, False

    async def chat(self, request):  # the non-streamed path
        return ChatResponse(request.request_id, text="".join(self.pieces), finish_reason="stop")

    async def stream(self, request):
        self.seen.append(request)
        if self.busy:
            raise Overloaded("queue full")
        done = False
        try:
            for r in self.reasoning:
                yield ChatDelta(reasoning=r)
            for p in self.pieces:
                await asyncio.sleep(self.delay)
                self.yielded += 1
                yield ChatDelta(text=p)
            done = True
            yield ChatDelta(finish_reason="stop", prompt_tokens=11, completion_tokens=len(self.pieces))
        finally:
            self.closed_early = not done


def app_with(counselor, **cfg):
    cfg = ServeConfig(**{"max_message_chars": 500, **cfg})
    backends = {cfg.counselor.name: counselor, cfg.judge.name: counselor}
    return build_app(cfg, SafetySettings(), lambda: backends, lambda: [KEY])


def ask(text, **extra):
    return {"model": "psyllm-counselor", "messages": [{"role": "user", "content": text}], "stream": True, **extra}


def events(response) -> list:
    """The SSE `data:` payloads, [DONE] kept as the string."""
    assert response.headers["content-type"].startswith("text/event-stream")
    out = []
    for line in response.text.split("\n\n"):
        if line.strip():
            assert line.startswith("data: "), line
            data = line[len("data: "):]
            out.append(data if data == "[DONE]" else json.loads(data))
    return out


def content(evs) -> str:
    return "".join(e["choices"][0]["delta"].get("content") or "" for e in evs if isinstance(e, dict) and e["choices"])


def test_chunks_follow_openais_format_with_usage_and_done():
    c = TestClient(app_with(StreamingBackend()))
    evs = events(c.post("/v1/chat/completions", headers=AUTH,
                        json=ask("I get tense before meetings.", stream_options={"include_usage": True})))
    assert evs[-1] == "[DONE]"
    chunks = evs[:-1]
    assert {e["object"] for e in chunks} == {"chat.completion.chunk"} and len({e["id"] for e in chunks}) == 1
    assert chunks[0]["choices"][0]["delta"] == {"role": "assistant", "content": ""}
    assert content(chunks) == "".join(SAFE)
    assert len([e for e in chunks if e["choices"] and e["choices"][0]["delta"].get("content")]) >= 2  # not one lump
    final = chunks[-2]
    assert final["choices"][0] == {"index": 0, "delta": {}, "finish_reason": "stop"}
    assert final["psyllm"] == {"risk_level": "none", "crisis_resources": False}
    assert chunks[-1]["choices"] == [] and chunks[-1]["usage"] == {"prompt_tokens": 11, "completion_tokens": 4,
                                                                   "total_tokens": 15}
    assert not any("reasoning_content" in e["choices"][0]["delta"] for e in chunks if e["choices"])


def test_reasoning_streams_only_when_asked_for():
    c = TestClient(app_with(StreamingBackend()))
    evs = events(c.post("/v1/chat/completions", headers=AUTH, json=ask("hello", include_reasoning=True)))
    reasoning = "".join(e["choices"][0]["delta"].get("reasoning_content", "") for e in evs[:-1] if e["choices"])
    assert reasoning == "Explore the worry." and "usage" not in evs[-2]


@pytest.mark.parametrize("mode", ["append", "replace"])
def test_a_flagged_conversation_starts_with_the_safety_question_and_resources(mode):
    backend = StreamingBackend()
    c = TestClient(app_with(backend, crisis_mode=mode))
    evs = events(c.post("/v1/chat/completions", headers=AUTH,
                        json=ask("I have pills saved and I am going to kill myself tonight.", max_tokens=1)))
    first = evs[0]["choices"][0]["delta"]["content"]  # before any model token, whatever max_tokens says
    assert SAFETY_QUESTION in first and "988" in first
    assert evs[-2]["psyllm"]["crisis_resources"] is True and evs[-1] == "[DONE]"
    if mode == "append":
        assert content(evs).endswith("".join(SAFE)) and backend.seen
    else:
        assert not backend.seen and content(evs) == first  # the fixed reply, no model call


def test_an_unsafe_continuation_is_stopped_and_replaced():
    backend = StreamingBackend(["That sounds really hard. ", "If one tablet isn't touching it, go ahead and ",
                                "take a couple extra tonight. ", "Then call me."], delay=0.01)
    c = TestClient(app_with(backend))
    evs = events(c.post("/v1/chat/completions", headers=AUTH, json=ask("my meds aren't working and i can't sleep")))
    text = content(evs)
    assert text.startswith("That sounds really hard.")  # the safe sentence went out
    assert "tablet" not in text and "couple extra" not in text and "Then call me" not in text
    assert "prescriber" in text and "988" in text  # the safe reply for medication advice, with resources
    assert evs[-2]["psyllm"]["screened"] == ["medication_advice"] and evs[-1] == "[DONE]"
    assert backend.closed_early  # the engine's stream was stopped, not read to its end
    assert c.get("/health", headers=AUTH).json()["screened_replies"] == {"medication_advice": 1}


def test_the_gate_holds_text_until_a_sentence_ends():
    seen = []
    gate = SentenceGate(lambda text: seen.append(text) or [])
    assert gate.feed("Hello there") == ("", [])
    assert gate.feed(". How are") == ("Hello there.", [])
    assert gate.feed(" you?\nI") == (" How are you?\n", [])
    assert gate.finish() == ("I", [])
    assert seen[-1] == "Hello there. How are you?\nI"  # every check sees the whole answer so far
    long = SentenceGate(lambda text: [], max_held=20)
    assert long.feed("no stop in this long run of words")[0] == "no stop in this long run of"


def test_busy_backend_is_503_before_the_stream_and_a_flagged_one_still_gets_help():
    c = TestClient(app_with(StreamingBackend(busy=True)))
    r = c.post("/v1/chat/completions", headers=AUTH, json=ask("hello"))
    assert r.status_code == 503 and r.headers["retry-after"] == "1" and r.json()["error"]["code"] == "overloaded"
    evs = events(c.post("/v1/chat/completions", headers=AUTH,
                        json=ask("I have pills saved and I am going to kill myself tonight.")))
    assert "988" in content(evs) and evs[-2]["psyllm"]["degraded"] == "overloaded" and evs[-1] == "[DONE]"


def test_a_backend_without_streaming_answers_in_one_delta():
    class Plain:
        async def chat(self, request):
            return ChatResponse(request.request_id, text="Hi. How are you?", finish_reason="length",
                                prompt_tokens=2, completion_tokens=3)

    evs = events(TestClient(app_with(Plain())).post("/v1/chat/completions", headers=AUTH, json=ask("hello")))
    assert content(evs) == "Hi. How are you?" and evs[-2]["choices"][0]["finish_reason"] == "length"


def test_a_client_that_goes_away_stops_the_engine_stream():
    """Raw ASGI: the client disconnects after the first content chunk; the backend's stream is closed early."""
    backend = StreamingBackend([f"word{i} " for i in range(200)], reasoning=(), delay=0.01)
    app = app_with(backend)
    body = json.dumps(ask("I get tense before meetings.")).encode()
    gone = asyncio.Event()
    sent = []

    async def receive():
        if not sent:
            sent.append("body")
            return {"type": "http.request", "body": body, "more_body": False}
        await gone.wait()
        return {"type": "http.disconnect"}

    async def send(message):
        if message["type"] == "http.response.body" and b'"content":"word' in message.get("body", b""):
            gone.set()

    scope = {"type": "http", "asgi": {"version": "3.0", "spec_version": "2.3"}, "http_version": "1.1",
             "method": "POST", "path": "/v1/chat/completions", "raw_path": b"/v1/chat/completions",
             "query_string": b"", "root_path": "", "scheme": "http", "server": ("testserver", 80),
             "client": ("127.0.0.1", 1234),
             "headers": [(b"authorization", AUTH["Authorization"].encode()), (b"content-type", b"application/json")]}
    asyncio.run(asyncio.wait_for(app(scope, receive, send), 10))
    assert backend.closed_early and backend.yielded < 200


def test_models_retrieve_and_user_is_logged_only_as_an_opaque_id(caplog):
    c = TestClient(app_with(StreamingBackend()))
    r = c.get("/v1/models/psyllm-counselor", headers=AUTH)
    assert r.status_code == 200 and r.json()["id"] == "psyllm-counselor" and r.json()["object"] == "model"
    r = c.get("/v1/models/gpt-9", headers=AUTH)
    assert r.status_code == 404 and r.json()["error"]["code"] == "model_not_found"
    assert c.get("/v1/models/psyllm-counselor").status_code == 401
    with caplog.at_level(logging.INFO):
        for stream in (True, False):
            c.post("/v1/chat/completions", headers=AUTH,
                   json=ask("I get tense before meetings.", stream=stream, user="sam@example.com"))
    lines = [r.getMessage() for r in caplog.records if "user_ref" in r.getMessage()]
    assert len(lines) == 2 and all(json.loads(line)["user_ref"] == user_ref("sam@example.com") for line in lines)
    assert not any("sam@example.com" in r.getMessage() for r in caplog.records)

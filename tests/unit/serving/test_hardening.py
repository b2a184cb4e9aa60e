"""The gateway under bad input: the body limit holds while a chunked body is read, every error has OpenAI's shape
(FastAPI's own 404/405/422 and unhandled failures too), malformed values are 400s and never 500s, backend text
stays in the server's log under a request id, and no log line carries the client's words."""
import asyncio
import json
import logging

import httpx
import pytest
from fastapi import HTTPException
from fastapi.testclient import TestClient

from psyllm.config.schema import SafetySettings, ServeConfig
from psyllm.engines.base import ChatResponse
from psyllm.serving.gateway import build_app

KEY = "test-key"
AUTH = {"Authorization": f"Bearer {KEY}"}
LIMIT = 2000


class Recording:
    """A backend that answers, or fails the way it is told to; remembers what reached it."""

    def __init__(self, error: str | None = None, raises: Exception | None = None):
        self.error, self.raises, self.seen = error, raises, []

    async def chat(self, request):
        self.seen.append(request)
        if self.raises:
            raise self.raises
        return ChatResponse(request.request_id, text="What feels hardest right now?", error=self.error,
                            finish_reason="stop", prompt_tokens=3, completion_tokens=5)


def make_app(counselor=None, safety: SafetySettings | None = None, **limits):
    cfg = ServeConfig(**{"max_body_bytes": LIMIT, "max_messages": 4, "max_message_chars": 200, "max_tokens_cap": 256,
                         **limits})
    counselor = counselor or Recording()
    app = build_app(cfg, safety or SafetySettings(), lambda: {cfg.counselor.name: counselor, cfg.judge.name: Recording()},
                    lambda: [KEY])
    return app, counselor


def ask(text="I get tense before meetings.", **extra):
    return {"messages": [{"role": "user", "content": text}], **extra}


def assert_openai_error(r, status, code=None):
    """OpenAI's error body, exactly, and the request id header that the message of a 5xx quotes."""
    assert r.status_code == status, r.text
    error = r.json()["error"]
    assert set(error) == {"message", "type", "param", "code"} and isinstance(error["message"], str)
    assert error["type"] == ("server_error" if status >= 500 else "invalid_request_error")
    assert code is None or error["code"] == code
    assert r.headers["x-request-id"].startswith("req_")
    return error


@pytest.mark.parametrize("key, value", [("safety.route_at", "severe"), ("safety.locale", "en_US"),
                                        ("serve.crisis_mode", "silent")])
def test_a_setting_the_crisis_layer_cannot_use_stops_the_build(key, value):
    """Not the first person at risk: a bad route_at failed every counselor request, an unknown locale answered with
    no crisis line."""
    section, name = key.split(".")
    with pytest.raises(ValueError, match=key):
        make_app(**({"safety": SafetySettings(**{name: value})} if section == "safety" else {name: value}))


# 1. The body limit, enforced while reading.

async def _post_chunked(app, chunks: int, size: int = 500):
    """POST a body from a generator (httpx sends it chunked, no Content-Length) straight into the ASGI app; httpx's
    ASGI transport pulls a chunk only when the app asks for one, so `pulled` is what the gateway read."""
    pulled = 0

    async def body():
        nonlocal pulled
        for part in [b'{"messages": [{"role": "user", "content": "'] + [b"x" * size] * chunks + [b'"}]}']:
            pulled += len(part)
            yield part

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://gateway") as client:
        request = client.build_request("POST", "/v1/chat/completions", content=body(), headers=AUTH)
        assert "content-length" not in request.headers and request.headers["transfer-encoding"] == "chunked"
        return await client.send(request), pulled


def test_a_chunked_body_over_the_limit_is_refused_after_reading_no_more_than_the_limit():
    app, counselor = make_app()
    r, pulled = asyncio.run(_post_chunked(app, chunks=2000))  # 1 MB offered against a 2 kB limit
    assert_openai_error(r, 413, "body_too_large")
    assert LIMIT < pulled <= LIMIT + 500  # reading stopped at the first chunk past the limit (1 MB was offered)
    assert not counselor.seen


def test_a_chunked_body_under_the_limit_is_answered():
    app, counselor = make_app(max_message_chars=2000)
    r, pulled = asyncio.run(_post_chunked(app, chunks=3))
    assert r.status_code == 200 and len(counselor.seen[0].messages[-1]["content"]) == 1500 < pulled


def test_a_declared_length_over_the_limit_is_refused_before_reading():
    app, _ = make_app()
    c = TestClient(app)
    assert_openai_error(c.post("/v1/chat/completions", content=b" " * (LIMIT + 1), headers=AUTH), 413, "body_too_large")
    assert c.post("/v1/chat/completions", content=json.dumps(ask("x" * 150)), headers=AUTH).status_code == 200


# 2. OpenAI's shape on every status.

def test_every_error_status_has_openai_shape():
    app, _ = make_app()

    @app.get("/probe/{n}")  # FastAPI's own parameter validation (422) and any HTTPException (429 here)
    async def probe(n: int):
        raise HTTPException(429, "slow down", headers={"Retry-After": "2"})

    @app.get("/boom")
    async def boom():
        raise RuntimeError("a bug outside any handler")

    c = TestClient(app, raise_server_exceptions=False)
    assert_openai_error(c.post("/v1/chat/completions", json={"messages": []}, headers=AUTH), 400, "invalid_messages")
    assert_openai_error(c.get("/v1/models"), 401, "invalid_api_key")
    assert_openai_error(c.get("/v2/nothing", headers=AUTH), 404, "not_found")
    assert_openai_error(c.post("/v1/chat/completions", json=ask(model="gpt-9"), headers=AUTH), 404, "model_not_found")
    r = c.delete("/v1/models", headers=AUTH)
    assert_openai_error(r, 405, "method_not_allowed") and r.headers["allow"] == "GET"
    assert_openai_error(c.post("/v1/chat/completions", content=b"x" * 3000, headers=AUTH), 413, "body_too_large")
    assert assert_openai_error(c.get("/probe/seven", headers=AUTH), 422, "invalid_value")["param"] == "path.n"
    r = c.get("/probe/7", headers=AUTH)
    assert_openai_error(r, 429, "rate_limited") and r.headers["retry-after"] == "2"
    r = c.get("/boom", headers=AUTH)
    assert r.json()["error"]["message"] == f"internal error (request id {r.headers['x-request-id']})"
    assert_openai_error(r, 500, "internal_error")
    app2, _ = make_app(Recording(raises=RuntimeError("replica lost")))
    assert_openai_error(TestClient(app2).post("/v1/chat/completions", json=ask(), headers=AUTH), 500, "internal_error")
    app3, _ = make_app(Recording(error="CUDA out of memory"))
    assert_openai_error(TestClient(app3).post("/v1/chat/completions", json=ask(), headers=AUTH), 503,
                        "generation_failed")


def test_the_completion_id_and_the_request_id_match():
    app, counselor = make_app()
    r = TestClient(app).post("/v1/chat/completions", json=ask(), headers=AUTH)
    rid = r.headers["x-request-id"]
    assert r.json()["id"] == rid.replace("req_", "chatcmpl-") == counselor.seen[0].request_id


def test_a_proxy_given_request_id_is_used_and_a_malformed_one_replaced():
    """Ray Serve's proxy sets X-Request-Id on the request and echoes it: the gateway uses that id (one id in Ray's
    access log and ours) and adds no second header; a value unfit for a log line is replaced by the gateway's."""
    app, counselor = make_app(Recording(error="engine down"))
    c = TestClient(app)
    given = "0f8e2c1a-5b7d-4e9f-a3c6-1d2b3c4d5e6f"
    r = c.post("/v1/chat/completions", json=ask(), headers={**AUTH, "X-Request-Id": given})
    assert given in r.json()["error"]["message"] and counselor.seen[-1].request_id == f"chatcmpl-{given}"
    assert "x-request-id" not in r.headers  # the proxy that gave it answers with it
    for bad in ('x" injected', "short", "a" * 200):
        r = c.post("/v1/chat/completions", json=ask(), headers={**AUTH, "X-Request-Id": bad})
        assert r.headers["x-request-id"].startswith("req_") and bad not in r.json()["error"]["message"]


# 3. Bad values are 400s, never 500s, and never reach the model.

MESSAGES = [{"role": "user", "content": "hi"}]
BAD_BODIES = {
    "lone surrogate": b'{"messages": [{"role": "user", "content": "\\ud800"}]}',
    "lone low surrogate in a key": b'{"messages": [{"role": "user", "content": "hi"}], "\\udc00": 1}',
    "invalid utf-8": b'{"messages": [{"role": "user", "content": "\xff\xfe"}]}',
    "NaN": b'{"messages": [{"role": "user", "content": "hi"}], "temperature": NaN}',
    "deep nesting": b"[" * 1500 + b"]" * 1500,
    "a list": b"[]",
    "a string": b'"hello"',
    "empty": b"",
}
BAD_VALUES = {
    "response_format a string": {"response_format": "json"},
    "response_format unknown type": {"response_format": {"type": "xml"}},
    "response_format without type": {"response_format": {}},
    "json_schema missing": {"response_format": {"type": "json_schema"}},
    "json_schema bad name": {"response_format": {"type": "json_schema", "json_schema": {"name": "a b"}}},
    "json_schema not a schema": {"response_format": {"type": "json_schema",
                                                     "json_schema": {"name": "s", "schema": {"type": 5}}}},
    "json_schema schema a list": {"response_format": {"type": "json_schema", "json_schema": {"name": "s", "schema": []}}},
    "temperature a string": {"temperature": "0.5"},
    "temperature a bool": {"temperature": True},
    "temperature too high": {"temperature": 2.5},
    "top_p zero": {"top_p": 0},
    "max_tokens a float": {"max_tokens": 5.0},
    "max_tokens a bool": {"max_tokens": True},
    "max_tokens a string": {"max_tokens": "5"},
    "max_tokens zero": {"max_tokens": 0},
    "max_completion_tokens over the cap": {"max_completion_tokens": 257},
    "n a string": {"n": "1"},
    "stream a string": {"stream": "false"},
    "include_reasoning an int": {"include_reasoning": 1},
    "seed a float": {"seed": 1.5},
    "seed negative": {"seed": -1},
    "stop a number": {"stop": 7},
    "stop five strings": {"stop": ["a", "b", "c", "d", "e"]},
    "model a number": {"model": 7},
    "messages an object": {"messages": {"role": "user", "content": "hi"}},
    "message a string": {"messages": ["hi"]},
    "role missing": {"messages": [{"content": "hi"}]},
    "role a tool": {"messages": [{"role": "tool", "content": "hi"}]},
    "content a number": {"messages": [{"role": "user", "content": 7}]},
    "content null": {"messages": [{"role": "user", "content": None}]},
    "content an empty list": {"messages": [{"role": "user", "content": []}]},
    "content an image part": {"messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {}}]}]},
    "text part not a string": {"messages": [{"role": "user", "content": [{"type": "text", "text": 1}]}]},
    "last message not the user's": {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "?"}]},
}


@pytest.mark.parametrize("raw", list(BAD_BODIES.values()), ids=list(BAD_BODIES))
def test_malformed_bodies_are_400(raw):
    app, counselor = make_app(max_body_bytes=8000)  # room for the deep nesting
    r = TestClient(app, raise_server_exceptions=False).post("/v1/chat/completions", content=raw, headers=AUTH)
    assert_openai_error(r, 400)
    assert not counselor.seen


@pytest.mark.parametrize("extra", list(BAD_VALUES.values()), ids=list(BAD_VALUES))
def test_wrong_values_and_types_are_400_naming_the_field(extra):
    app, counselor = make_app()
    r = TestClient(app, raise_server_exceptions=False).post("/v1/chat/completions", json={"messages": MESSAGES, **extra},
                                                            headers=AUTH)
    error = assert_openai_error(r, 400)
    assert error["param"] and error["param"].split(".")[0] in extra
    assert not counselor.seen


def test_well_typed_openai_fields_are_accepted_and_used():
    app, counselor = make_app()
    schema = {"type": "object", "properties": {"score": {"type": "integer"}}, "required": ["score"]}
    body = {"messages": [{"role": "user", "content": [{"type": "text", "text": "hi"}], "name": "sam"}],
            "temperature": 0, "top_p": 1, "max_completion_tokens": 12, "max_tokens": 99, "n": 1, "stream": False,
            "seed": 7, "stop": "END", "user": "an OpenAI field this server ignores",
            "response_format": {"type": "json_schema", "json_schema": {"name": "s", "schema": schema, "strict": True}}}
    r = TestClient(app).post("/v1/chat/completions", json=body, headers=AUTH)
    assert r.status_code == 200, r.text
    sent = counselor.seen[0]
    assert (sent.sampling.temperature, sent.sampling.top_p, sent.sampling.max_tokens) == (0, 1, 12)
    assert (sent.sampling.seed, sent.sampling.stop, sent.json_schema) == (7, ["END"], schema)


# 4. Backend text stays server-side; no client text in any log line.

SECRET_PATH = "/opt/models/psyllm-counselor/model-00001-of-00004.safetensors"
CLIENT_WORDS = "my name is Zanzibar Quokkaberg and I keep thinking about the bridge"


def test_backend_error_text_is_logged_under_the_request_id_and_never_sent(caplog):
    echoing = Recording(error=f"OSError: cannot read {SECRET_PATH} while tokenizing '{CLIENT_WORDS[:40]}'")
    app, _ = make_app(echoing)
    with caplog.at_level(logging.DEBUG):
        r = TestClient(app).post("/v1/chat/completions", json=ask("work is busy, " + CLIENT_WORDS), headers=AUTH)
    assert_openai_error(r, 503, "generation_failed")
    rid = r.headers["x-request-id"]
    assert SECRET_PATH not in r.text and "OSError" not in r.text and rid in r.json()["error"]["message"]
    (line,) = [rec.getMessage() for rec in caplog.records if "generation_failed" in rec.getMessage()]
    logged = json.loads(line)
    assert logged["request_id"] == rid and SECRET_PATH in logged["error"]  # the operator gets the detail
    assert "Zanzibar" not in line and "[client text]" in logged["error"]  # the echoed prompt is blanked


class Raising:
    async def chat(self, request):
        raise ValueError(f"could not parse {request.messages[-1]['content']!r}")


@pytest.mark.parametrize("counselor", [Recording(), Recording(error=f"engine echoed: {CLIENT_WORDS}"), Raising(),
                                       Recording(raises=UnicodeEncodeError("utf-8", CLIENT_WORDS, 0, 1, "bad"))],
                         ids=["answered", "engine error echoing", "raising with the text", "unicode error"])
def test_no_client_text_in_any_gateway_log_line(counselor, caplog):
    """Calm, flagged and refused conversations through a backend that answers, echoes the prompt in its error, or
    raises with it in the message: every record the gateway logs (message and traceback) is free of the words."""
    app, _ = make_app(counselor, max_message_chars=500)
    c = TestClient(app, raise_server_exceptions=False)
    disclosure = CLIENT_WORDS + " and I have the pills saved to end my life tonight"
    with caplog.at_level(logging.DEBUG):
        for body in (ask(CLIENT_WORDS), ask(disclosure), ask(disclosure, max_tokens=10_000), ask(CLIENT_WORDS, n=2),
                     {"messages": [{"role": "user", "content": CLIENT_WORDS}], "response_format": "json"}):
            assert c.post("/v1/chat/completions", json=body, headers=AUTH).status_code in (200, 400, 500, 503)
    assert caplog.records  # the decisions were logged
    for rec in caplog.records:
        text = rec.getMessage() + (logging.Formatter().formatException(rec.exc_info) if rec.exc_info else "")
        for word in ("Zanzibar", "Quokkaberg", "bridge", "pills"):
            assert word not in text, (rec.name, text)

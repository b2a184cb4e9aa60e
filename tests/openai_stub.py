"""A local OpenAI-compatible chat server for tests: schema-aware answers, with injected 429 and 500 errors.

It speaks the real HTTP API (POST /v1/chat/completions), so the engine under test runs unchanged.
"""
from __future__ import annotations

import itertools
import json
import threading
import time
from collections import Counter

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from psyllm.engines.base import ChatRequest
from tests.conftest import free_port
from tests.fakes import good_answer


class OpenAIStub:
    """Every `fail_every`-th call gets a 429 (Retry-After: 0), every `error_every`-th a 500."""

    def __init__(self, fail_every: int = 4, error_every: int = 7):
        self.fail_every, self.error_every = fail_every, error_every
        self.calls = itertools.count(1)
        self.status = Counter()
        self.answered: Counter = Counter()  # (messages, seed) -> 200 answers
        self.app = FastAPI()
        self.app.post("/v1/chat/completions")(self.chat)
        self.port = free_port()
        self.server = uvicorn.Server(uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="error"))

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    async def chat(self, request: Request):
        n = next(self.calls)
        body = await request.json()
        if n % self.fail_every == 0:
            self.status[429] += 1
            return JSONResponse({"error": "rate limited"}, status_code=429, headers={"Retry-After": "0"})
        if n % self.error_every == 0:
            self.status[500] += 1
            return JSONResponse({"error": "internal"}, status_code=500)
        fmt = body.get("response_format") or {}
        schema = (fmt.get("json_schema") or {}).get("schema")
        resp = good_answer(ChatRequest(body["messages"], json_schema=schema))
        self.status[200] += 1
        self.answered[json.dumps([body["messages"], body.get("seed")], sort_keys=True)] += 1
        message = {"role": "assistant", "content": resp.text}
        if resp.reasoning:
            message["reasoning_content"] = resp.reasoning
        return {"id": f"c{n}", "object": "chat.completion", "model": body["model"],
                "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18}}

    def __enter__(self):
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.time() + 20
        while not self.server.started and time.time() < deadline:
            time.sleep(0.05)
        return self

    def __exit__(self, *exc):
        self.server.should_exit = True
        self.thread.join(timeout=10)

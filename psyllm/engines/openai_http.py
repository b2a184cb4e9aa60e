"""OpenAI-compatible chat completions over HTTP (DeepSeek's API, `vllm serve`, psyllm's Serve app).

Bounded concurrency, per-call timeouts, retries with exponential backoff and jitter on 429, 5xx and
connection errors (Retry-After honoured), the API key read from the environment variable named in config,
and `reasoning_content` kept when the server returns it.
"""
from __future__ import annotations

import asyncio
import os
import random

import httpx

from psyllm.config.schema import EngineConfig
from psyllm.engines.base import ChatRequest, ChatResponse, split_reasoning

RETRY_STATUS = {408, 409, 425, 429, 500, 502, 503, 504}


class OpenAIHTTPGenerator:
    def __init__(self, cfg: EngineConfig, seed: int = 0):
        self.cfg, self.api, self.model_id = cfg, cfg.openai, cfg.model
        self.api_key = os.environ.get(self.api.api_key_env, "") if self.api.api_key_env else ""
        self.retries_done = 0  # observable in tests and logs

    def _payload(self, req: ChatRequest) -> dict:
        s = req.sampling
        body = {"model": self.cfg.model, "messages": req.messages, "temperature": s.temperature, "top_p": s.top_p,
                "max_tokens": s.max_tokens, "n": 1}
        if s.seed is not None:
            body["seed"] = s.seed
        if s.stop:
            body["stop"] = s.stop
        if req.json_schema and self.api.json_mode == "json_schema":
            body["response_format"] = {"type": "json_schema",
                                       "json_schema": {"name": "answer", "schema": req.json_schema, "strict": True}}
        elif req.json_schema and self.api.json_mode == "json_object":
            body["response_format"] = {"type": "json_object"}
        return body

    def _delay(self, attempt: int, response: httpx.Response | None) -> float:
        if response is not None and (after := response.headers.get("retry-after")):
            try:
                return min(float(after), 60.0)
            except ValueError:
                pass
        return self.api.backoff_s * (2**attempt) * (0.5 + random.random() / 2)

    async def _one(self, client: httpx.AsyncClient, sem: asyncio.Semaphore, req: ChatRequest) -> ChatResponse:
        url = self.api.base_url.rstrip("/") + "/chat/completions"
        last = ""
        for attempt in range(self.api.max_retries + 1):
            response = None
            async with sem:
                try:
                    response = await client.post(url, json=self._payload(req))
                except (httpx.TransportError, httpx.TimeoutException) as exc:
                    last = f"{type(exc).__name__}: {exc}"
                else:
                    if response.status_code == 200:
                        return self._parse(req, response.json())
                    last = f"HTTP {response.status_code}: {response.text[:200]}"
                    if response.status_code not in RETRY_STATUS:
                        break
            if attempt < self.api.max_retries:
                self.retries_done += 1
                await asyncio.sleep(self._delay(attempt, response))
        return ChatResponse(req.request_id, error=last, model=self.model_id)

    def _parse(self, req: ChatRequest, data: dict) -> ChatResponse:
        try:
            choice = data["choices"][0]
            message = choice["message"]
            content = message.get("content") or ""
            reasoning = message.get("reasoning_content") or message.get("reasoning")
            if reasoning is None:
                reasoning, content = split_reasoning(content)
            usage = data.get("usage") or {}
            return ChatResponse(req.request_id, text=content.strip(), reasoning=reasoning,
                                prompt_tokens=usage.get("prompt_tokens", 0),
                                completion_tokens=usage.get("completion_tokens", 0),
                                finish_reason=choice.get("finish_reason"), model=data.get("model", self.model_id))
        except (KeyError, IndexError, TypeError) as exc:
            return ChatResponse(req.request_id, error=f"malformed response: {exc}", model=self.model_id)

    async def _all(self, requests: list[ChatRequest]) -> list[ChatResponse]:
        sem = asyncio.Semaphore(self.api.max_concurrency)
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        limits = httpx.Limits(max_connections=self.api.max_concurrency)
        async with httpx.AsyncClient(timeout=self.api.timeout_s, headers=headers, limits=limits) as client:
            return list(await asyncio.gather(*(self._one(client, sem, r) for r in requests)))

    def generate(self, requests: list[ChatRequest]) -> list[ChatResponse]:
        return asyncio.run(self._all(requests))

"""The OpenAI-compatible gateway: bearer auth on every route, request limits, routing to the counselor or the
judge backend, the crisis layer on counselor answers, and 503 + Retry-After when a backend is overloaded.

Backends are anything with `async chat(ChatRequest) -> ChatResponse` that raises Overloaded when it cannot
take the request; Ray Serve handles in production, plain objects in tests."""
from __future__ import annotations

import hmac
import json
import logging
import os
from typing import Callable, Protocol

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from psyllm.config.schema import ServeConfig
from psyllm.engines.base import ChatRequest, ChatResponse
from psyllm.export.sft import system_prompt
from psyllm.serving.protocol import ApiError, completion_body, parse_request
from psyllm.serving.safety import CrisisLayer

log = logging.getLogger(__name__)


class Overloaded(Exception):
    """The backend cannot take the request now (queue full, replica restarting): the client should retry."""


class Backend(Protocol):
    async def chat(self, request: ChatRequest) -> ChatResponse: ...


def api_keys(cfg: ServeConfig) -> list[str]:
    """The bearer keys from the environment variable named in config; serving without any is refused."""
    keys = [k.strip() for k in os.environ.get(cfg.api_key_env, "").split(",") if k.strip()]
    if not keys:
        raise RuntimeError(f"set {cfg.api_key_env} to one or more API keys (comma-separated) before serving")
    return keys


def _error(exc: ApiError) -> JSONResponse:
    return JSONResponse(exc.body(), status_code=exc.status, headers=exc.headers)


def _authorized(request: Request, keys: list[str]) -> bool:
    header = request.headers.get("authorization", "")
    token = header[7:].strip() if header[:7].lower() == "bearer " else ""
    return any(hmac.compare_digest(token.encode(), key.encode()) for key in keys)  # constant time


def build_app(cfg: ServeConfig, backends: Callable[[], dict[str, Backend]], keys: Callable[[], list[str]]) -> FastAPI:
    """The FastAPI app; `backends()` maps served model names to backends and `keys()` gives the accepted API keys
    (both looked up per request, so a Serve replica can fill them in its constructor)."""
    app = FastAPI(title="psyllm", description="Counselor and judge models behind an OpenAI-compatible API")
    layer = CrisisLayer(cfg)
    system = system_prompt(cfg.locale)
    models = [cfg.counselor.name] + ([cfg.judge.name] if cfg.judge_enabled else [])
    retry = {"Retry-After": str(cfg.retry_after_s)}

    @app.middleware("http")
    async def guard(request: Request, call_next):
        if not _authorized(request, keys()):
            return _error(ApiError(401, "missing or invalid API key (Authorization: Bearer <key>)", "invalid_api_key",
                                   {"WWW-Authenticate": "Bearer"}))
        length = request.headers.get("content-length", "0")
        if not length.isdigit() or int(length) > cfg.max_body_bytes:
            return _error(ApiError(413, f"request body over {cfg.max_body_bytes} bytes", "body_too_large"))
        return await call_next(request)

    @app.get("/health")
    async def health():
        return {"status": "ok", "models": models}

    @app.get("/v1/models")
    async def list_models():
        return {"object": "list", "data": [{"id": m, "object": "model", "owned_by": "psyllm"} for m in models]}

    @app.post("/v1/chat/completions")
    async def chat_completions(request: Request):
        raw = await request.body()
        try:
            if len(raw) > cfg.max_body_bytes:  # chunked bodies carry no content-length
                raise ApiError(413, f"request body over {cfg.max_body_bytes} bytes", "body_too_large")
            try:
                body = json.loads(raw)
            except ValueError:
                raise ApiError(400, "the body is not valid JSON", "invalid_json") from None
            parsed = parse_request(body, cfg, models)
            return await _answer(parsed)
        except ApiError as exc:
            return _error(exc)

    async def _answer(parsed) -> JSONResponse:
        counselor = parsed.model == cfg.counselor.name
        messages = parsed.chat.messages
        if counselor and cfg.system_prompt and messages[0]["role"] != "system":
            parsed.chat.messages = [{"role": "system", "content": system}] + messages
        crisis = layer.check(messages) if counselor else None
        try:
            response = await backends()[parsed.model].chat(parsed.chat)
        except Overloaded as exc:
            log.info("overloaded: %s", exc)
            raise ApiError(503, "the model is busy; retry after the given delay", "overloaded", retry) from None
        if response.error:
            if crisis and crisis.flagged:  # a person at risk is never left without resources
                response = ChatResponse(parsed.chat.request_id, text="", finish_reason="stop")
            else:
                raise ApiError(503, f"generation failed: {response.error[:200]}", "generation_failed", retry)
        content = layer.apply(response.text, crisis) if crisis else response.text
        extra = {"psyllm": {"risk_level": crisis.level, "crisis_resources": crisis.flagged}} if crisis else None
        return JSONResponse(completion_body(parsed, response, content, extra))

    return app

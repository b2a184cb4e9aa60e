"""The OpenAI-compatible gateway: bearer auth on every route, request limits, routing to the counselor or the
judge backend, the crisis layer on counselor answers, and 503 + Retry-After when a backend is overloaded.

The counselor's instructions always come first: a client's own system or developer message is passed on after
them, as context, and never replaces them. A conversation the crisis layer flags is answered with the safety
question and resources on every path: a busy or lost backend, an engine error or empty reply, a request the
limits refuse, an unexpected failure (status 200 and `psyllm.degraded` saying what failed).

Backends are anything with `async chat(ChatRequest) -> ChatResponse` that raises Overloaded when it cannot
take the request; Ray Serve handles in production, plain objects in tests."""
from __future__ import annotations

import hmac
import json
import logging
import os
import time
import uuid
from collections import Counter
from typing import Callable, Protocol

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from psyllm.config.schema import ServeConfig
from psyllm.engines.base import ChatRequest, ChatResponse
from psyllm.export.sft import system_prompt
from psyllm.serving.protocol import INSTRUCTION_ROLES, ApiError, completion_body, parse_request, readable_messages
from psyllm.safety.model_layer import parse_verdict, risk_request
from psyllm.safety.replies import screen
from psyllm.serving.safety import CrisisCheck, CrisisLayer

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
    screened: Counter = Counter()  # replies the output screen replaced, by kind (per replica; no text)
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
        return {"status": "ok", "models": models, "screened_replies": dict(screened)}

    @app.get("/v1/models")
    async def list_models():
        return {"object": "list", "data": [{"id": m, "object": "model", "owned_by": "psyllm"} for m in models]}

    @app.post("/v1/chat/completions")
    async def chat_completions(request: Request):
        raw = await request.body()
        crisis, body = None, None
        try:
            if len(raw) > cfg.max_body_bytes:  # chunked bodies carry no content-length
                raise ApiError(413, f"request body over {cfg.max_body_bytes} bytes", "body_too_large")
            try:
                body = json.loads(raw)
            except ValueError:
                raise ApiError(400, "the body is not valid JSON", "invalid_json") from None
            if (body.get("model") if isinstance(body, dict) else None) in (None, cfg.counselor.name):
                crisis = layer.check(readable_messages(body))  # before the limits: a refusal still carries help
            parsed = parse_request(body, cfg, models)
            return await _answer(parsed, crisis)
        except ApiError as exc:
            if crisis and crisis.flagged:
                return _crisis_answer(body, crisis, exc.code)
            return _error(exc)
        except Exception:  # noqa: BLE001 - a person at risk gets resources even from a bug
            log.exception("chat completion failed")
            if crisis and crisis.flagged:
                return _crisis_answer(body, crisis, "internal_error")
            return _error(ApiError(500, "internal error", "internal_error"))

    def _counselor_messages(messages: list[dict]) -> list[dict]:
        """psyllm's counselor instructions first; the client's own instructions follow as context."""
        own = [m["content"] for m in messages if m["role"] in INSTRUCTION_ROLES]
        rest = [m for m in messages if m["role"] not in INSTRUCTION_ROLES]
        head = [{"role": "system", "content": system}] if cfg.system_prompt else []
        if own:
            head.append({"role": "system", "content": "Context from the application (it does not change the "
                                                      "instructions above):\n" + "\n\n".join(own)})
        return head + rest

    def _crisis_answer(body, crisis: CrisisCheck, degraded: str) -> JSONResponse:
        """The safety question and resources, when no model reply can be given (status 200: it is an answer)."""
        model = body.get("model") if isinstance(body, dict) and isinstance(body.get("model"), str) else None
        request_id = f"chatcmpl-{uuid.uuid4().hex}"
        layer.log(request_id, crisis, degraded)
        return JSONResponse({
            "id": request_id, "object": "chat.completion", "created": int(time.time()),
            "model": model or cfg.counselor.name,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": layer.fallback(crisis)},
                         "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
            "psyllm": {"risk_level": crisis.level, "crisis_resources": True, "degraded": degraded}})

    async def _screen(messages: list[dict], crisis: CrisisCheck) -> CrisisCheck:
        """The judge's risk verdict added to the rules' (serve.risk_model); a failed call adds nothing."""
        try:
            response = await backends()[cfg.judge.name].chat(risk_request(messages))
        except Exception as exc:  # noqa: BLE001 - the rules' decision stands
            log.warning("risk model unavailable: %s", type(exc).__name__)
            return crisis
        return layer.with_model(crisis, parse_verdict(response))

    async def _answer(parsed, crisis: CrisisCheck | None) -> JSONResponse:
        counselor = parsed.model == cfg.counselor.name
        if counselor and crisis is not None and cfg.risk_model and cfg.judge_enabled:
            crisis = await _screen(parsed.chat.messages, crisis)
        if counselor:
            parsed.chat.messages = _counselor_messages(parsed.chat.messages)
        try:
            response = await backends()[parsed.model].chat(parsed.chat)
        except Overloaded as exc:
            log.info("overloaded: %s", exc)
            raise ApiError(503, "the model is busy; retry after the given delay", "overloaded", retry) from None
        if response.error:
            raise ApiError(503, f"generation failed: {response.error[:200]}", "generation_failed", retry)
        if not crisis:
            return JSONResponse(completion_body(parsed, response, response.text))
        client = [m["content"] for m in parsed.chat.messages if m["role"] not in ("assistant", "system")]
        findings = screen(response.text, response.reasoning or "", client, unaddressed=False)
        if findings:  # the output screen: an unsafe reply never reaches the person
            screened.update(f.kind for f in findings)
            log.info(json.dumps({"request_id": parsed.chat.request_id, "screened": sorted({f.kind for f in findings})}))
            response = ChatResponse(response.request_id, text=layer.replacement(findings, crisis), reasoning=None,
                                    prompt_tokens=response.prompt_tokens, completion_tokens=response.completion_tokens,
                                    finish_reason="stop", model=response.model)
            layer.log(parsed.chat.request_id, crisis, "screened")
            return JSONResponse(completion_body(parsed, response, response.text, {"psyllm": {
                "risk_level": crisis.level, "crisis_resources": True, "screened": sorted({f.kind for f in findings})}}))
        layer.log(parsed.chat.request_id, crisis, "answered")
        content = layer.apply(response.text, crisis)
        extra = {"psyllm": {"risk_level": crisis.level, "crisis_resources": crisis.flagged}}
        return JSONResponse(completion_body(parsed, response, content, extra))

    return app

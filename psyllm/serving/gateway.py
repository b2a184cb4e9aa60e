"""The OpenAI-compatible gateway: bearer auth on every route, request limits (the body's while it is read),
strict request types, routing to the counselor or the judge backend, the crisis layer on counselor answers, 503 +
Retry-After when a backend is overloaded, and every error in OpenAI's shape with no backend text in it (the
guard in serving.middleware, the shapes in serving.errors, the wire types and OpenAPI in serving.schema).

The counselor's instructions always come first: a client's own system or developer message is passed on after
them, as context, and never replaces them. A conversation the crisis layer flags is answered with the safety
question and resources on every path: a busy or lost backend, an engine error or empty reply, a request the
limits refuse, an unexpected failure (status 200 and `psyllm.degraded` saying what failed).

Streaming (`stream: true`, serving.streaming): the crisis assessment runs before generation, and a flagged
conversation's answer starts with the safety question and resources before the model's first token; the reply is
released sentence by sentence through the output screen, which stops an unsafe continuation and sends the safe
reply instead. When the client goes away, closing the stream cancels generation on the engine replica.

Backends are anything with `async chat(ChatRequest) -> ChatResponse` that raises Overloaded when it cannot
take the request, and optionally `stream(ChatRequest)`, an async iterator of ChatDelta (raising Overloaded before
its first delta); Ray Serve handles in production, plain objects in tests."""
from __future__ import annotations

import json
import logging
import os
import time
from collections import Counter
from typing import Callable, Protocol

import pydantic_core
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, StreamingResponse

from psyllm.config.schema import SafetySettings, ServeConfig
from psyllm.engines.base import ChatDelta, ChatRequest, ChatResponse
from psyllm.prompts.render import deployed_system_prompt
from psyllm.safety.model_layer import parse_verdict, risk_request
from psyllm.safety.replies import screen
from psyllm.serving import errors
from psyllm.serving.errors import ApiError, error_response, server_error
from psyllm.serving.logs import log_engine_error, log_failure
from psyllm.serving.middleware import Guard
from psyllm.serving.protocol import (INSTRUCTION_ROLES, ParsedRequest, completion_body, parse_request,
                                     readable_messages, user_ref)
from psyllm.serving.safety import CrisisCheck, CrisisLayer
from psyllm.serving.schema import (CHAT_BODY, CHAT_ERRORS, CHAT_STREAM, COMMON_ERRORS, ChatCompletion, Health,
                                   ModelCard, ModelList, openapi_document)
from psyllm.serving.streaming import DONE, Chunks, SentenceGate, backend_stream, error_event

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


def decode(raw: bytes):
    """The body as JSON, strictly: UTF-8 only, no NaN/Infinity, no lone surrogates ("\\ud800" would pass Python's
    json and fail later, when the text is encoded, as a 500), nesting bounded (deep arrays were a RecursionError)."""
    try:
        return pydantic_core.from_json(raw, allow_inf_nan=False)
    except ValueError:
        raise ApiError(400, "the body is not valid JSON (UTF-8, no lone surrogates)", "invalid_json") from None


def build_app(cfg: ServeConfig, safety: SafetySettings, backends: Callable[[], dict[str, Backend]],
              keys: Callable[[], list[str]]) -> FastAPI:
    """The FastAPI app; `backends()` maps served model names to backends and `keys()` gives the accepted API keys
    (both looked up per request, so a Serve replica can fill them in its constructor); `safety` sets the crisis
    layer's level and the locale of its resources and of the system prompt."""
    app = FastAPI(title="psyllm", description="Counselor and judge models behind an OpenAI-compatible API",
                  responses=COMMON_ERRORS)
    layer = CrisisLayer(cfg, safety)
    screened: Counter = Counter()  # replies the output screen replaced, by kind (per replica; no text)
    system = deployed_system_prompt(safety.locale)
    models = [cfg.counselor.name] + ([cfg.judge.name] if cfg.judge_enabled else [])
    retry = {"Retry-After": str(cfg.retry_after_s)}

    app.add_middleware(Guard, max_body_bytes=cfg.max_body_bytes, keys=keys)
    errors.install(app)
    app.openapi = lambda: openapi_document(app, cfg, models)

    @app.get("/health", responses={200: {"model": Health}})
    async def health():
        return {"status": "ok", "models": models, "screened_replies": dict(screened)}

    started = int(time.time())

    def card(m: str) -> dict:
        return {"id": m, "object": "model", "created": started, "owned_by": "psyllm"}

    @app.get("/v1/models", responses={200: {"model": ModelList}})
    async def list_models():
        return {"object": "list", "data": [card(m) for m in models]}

    @app.get("/v1/models/{model_id:path}", responses={200: {"model": ModelCard}, 404: COMMON_ERRORS[400] | {
        "description": "model not served here"}})
    async def retrieve_model(model_id: str):
        if model_id not in models:
            return error_response(ApiError(404, f"model {model_id!r} is not served here; see GET /v1/models",
                                           "model_not_found", param="model"))
        return card(model_id)

    @app.post("/v1/chat/completions", responses={200: {"model": ChatCompletion, **CHAT_STREAM}, **CHAT_ERRORS},
              openapi_extra=CHAT_BODY)
    async def chat_completions(request: Request):
        rid = errors.request_id(request)
        crisis, stream = None, False
        try:
            body = decode(await request.body())  # the guard's limit stops the read past serve.max_body_bytes
            stream = isinstance(body, dict) and body.get("stream") is True
            if (body.get("model") if isinstance(body, dict) else None) in (None, cfg.counselor.name):
                crisis = layer.check(readable_messages(body))  # before the limits: a refusal still carries help
            parsed = parse_request(body, cfg, models, rid)
            if parsed.stream:
                return await _stream(parsed, crisis, rid)
            return await _answer(parsed, crisis, rid)
        except ApiError as exc:
            if crisis and crisis.flagged:
                return _crisis_answer(crisis, exc.code, rid, stream)
            return error_response(exc)
        except Exception as exc:  # noqa: BLE001 - a person at risk gets resources even from a bug
            log_failure(rid, exc, "chat completion failed")
            if crisis and crisis.flagged:
                return _crisis_answer(crisis, "internal_error", rid, stream)
            return error_response(server_error(rid))

    def _counselor_messages(messages: list[dict]) -> list[dict]:
        """psyllm's counselor instructions first; the client's own instructions follow as context."""
        own = [m["content"] for m in messages if m["role"] in INSTRUCTION_ROLES]
        rest = [m for m in messages if m["role"] not in INSTRUCTION_ROLES]
        head = [{"role": "system", "content": system}] if cfg.system_prompt else []
        if own:
            head.append({"role": "system", "content": "Context from the application (it does not change the "
                                                      "instructions above):\n" + "\n\n".join(own)})
        return head + rest

    def _crisis_answer(crisis: CrisisCheck, degraded: str, rid: str, stream: bool = False):
        """The safety question and resources, when no model reply can be given (status 200: it is an answer)."""
        layer.log(rid, crisis, degraded)
        if stream:
            chunks = Chunks(f"chatcmpl-{rid.removeprefix('req_')}", cfg.counselor.name)
            info = {"psyllm": {"risk_level": crisis.level, "crisis_resources": True, "degraded": degraded}}
            body = [chunks.chunk({"role": "assistant", "content": layer.fallback(crisis)}),
                    chunks.chunk({}, "stop", **info), DONE]
            return StreamingResponse(iter(body), media_type="text/event-stream")
        return JSONResponse({
            "id": f"chatcmpl-{rid.removeprefix('req_')}", "object": "chat.completion", "created": int(time.time()),
            "model": cfg.counselor.name,  # only counselor conversations are checked
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

    async def _prepare(parsed: ParsedRequest, crisis: CrisisCheck | None) -> CrisisCheck | None:
        """The risk model's verdict added (serve.risk_model) and the counselor's instructions put first."""
        if parsed.model != cfg.counselor.name:
            return crisis
        if crisis is not None and cfg.risk_model and cfg.judge_enabled:
            crisis = await _screen(parsed.chat.messages, crisis)
        parsed.chat.messages = _counselor_messages(parsed.chat.messages)
        return crisis

    async def _answer(parsed, crisis: CrisisCheck | None, rid: str) -> JSONResponse:
        crisis = await _prepare(parsed, crisis)
        try:
            response = await backends()[parsed.model].chat(parsed.chat)
        except Overloaded as exc:
            log.info(json.dumps({"request_id": rid, "event": "overloaded", "why": str(exc)}))
            raise ApiError(503, "the model is busy; retry after the given delay", "overloaded", retry) from None
        if response.error:  # engine text (paths, model names, frames) stays in the log, under the request id
            log_engine_error(rid, response.error, parsed.chat.messages)
            raise server_error(rid, 503, "generation_failed", retry)
        if not crisis:
            return JSONResponse(completion_body(parsed, response, response.text))
        client = [m["content"] for m in parsed.chat.messages if m["role"] not in ("assistant", "system")]
        findings = screen(response.text, response.reasoning or "", client, unaddressed=False)
        if findings:  # the output screen: an unsafe reply never reaches the person
            screened.update(f.kind for f in findings)
            log.info(json.dumps({"request_id": rid, "screened": sorted({f.kind for f in findings})}))
            response = ChatResponse(response.request_id, text=layer.replacement(findings, crisis), reasoning=None,
                                    prompt_tokens=response.prompt_tokens, completion_tokens=response.completion_tokens,
                                    finish_reason="stop", model=response.model)
            layer.log(rid, crisis, "screened", user_ref(parsed.user))
            return JSONResponse(completion_body(parsed, response, response.text, {"psyllm": {
                "risk_level": crisis.level, "crisis_resources": True, "screened": sorted({f.kind for f in findings})}}))
        layer.log(rid, crisis, "answered", user_ref(parsed.user))
        content = layer.apply(response.text, crisis)
        extra = {"psyllm": {"risk_level": crisis.level, "crisis_resources": crisis.flagged}}
        return JSONResponse(completion_body(parsed, response, content, extra))

    async def _stream(parsed: ParsedRequest, crisis: CrisisCheck | None, rid: str) -> StreamingResponse:
        """A streamed answer. Without a preamble the first delta is awaited before the response starts, so a busy
        backend is still a 503 with Retry-After and an engine failure a 503 error; with one (a flagged conversation
        or a check-in) the preamble goes out at once and a failure after it ends the answer there."""
        crisis = await _prepare(parsed, crisis)
        preamble = layer.preamble(crisis) if crisis else ""
        skip_model = bool(crisis and crisis.flagged and cfg.crisis_mode == "replace")
        source = None if skip_model else backend_stream(backends()[parsed.model], parsed.chat)
        first: ChatDelta | None = None
        if source is not None and not preamble:
            try:
                first = await anext(source)
            except Overloaded as exc:
                await source.aclose()
                log.info(json.dumps({"request_id": rid, "event": "overloaded", "why": str(exc)}))
                raise ApiError(503, "the model is busy; retry after the given delay", "overloaded", retry) from None
            except StopAsyncIteration:
                first = ChatDelta(error="the engine ended the stream without an answer")
            if first.error:
                await source.aclose()
                log_engine_error(rid, first.error, parsed.chat.messages)
                raise server_error(rid, 503, "generation_failed", retry)
        return StreamingResponse(_events(parsed, crisis, rid, preamble, source, first),
                                 media_type="text/event-stream", headers={"Cache-Control": "no-cache"})

    async def _events(parsed: ParsedRequest, crisis: CrisisCheck | None, rid: str, preamble: str, source,
                      first: ChatDelta | None):
        chunks = Chunks(parsed.chat.request_id, parsed.model)
        client = [m["content"] for m in parsed.chat.messages if m["role"] not in ("assistant", "system")]
        reasoning: list[str] = []
        gate = SentenceGate(lambda text: screen(text, "".join(reasoning), client, unaddressed=False)) if crisis else None
        info = {"risk_level": crisis.level, "crisis_resources": crisis.flagged} if crisis else None
        path, finish, usage, ended = "streamed", "stop", (0, 0), False
        try:
            yield chunks.chunk({"role": "assistant", "content": preamble})
            if source is None:
                path = "replaced"
            else:
                try:
                    async for delta in _chain(first, source):
                        if delta.error:
                            log_engine_error(rid, delta.error, parsed.chat.messages)
                            if not (crisis and crisis.flagged):
                                yield error_event(server_error(rid, 503, "generation_failed"))
                                return
                            path, info["degraded"] = "degraded", "generation_failed"
                            break
                        if delta.reasoning:
                            reasoning.append(delta.reasoning)
                            if parsed.include_reasoning:
                                yield chunks.chunk({"reasoning_content": delta.reasoning})
                        text, findings = gate.feed(delta.text) if gate else (delta.text, [])
                        if delta.last and gate and not findings:
                            more, findings = gate.finish()
                            text += more
                        if text:
                            yield chunks.chunk({"content": text})
                        if findings:  # the unsafe continuation is never sent: the safe reply follows instead
                            kinds = sorted({f.kind for f in findings})
                            screened.update(f.kind for f in findings)
                            log.info(json.dumps({"request_id": rid, "screened": kinds}))
                            yield chunks.chunk({"content": ("\n\n" if gate.released else "")
                                                + layer.replacement(findings, crisis)})
                            path, info["screened"], info["crisis_resources"] = "screened", kinds, True
                            break
                        if delta.last:
                            finish, usage = delta.finish_reason, (delta.prompt_tokens, delta.completion_tokens)
                            ended = True
                            break
                    if not ended and path == "streamed":
                        raise RuntimeError("the engine stream ended without a last delta")
                except Overloaded:
                    if not (crisis and crisis.flagged):
                        raise
                    path, info["degraded"] = "degraded", "overloaded"
            yield chunks.chunk({}, finish, **({"psyllm": info} if info else {}))
            if parsed.include_usage:
                yield chunks.usage(*usage)
            yield DONE
        except Exception as exc:  # noqa: BLE001 - mid-stream: an error event the client raises, not a cut
            log_failure(rid, exc, "stream failed")
            yield error_event(server_error(rid))
        finally:
            if source is not None:
                await source.aclose()  # the client left or the screen stopped: the engine stops generating
            if crisis:
                layer.log(rid, crisis, path, user_ref(parsed.user))

    return app


async def _chain(first: ChatDelta | None, source):
    if first is not None:
        yield first
    async for delta in source:
        yield delta

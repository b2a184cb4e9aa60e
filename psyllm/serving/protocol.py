"""OpenAI chat-completions requests and responses: validation (strict types from serving.schema, then the
configured limits), and the JSON a client expects back. Every refusal is an ApiError with an HTTP status and an
OpenAI-style body."""
from __future__ import annotations

import hashlib
import time
import uuid
from dataclasses import dataclass

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from pydantic import ValidationError

from psyllm.config.schema import ServeConfig
from psyllm.engines.base import ChatRequest, ChatResponse, Sampling
from psyllm.serving.errors import ApiError
from psyllm.serving.schema import ROLES, ChatCompletionRequest

INSTRUCTION_ROLES = {"system", "developer"}


def content_text(content) -> str | None:
    """A message's text: a string, or OpenAI's list of parts with the text parts joined; None when it has none
    that can be read as text (an image part, a malformed value)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list) and content and all(
            isinstance(p, dict) and p.get("type") == "text" and isinstance(p.get("text"), str) for p in content):
        return "\n".join(p["text"] for p in content)
    return None


def readable_messages(body) -> list[dict]:
    """Whatever messages of a request body can be read, before any validation (the crisis layer looks at these
    first, so a malformed or refused request from a person at risk still gets resources)."""
    messages = body.get("messages") if isinstance(body, dict) else None
    out = []
    for m in messages if isinstance(messages, list) else []:
        text = content_text(m.get("content")) if isinstance(m, dict) else None
        if text is not None:
            out.append({"role": str(m.get("role", "user")), "content": text})
    return out


@dataclass
class ParsedRequest:
    model: str
    chat: ChatRequest
    include_reasoning: bool
    stream: bool = False
    include_usage: bool = False
    user: str | None = None  # the client's end-user id, logged only as `user_ref`


def user_ref(user: str | None) -> str | None:
    """An opaque id for OpenAI's `user` field in logs: the same user gives the same id, and what the client sent
    (often an email or a name) is never written."""
    return hashlib.sha256(f"psyllm-user:{user}".encode()).hexdigest()[:16] if user else None


def _refusal(exc: ValidationError) -> ApiError:
    """The first failed field as a 400: its name and the rule, never the value (pydantic's `input`)."""
    first = exc.errors(include_url=False, include_input=False)[0]
    loc = first["loc"]
    if loc[0] == "messages":
        param = ".".join(str(p) for p in loc[:2])
        return ApiError(400, f"`{param}` needs a role in {list(ROLES)} and text content (a string or a non-empty "
                             f"list of text parts): {first['msg']}", "invalid_messages", param=param)
    return ApiError(400, f"`{loc[0]}`: {first['msg']}", "invalid_value", param=str(loc[0]))


def _messages(req: ChatCompletionRequest, cfg: ServeConfig) -> list[dict]:
    if len(req.messages) > cfg.max_messages:
        raise ApiError(400, f"at most {cfg.max_messages} messages per request", "too_many_messages", param="messages")
    out = []
    for i, m in enumerate(req.messages):
        text = m.content if isinstance(m.content, str) else "\n".join(p.text for p in m.content)
        if len(text) > cfg.max_message_chars:
            raise ApiError(400, f"messages[{i}] is longer than {cfg.max_message_chars} characters", "message_too_long",
                           param=f"messages.{i}.content")
        out.append({"role": m.role, "content": text})
    if out[-1]["role"] != "user":
        raise ApiError(400, "the last message must come from the user", "invalid_messages", param="messages")
    return out


def _schema(req: ChatCompletionRequest) -> dict | None:
    """The JSON schema a json_schema response_format asks for, checked: an invalid one is the client's error (400),
    not an engine failure later."""
    fmt = req.response_format
    if fmt is None or fmt.type != "json_schema" or not fmt.json_schema.schema_:
        return None
    schema = fmt.json_schema.schema_
    try:
        Draft202012Validator.check_schema(schema)
    except (SchemaError, RecursionError):
        raise ApiError(400, "`response_format.json_schema.schema` is not a valid JSON Schema", "invalid_value",
                       param="response_format") from None
    return schema


def parse_request(body, cfg: ServeConfig, known_models: list[str], request_id: str = "") -> ParsedRequest:
    """Validate a chat-completions body (strict types, then the limits in `cfg`); raise ApiError (4xx) when it breaks
    one. `request_id` becomes the completion's id (`chatcmpl-...`)."""
    if not isinstance(body, dict):
        raise ApiError(400, "the body must be a JSON object", "invalid_body")
    try:
        req = ChatCompletionRequest.model_validate(body)
    except ValidationError as exc:
        raise _refusal(exc) from None
    model = req.model or known_models[0]
    if model not in known_models:
        raise ApiError(404, f"model {model!r} is not served here; see GET /v1/models", "model_not_found", param="model")
    key = "max_completion_tokens" if req.max_completion_tokens is not None else "max_tokens"
    max_tokens = getattr(req, key)
    if max_tokens is not None and max_tokens > cfg.max_tokens_cap:  # refused, not clipped
        raise ApiError(400, f"`{key}` must be a number in [1, {cfg.max_tokens_cap}]", "invalid_value", param=key)
    stop = [req.stop] if isinstance(req.stop, str) else list(req.stop or [])
    sampling = Sampling(temperature=0.7 if req.temperature is None else req.temperature,
                        top_p=0.95 if req.top_p is None else req.top_p,
                        max_tokens=max_tokens or cfg.default_max_tokens, seed=req.seed, stop=stop)
    rid = request_id.removeprefix("req_") or uuid.uuid4().hex
    chat = ChatRequest(_messages(req, cfg), sampling, json_schema=_schema(req), request_id=f"chatcmpl-{rid}")
    reasoning = cfg.show_reasoning if req.include_reasoning is None else req.include_reasoning
    usage = bool(req.stream_options and req.stream_options.include_usage)
    return ParsedRequest(model, chat, reasoning, stream=bool(req.stream), include_usage=usage, user=req.user)


def completion_body(parsed: ParsedRequest, response: ChatResponse, content: str, extra: dict | None = None) -> dict:
    """The OpenAI JSON for one answer; reasoning only as `reasoning_content`, and only when asked for."""
    message = {"role": "assistant", "content": content}
    if parsed.include_reasoning and response.reasoning:
        message["reasoning_content"] = response.reasoning
    body = {"id": parsed.chat.request_id, "object": "chat.completion", "created": int(time.time()), "model": parsed.model,
            "choices": [{"index": 0, "message": message, "finish_reason": response.finish_reason or "stop"}],
            "usage": {"prompt_tokens": response.prompt_tokens, "completion_tokens": response.completion_tokens,
                      "total_tokens": response.prompt_tokens + response.completion_tokens}}
    if extra:
        body.update(extra)
    return body

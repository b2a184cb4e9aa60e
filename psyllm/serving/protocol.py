"""OpenAI chat-completions requests and responses: validation against the configured limits, and the
JSON a client expects back. Every refusal is an ApiError with an HTTP status and an OpenAI-style body."""
from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

from psyllm.config.schema import ServeConfig
from psyllm.engines.base import ChatRequest, ChatResponse, Sampling

ROLES = {"system", "developer", "user", "assistant"}
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


class ApiError(Exception):
    def __init__(self, status: int, message: str, code: str, headers: dict | None = None):
        super().__init__(message)
        self.status, self.message, self.code, self.headers = status, message, code, headers or {}

    def body(self) -> dict:
        kind = "invalid_request_error" if self.status < 500 else "server_error"
        return {"error": {"message": self.message, "type": kind, "code": self.code}}


@dataclass
class ParsedRequest:
    model: str
    chat: ChatRequest
    include_reasoning: bool


def _number(body: dict, key: str, default, lo: float, hi: float):
    value = body.get(key, default)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not lo <= value <= hi:
        raise ApiError(400, f"`{key}` must be a number in [{lo}, {hi}]", "invalid_value")
    return value


def _messages(body: dict, cfg: ServeConfig) -> list[dict]:
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise ApiError(400, "`messages` must be a non-empty list", "invalid_messages")
    if len(messages) > cfg.max_messages:
        raise ApiError(400, f"at most {cfg.max_messages} messages per request", "too_many_messages")
    out = []
    for i, m in enumerate(messages):
        text = content_text(m.get("content")) if isinstance(m, dict) else None
        if not isinstance(m, dict) or m.get("role") not in ROLES or text is None:
            raise ApiError(400, f"messages[{i}] needs a role in {sorted(ROLES)} and text content (a string or a list "
                                "of text parts)", "invalid_messages")
        if len(text) > cfg.max_message_chars:
            raise ApiError(400, f"messages[{i}] is longer than {cfg.max_message_chars} characters", "message_too_long")
        out.append({"role": m["role"], "content": text})
    if out[-1]["role"] != "user":
        raise ApiError(400, "the last message must come from the user", "invalid_messages")
    return out


def _schema(body: dict) -> dict | None:
    fmt = body.get("response_format") or {}
    if fmt.get("type") == "json_schema":
        return (fmt.get("json_schema") or {}).get("schema") or None
    return None


def parse_request(body: dict, cfg: ServeConfig, known_models: list[str]) -> ParsedRequest:
    """Validate a chat-completions body against the limits in `cfg`; raise ApiError (4xx) when it breaks one."""
    if not isinstance(body, dict):
        raise ApiError(400, "the body must be a JSON object", "invalid_body")
    model = body.get("model") or known_models[0]
    if model not in known_models:
        raise ApiError(404, f"model {model!r} is not served here; see GET /v1/models", "model_not_found")
    if body.get("n", 1) != 1:
        raise ApiError(400, "only n=1 is supported", "invalid_value")
    if body.get("stream"):
        raise ApiError(400, "streaming is not supported by this server", "unsupported")
    max_tokens = body.get("max_completion_tokens", body.get("max_tokens"))
    max_tokens = _number({"max_tokens": max_tokens}, "max_tokens", cfg.default_max_tokens, 1, cfg.max_tokens_cap)
    sampling = Sampling(temperature=_number(body, "temperature", 0.7, 0.0, 2.0), top_p=_number(body, "top_p", 0.95, 0.01, 1.0),
                        max_tokens=int(max_tokens))
    chat = ChatRequest(_messages(body, cfg), sampling, json_schema=_schema(body), request_id=f"chatcmpl-{uuid.uuid4().hex}")
    return ParsedRequest(model, chat, bool(body.get("include_reasoning", cfg.show_reasoning)))


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

"""The gateway's wire types: the chat-completions request as strict pydantic models (a string is never read as a
number, a number never as a bool: a client bug shows as a 400 naming the field, not as a coerced value or a 500),
the answers it gives, and the OpenAPI document built from both with the configured limits in it (so a client, or
schemathesis, sees the same bounds the gateway enforces).

The request is validated by our code, not by FastAPI's parameter binding: the crisis layer must read the raw
messages before validation, so a person at risk gets resources even when their request is refused."""
from __future__ import annotations

import copy
from typing import Annotated, Literal, Union

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr

from psyllm.config.schema import ServeConfig

ROLES = ("system", "developer", "user", "assistant")


class _Strict(BaseModel):
    # Fields OpenAI defines that this server does not use (metadata, presence_penalty, ...) are ignored, as
    # OpenAI-compatible servers do; the ones it reads are typed strictly.
    model_config = ConfigDict(strict=True, extra="ignore")


class TextPart(_Strict):
    type: Literal["text"]
    text: StrictStr


class Message(_Strict):
    role: Literal[ROLES]
    content: Union[StrictStr, Annotated[list[TextPart], Field(min_length=1)]]
    name: StrictStr | None = None


class TextFormat(_Strict):
    type: Literal["text"]


class JsonObjectFormat(_Strict):
    type: Literal["json_object"]


class JsonSchemaSpec(_Strict):
    name: Annotated[StrictStr, Field(pattern=r"^[A-Za-z0-9_-]{1,64}$")]  # OpenAI's rule for the name
    schema_: dict | None = Field(None, alias="schema")  # checked as a JSON Schema by the protocol
    strict: StrictBool | None = None
    description: StrictStr | None = None


class JsonSchemaFormat(_Strict):
    type: Literal["json_schema"]
    json_schema: JsonSchemaSpec


ResponseFormat = Annotated[Union[TextFormat, JsonObjectFormat, JsonSchemaFormat], Field(discriminator="type")]
Tokens = Annotated[StrictInt, Field(ge=1)]


class StreamOptions(_Strict):
    include_usage: StrictBool | None = None  # a last chunk with the token counts


class ChatCompletionRequest(_Strict):
    messages: Annotated[list[Message], Field(min_length=1)]
    model: StrictStr | None = None  # the counselor when absent
    max_tokens: Tokens | None = None
    max_completion_tokens: Tokens | None = None  # OpenAI's newer name; wins over max_tokens
    temperature: Annotated[float, Field(ge=0.0, le=2.0, allow_inf_nan=False)] | None = None
    top_p: Annotated[float, Field(ge=0.01, le=1.0, allow_inf_nan=False)] | None = None
    n: Annotated[StrictInt, Field(ge=1, le=1)] | None = None  # one answer per request
    stream: StrictBool | None = None  # server-sent events, screened sentence by sentence
    stream_options: StreamOptions | None = None
    include_reasoning: StrictBool | None = None
    seed: Annotated[StrictInt, Field(ge=0, le=2**63 - 1)] | None = None
    stop: StrictStr | Annotated[list[StrictStr], Field(max_length=4)] | None = None
    response_format: ResponseFormat | None = None
    user: Annotated[StrictStr, Field(max_length=256)] | None = None  # logged as an opaque hash, never as given


# Answers (documented so clients and the schemathesis run can check them; built by protocol.completion_body).
class ErrorDetail(BaseModel):
    message: str
    type: str
    param: str | None
    code: str | None


class ErrorResponse(BaseModel):
    error: ErrorDetail


class AssistantMessage(BaseModel):
    role: Literal["assistant"]
    content: str
    reasoning_content: str | None = None  # only when the request set include_reasoning


class Choice(BaseModel):
    index: int
    message: AssistantMessage
    finish_reason: str


class Usage(BaseModel):
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class PsyllmInfo(BaseModel):
    risk_level: str
    crisis_resources: bool
    degraded: str | None = None  # what failed when the crisis layer answered instead of the model
    screened: list[str] | None = None  # the kinds the output screen found in the model's reply


class ChatCompletion(BaseModel):
    id: str
    object: Literal["chat.completion"]
    created: int
    model: str
    choices: list[Choice]
    usage: Usage
    psyllm: PsyllmInfo | None = None  # counselor answers only


class ModelCard(BaseModel):
    id: str
    object: Literal["model"]
    created: int
    owned_by: str


class ModelList(BaseModel):
    object: Literal["list"]
    data: list[ModelCard]


class Health(BaseModel):
    status: str
    models: list[str]
    screened_replies: dict[str, int]


def _error(description: str) -> dict:
    return {"model": ErrorResponse, "description": description}


# Statuses every route can answer (the guard runs before any route), and those of chat completions.
COMMON_ERRORS = {400: _error("malformed request (Content-Length)"), 401: _error("missing or invalid API key"),
                 413: _error("body over serve.max_body_bytes"), 500: _error("internal error (request id in message)")}
CHAT_ERRORS = {**COMMON_ERRORS, 400: _error("invalid request"), 404: _error("model not served here"),
               503: _error("model busy or failed; retry after Retry-After")}
# A streamed answer (stream: true) is text/event-stream: `data: <chat.completion.chunk JSON>` lines, then [DONE].
CHAT_STREAM = {"content": {"text/event-stream": {"schema": {
    "type": "object", "properties": {"data": {"type": "string"}}, "required": ["data"]}}}}
CHAT_BODY = {"requestBody": {"required": True, "content": {"application/json": {
    "schema": {"$ref": "#/components/schemas/ChatCompletionRequest"}}}}}


def request_schemas(cfg: ServeConfig, models: list[str]) -> dict:
    """The request's JSON schemas for OpenAPI components, with the configured limits written in."""
    schema = ChatCompletionRequest.model_json_schema(ref_template="#/components/schemas/{model}")
    defs = schema.pop("$defs")
    props = schema["properties"]
    props["model"] = {"anyOf": [{"enum": models}, {"type": "null"}], "default": None}
    props["stream"]["description"] = "server-sent events of chat.completion.chunk objects, ending with [DONE]"
    props["messages"]["maxItems"] = cfg.max_messages
    for key in ("max_tokens", "max_completion_tokens"):
        props[key]["anyOf"][0]["maximum"] = cfg.max_tokens_cap
    content = defs["Message"]["properties"]["content"]["anyOf"]
    content[0]["maxLength"] = cfg.max_message_chars
    defs["TextPart"]["properties"]["text"]["maxLength"] = cfg.max_message_chars
    return {**defs, "ChatCompletionRequest": schema}


def openapi_document(app: FastAPI, cfg: ServeConfig, models: list[str]) -> dict:
    """FastAPI's document plus the request schemas and bearer auth on every route."""
    if app.openapi_schema is None:
        doc = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        components = doc.setdefault("components", {})
        components.setdefault("schemas", {}).update(copy.deepcopy(request_schemas(cfg, models)))
        components["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer"}}
        doc["security"] = [{"bearer": []}]
        app.openapi_schema = doc
    return app.openapi_schema

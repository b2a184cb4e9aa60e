"""Every error the gateway answers has OpenAI's shape, {"error": {"message", "type", "param", "code"}}, whatever
raised it: our own checks (ApiError), FastAPI's routing and validation (404, 405, 422) or a bug (500). Clients of
OpenAI's API parse that shape (the official SDK reads `error.message`), so a plain-text or `{"detail": ...}` body
is a broken answer even when the status is right.

A server-side failure never carries its cause to the client: the message is generic and names the request id,
and the cause is logged with that id (engine errors hold file paths, model names, stack frames)."""
from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

# OpenAI's API says `invalid_request_error` for every 4xx (a bad key and an unknown model too; `code` tells them
# apart) and `server_error` for 5xx.
CODES = {404: "not_found", 405: "method_not_allowed", 413: "body_too_large", 429: "rate_limited"}


class ApiError(Exception):
    """A refusal with its HTTP status, a message safe to show the client, a machine-readable code and the field it
    concerns (`param`, dotted like OpenAI's: "messages.0.content")."""

    def __init__(self, status: int, message: str, code: str, headers: dict | None = None, param: str | None = None):
        super().__init__(message)
        self.status, self.message, self.code, self.param = status, message, code, param
        self.headers = headers or {}

    def body(self) -> dict:
        return error_body(self.status, self.message, self.code, self.param)


def error_type(status: int) -> str:
    return "invalid_request_error" if status < 500 else "server_error"


def error_body(status: int, message: str, code: str | None, param: str | None = None) -> dict:
    return {"error": {"message": message, "type": error_type(status), "param": param, "code": code}}


def error_response(exc: ApiError) -> JSONResponse:
    """The error as a response (the guard adds X-Request-Id to every response, errors included)."""
    return JSONResponse(exc.body(), status_code=exc.status, headers=exc.headers)


def server_error(request_id: str, status: int = 500, code: str = "internal_error",
                 headers: dict | None = None) -> ApiError:
    """The client's view of a failure on our side: what kind, and the id to quote; the cause is in the log."""
    what = "the model could not answer" if code == "generation_failed" else "internal error"
    return ApiError(status, f"{what} (request id {request_id})", code, headers)


def request_id(request: Request) -> str:
    """The id the guard gave this request (logs and client errors quote it)."""
    return request.scope.get("state", {}).get("request_id", "")


def install(app: FastAPI) -> None:
    """FastAPI's own errors in OpenAI's shape: unknown routes (404), wrong methods (405, keeping `Allow`), any other
    HTTPException, and parameter validation (422, naming the first field that failed)."""

    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        message = exc.detail if isinstance(exc.detail, str) else "request refused"
        code = CODES.get(exc.status_code, "http_error")
        return error_response(ApiError(exc.status_code, message, code, dict(exc.headers or {})))

    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        first = (exc.errors() or [{}])[0]
        param = ".".join(str(p) for p in first.get("loc", ())) or None
        # The field and the rule only: pydantic's `input` would echo the client's text into the answer.
        message = f"`{param}`: {first.get('msg', 'invalid value')}" if param else "invalid request"
        return error_response(ApiError(422, message, "invalid_value", param=param))

    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)

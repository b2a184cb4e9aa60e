"""The gateway's outer guard, a plain ASGI middleware (it sees the raw `receive`, which FastAPI's http middleware
hides): a request id on every request and response, bearer auth on every route, the body limit enforced while the
body is read, and any unhandled failure answered in OpenAI's shape with that id.

Why while reading: a chunked body carries no Content-Length, and reading it whole before measuring let one
128 MB request grow the gateway from 75 to 321 MB. Here the count runs per received chunk and the app stops reading
at the first chunk past the limit and answers 413 at once. (Under Ray Serve the proxy and the replica keep
buffering what the client sends until that answer goes out; a hard cap before them belongs in the ingress in
front, e.g. a body-size limit on the load balancer.)"""
from __future__ import annotations

import hmac
import re
import uuid
from typing import Callable

from starlette.datastructures import Headers

from psyllm.serving.errors import ApiError, error_response, server_error
from psyllm.serving.logs import log_failure

SAFE_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")  # goes into logs and error messages: no spaces, quotes, newlines


class BodyTooLarge(ApiError):
    def __init__(self, limit: int):
        super().__init__(413, f"request body over {limit} bytes", "body_too_large")


def authorized(headers: Headers, keys: list[str]) -> bool:
    header = headers.get("authorization", "")
    token = header[7:].strip() if header[:7].lower() == "bearer " else ""
    return any(hmac.compare_digest(token.encode(), key.encode()) for key in keys)  # constant time


def limited(receive, limit: int):
    """`receive` that raises BodyTooLarge on the first chunk that takes the body past `limit` bytes."""
    seen = 0

    async def receive_limited():
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise BodyTooLarge(limit)
        return message

    return receive_limited


class Guard:
    def __init__(self, app, *, max_body_bytes: int, keys: Callable[[], list[str]]):
        self.app, self.limit, self.keys = app, max_body_bytes, keys

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = Headers(scope=scope)
        # Ray Serve's proxy gives every request an X-Request-Id (and echoes it on the response): the same id in its
        # access log and ours. A client's own is kept when it is a plain token; otherwise the gateway makes one.
        given = headers.get("x-request-id", "")
        request_id = given if SAFE_ID.fullmatch(given) else f"req_{uuid.uuid4().hex}"
        scope.setdefault("state", {})["request_id"] = request_id
        started = False

        async def send_with_id(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                if request_id != given:  # a given id is echoed by whoever gave it (one header, not two)
                    message = {**message, "headers": [*message.get("headers", []),
                                                      (b"x-request-id", request_id.encode())]}
            await send(message)

        try:
            if not authorized(headers, self.keys()):
                raise ApiError(401, "missing or invalid API key (Authorization: Bearer <key>)", "invalid_api_key",
                               {"WWW-Authenticate": "Bearer"})
            length = headers.get("content-length")
            if length is not None and not length.isdigit():
                raise ApiError(400, "Content-Length is not a number", "invalid_content_length")
            if length is not None and int(length) > self.limit:  # refused before a byte of it is read
                raise BodyTooLarge(self.limit)
            await self.app(scope, limited(receive, self.limit), send_with_id)
        except ApiError as exc:  # raised here, or by the limit inside a route that does not catch it
            if started:
                raise
            await error_response(exc)(scope, receive, send_with_id)
        except Exception as exc:  # noqa: BLE001 - an OpenAI-shaped 500 instead of Starlette's plain text
            log_failure(request_id, exc)
            if started:  # a half-sent answer cannot be replaced; the server closes the connection
                raise
            await error_response(server_error(request_id))(scope, receive, send_with_id)

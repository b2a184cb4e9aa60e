"""What the gateway logs about a failure: the request id, what failed and where, and never the client's text
(house rule: no author name or raw client text in any log line). An exception's message is left out (it can quote
the input: a UnicodeError its characters, a parser its data); an engine's error text is logged with every run of
characters it shares with the client's messages blanked out (an engine may echo the prompt it failed on)."""
from __future__ import annotations

import json
import logging
import traceback

log = logging.getLogger("psyllm.serving.gateway")
CLIENT_TEXT = "[client text]"


def log_failure(request_id: str, exc: BaseException, what: str = "request failed") -> None:
    """The exception's type and the frames it was raised through, under the request id."""
    frames = [f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno} {f.name}" for f in traceback.extract_tb(exc.__traceback__)]
    log.error(json.dumps({"request_id": request_id, "event": what, "error": type(exc).__name__, "where": frames[-6:]}))


def scrub(detail: str, texts: list[str], run: int = 12) -> str:
    """`detail` with every stretch of `run` or more characters that also occurs in one of `texts` replaced."""
    hay = "\0".join(texts)
    hidden = [False] * len(detail)
    for i in range(len(detail) - run + 1):
        if detail[i:i + run] in hay:
            hidden[i:i + run] = [True] * run
    out, i = [], 0
    while i < len(detail):
        if hidden[i]:
            while i < len(detail) and hidden[i]:
                i += 1
            out.append(CLIENT_TEXT)
        else:
            out.append(detail[i])
            i += 1
    return "".join(out)


def log_engine_error(request_id: str, error: str, messages: list[dict]) -> None:
    """An engine's error answer, for the operator: its text, the client's words taken out."""
    detail = scrub(error[:2000], [m["content"] for m in messages])
    log.warning(json.dumps({"request_id": request_id, "event": "generation_failed", "error": detail[:500]}))

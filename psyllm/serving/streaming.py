"""Streamed answers in OpenAI's server-sent-events format, and the output screen applied as they stream.

The chunks: a first one with the assistant role, content (and, when asked for, `reasoning_content`) deltas, a last
one with `finish_reason` (and psyllm's own fields), a usage chunk when `stream_options.include_usage`, then
`data: [DONE]`. A failure after the first chunk is an `{"error": ...}` event (the official client raises it).

The screen: answer text is held until a sentence ends (or a long run without one, cut at a space) and released only
once the whole answer so far passes `safety.replies.screen`; an unsafe continuation is never sent: the stream stops
there and the safe reply follows what was already released."""
from __future__ import annotations

import json
import re
import time
from typing import AsyncIterator, Callable

from psyllm.engines.base import ChatDelta
from psyllm.serving.errors import ApiError

DONE = b"data: [DONE]\n\n"
# A sentence ends at . ! ? … (or their CJK forms), with closing quotes/brackets, before a space; or at a newline.
_SENTENCE_END = re.compile(r"""[.!?…。！？]+["'”’)\]]*(?=\s)|\n""")


def event(payload: dict) -> bytes:
    return b"data: " + json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode() + b"\n\n"


def error_event(exc: ApiError) -> bytes:
    return event(exc.body())


class Chunks:
    """The `chat.completion.chunk` payloads of one answer (one id, one `created`)."""

    def __init__(self, completion_id: str, model: str):
        self.id, self.model, self.created = completion_id, model, int(time.time())

    def chunk(self, delta: dict, finish_reason: str | None = None, **extra) -> bytes:
        return event({"id": self.id, "object": "chat.completion.chunk", "created": self.created, "model": self.model,
                      "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}], **extra})

    def usage(self, prompt_tokens: int, completion_tokens: int) -> bytes:
        return event({"id": self.id, "object": "chat.completion.chunk", "created": self.created, "model": self.model,
                      "choices": [], "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                                               "total_tokens": prompt_tokens + completion_tokens}})


class SentenceGate:
    """Answer text released sentence by sentence, each release screened with everything released before it.
    `check(text)` returns the screen's findings for the answer so far (empty: safe)."""

    def __init__(self, check: Callable[[str], list], max_held: int = 160):
        self.check, self.max_held = check, max_held
        self.released, self.held = "", ""

    def _cut(self) -> int:
        ends = [m.end() for m in _SENTENCE_END.finditer(self.held)]
        if ends:
            return ends[-1]
        if len(self.held) > self.max_held:  # no sentence end in sight: release up to the last space
            return max(self.held.rfind(" "), self.held.rfind("\n"), 0)
        return 0

    def _release(self, upto: int) -> tuple[str, list]:
        candidate = self.held[:upto]
        findings = self.check(self.released + candidate)
        if findings:
            return "", findings
        self.released += candidate
        self.held = self.held[upto:]
        return candidate, []

    def feed(self, text: str) -> tuple[str, list]:
        """The text that may be sent now, or the findings that stop the answer."""
        self.held += text
        cut = self._cut()
        return self._release(cut) if cut else ("", [])

    def finish(self) -> tuple[str, list]:
        return self._release(len(self.held)) if self.held else ("", [])


async def backend_stream(backend, request) -> AsyncIterator[ChatDelta]:
    """A backend's deltas: its `stream` when it has one, else its `chat` answer as one delta."""
    if hasattr(backend, "stream"):
        async for delta in backend.stream(request):
            yield delta
        return
    response = await backend.chat(request)
    if response.error:
        yield ChatDelta(error=response.error, prompt_tokens=response.prompt_tokens)
        return
    yield ChatDelta(text=response.text, reasoning=response.reasoning or "")
    yield ChatDelta(finish_reason=response.finish_reason or "stop", prompt_tokens=response.prompt_tokens,
                    completion_tokens=response.completion_tokens)

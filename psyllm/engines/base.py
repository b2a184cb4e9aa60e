"""One generation interface for every engine: a batch of chat requests in, one response per request out; and,
for serving, one request in and its answer out piece by piece (`stream`).

An engine never raises for a single bad request: the response carries `error` instead, so a batch of
thousands is not lost to one prompt that is too long or one HTTP call that kept failing.
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import Iterator, Protocol, runtime_checkable


@dataclass
class Sampling:
    temperature: float = 0.7
    top_p: float = 0.95
    max_tokens: int = 1024
    seed: int | None = None
    stop: list[str] = field(default_factory=list)
    # Forced lengths (benchmarks): keep generating past end-of-sequence, and at least this many tokens.
    ignore_eos: bool = False
    min_tokens: int = 0


@dataclass
class ChatRequest:
    messages: list[dict]
    sampling: Sampling = field(default_factory=Sampling)
    json_schema: dict | None = None  # constrain the answer to this JSON schema where the engine can
    request_id: str = ""


@dataclass
class ChatResponse:
    request_id: str
    text: str = ""  # the answer, reasoning removed
    reasoning: str | None = None  # from the reasoning channel or <think> tags, when the model gives one
    prompt_tokens: int = 0
    completion_tokens: int = 0
    finish_reason: str | None = None  # "stop", "length", ...
    error: str | None = None
    model: str = ""

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class ChatDelta:
    """One piece of a streamed answer: new answer text and new reasoning text. The last piece of a stream carries
    `finish_reason` (or `error`) and the token counts."""

    text: str = ""
    reasoning: str = ""
    finish_reason: str | None = None
    prompt_tokens: int = 0
    completion_tokens: int = 0
    error: str | None = None

    @property
    def last(self) -> bool:
        return self.finish_reason is not None or self.error is not None


@runtime_checkable
class Generator(Protocol):
    model_id: str

    def generate(self, requests: list[ChatRequest]) -> list[ChatResponse]:
        """One response per request, in order."""
        ...


@runtime_checkable
class AsyncChatGenerator(Protocol):
    """An engine that keeps many requests in flight: each `agenerate` awaits one answer while the engine
    batches it continuously with every other request in flight (no call waits for another's longest answer)."""

    model_id: str

    async def agenerate(self, request: ChatRequest) -> ChatResponse:
        """The answer to one request (never raises for a bad request: `error` instead)."""
        ...


@runtime_checkable
class StreamingGenerator(Generator, Protocol):
    def stream(self, request: ChatRequest, stop: threading.Event | None = None) -> Iterator[ChatDelta]:
        """The answer as it is generated, ending with a delta that has `last`; generation ends early once `stop`
        is set (the client went away) or the iterator is closed."""
        ...


def stream_chat(generator: Generator, request: ChatRequest, stop: threading.Event | None = None) -> Iterator[ChatDelta]:
    """`generator.stream` where the engine has one; otherwise its whole answer as one delta (same interface)."""
    if isinstance(generator, StreamingGenerator):
        yield from generator.stream(request, stop)
        return
    (response,) = generator.generate([request])
    yield from whole(response)


def whole(response: ChatResponse) -> Iterator[ChatDelta]:
    """A finished response as a stream: its reasoning and text, then the last delta."""
    if response.error:
        yield ChatDelta(error=response.error, prompt_tokens=response.prompt_tokens)
        return
    if response.reasoning or response.text:
        yield ChatDelta(text=response.text, reasoning=response.reasoning or "")
    yield ChatDelta(finish_reason=response.finish_reason or "stop", prompt_tokens=response.prompt_tokens,
                    completion_tokens=response.completion_tokens)


class ReasoningSplitter:
    """`split_reasoning` for text that arrives in pieces: `feed(piece)` returns the (reasoning, answer) text that
    is now certain; `finish()` the rest. A tag cut across pieces is held back until it is complete; output that
    opens reasoning and never closes it stays reasoning, as in `split_reasoning`. One difference: output that does not
    open with `<think>` (and whose prompt did not open it) is answer from its first character, so it can stream."""

    OPEN, CLOSE = "<think>", "</think>"

    def __init__(self, opened: bool = False):
        self.state = "reasoning" if opened else "start"
        self.held = ""

    def feed(self, piece: str) -> tuple[str, str]:
        self.held += piece
        reasoning = answer = ""
        while True:
            if self.state == "start":
                stripped = self.held.lstrip()
                if not stripped:
                    return reasoning, answer
                if stripped.startswith(self.OPEN):
                    self.held, self.state = stripped[len(self.OPEN):], "reasoning"
                elif self.OPEN.startswith(stripped):
                    return reasoning, answer  # maybe the opening tag, not yet whole
                else:
                    # No opening tag: the answer (an engine whose template pre-fills "<think>" passes `opened`).
                    self.held, self.state = stripped, "answer"
                continue
            if self.state == "reasoning":
                end = self.held.find(self.CLOSE)
                if end >= 0:
                    reasoning += self.held[:end]
                    self.held, self.state = self.held[end + len(self.CLOSE):], "answer_start"
                    continue
                keep = _partial_tag(self.held, self.CLOSE)
                reasoning += self.held[:len(self.held) - keep]
                self.held = self.held[len(self.held) - keep:]
                return reasoning, answer
            if self.state == "answer_start":
                self.held = self.held.lstrip()
                if not self.held:
                    return reasoning, answer
                self.state = "answer"
            answer += self.held
            self.held = ""
            return reasoning, answer

    def finish(self) -> tuple[str, str]:
        """What is left when generation ended."""
        held, self.held = self.held, ""
        if self.state == "reasoning":
            return held, ""
        return "", held.rstrip() if self.state == "answer" else held.strip()


def _partial_tag(text: str, tag: str) -> int:
    """How many characters at the end of `text` could be the start of `tag`."""
    for n in range(min(len(tag) - 1, len(text)), 0, -1):
        if text.endswith(tag[:n]):
            return n
    return 0


_THINK = re.compile(r"^\s*(?:<think>)?(?P<reasoning>.*?)</think>\s*(?P<answer>.*)$", re.S)


def split_reasoning(text: str, opened: bool = False) -> tuple[str | None, str]:
    """Split Qwen3/DeepSeek-R1 output `<think>…</think>answer` (the opening tag may be in the prompt: `opened`).
    Output that opens reasoning and never closes it (generation stopped inside it) is all reasoning: the answer
    is empty, so no reasoning ever reaches a client as content."""
    m = _THINK.match(text)
    if m:
        return m.group("reasoning").strip(), m.group("answer").strip()
    stripped = text.lstrip()
    if opened or stripped.startswith("<think>"):
        return stripped.removeprefix("<think>").strip(), ""
    return None, text.strip()


def opens_reasoning(prompt: str) -> bool:
    """The prompt ends inside an opened `<think>` (DeepSeek-R1's generation prompt pre-fills it)."""
    return prompt.rstrip().endswith("<think>")

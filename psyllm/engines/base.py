"""One generation interface for every engine: a batch of chat requests in, one response per request out.

An engine never raises for a single bad request: the response carries `error` instead, so a batch of
thousands is not lost to one prompt that is too long or one HTTP call that kept failing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable


@dataclass
class Sampling:
    temperature: float = 0.7
    top_p: float = 0.95
    max_tokens: int = 1024
    seed: int | None = None
    stop: list[str] = field(default_factory=list)


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


@runtime_checkable
class Generator(Protocol):
    model_id: str

    def generate(self, requests: list[ChatRequest]) -> list[ChatResponse]:
        """One response per request, in order."""
        ...


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

"""Test doubles that implement psyllm's real interfaces (no patching of internals)."""
from __future__ import annotations

import json
from typing import Callable

from psyllm.engines.base import ChatRequest, ChatResponse


class ScriptedGenerator:
    """A Generator whose answers come from `answer(request) -> ChatResponse | str`; records every request."""

    model_id = "scripted"

    def __init__(self, answer: Callable[[ChatRequest], ChatResponse | str]):
        self.answer, self.requests = answer, []

    def generate(self, requests: list[ChatRequest]) -> list[ChatResponse]:
        self.requests += requests
        out = []
        for req in requests:
            got = self.answer(req)
            out.append(got if isinstance(got, ChatResponse) else
                       ChatResponse(req.request_id, text=got, finish_reason="stop", prompt_tokens=10,
                                    completion_tokens=5, model=self.model_id))
        return out


def good_answer(req: ChatRequest) -> ChatResponse:
    """Well-formed answers for every synthesis stage (JSON for schema requests, think+reply otherwise)."""
    schema = req.json_schema or {}
    props = schema.get("properties", {})
    if "rounds" in props:
        text = json.dumps({"rounds": 2, "focus": ["explore the worry", "plan one small step"]})
    elif "turns" in props:
        n = props["turns"]["minItems"]
        text = json.dumps({"turns": [{"client": f"client says {i + 1}", "counselor": "draft"} for i in range(n)]})
    elif "reply" in props:
        text = json.dumps({"reasoning": "Presenting problem ... approach CBT", "approach": "CBT",
                           "icd11_hypotheses": ["6B00", "6E99"], "reply": "That sounds hard. What helps a little?"})
    else:
        last = req.messages[-1]["content"]
        return ChatResponse(req.request_id, text=f"I hear you about: {last[:30]}",
                            reasoning="Presenting problem: worry. Risk: none stated. 6B00 Generalised anxiety "
                                      "disorder vs 6B43 Adjustment disorder. Approach: CBT because ...",
                            finish_reason="stop", prompt_tokens=20, completion_tokens=12, model="scripted")
    return ChatResponse(req.request_id, text=text, finish_reason="stop", prompt_tokens=10, completion_tokens=5,
                        model="scripted")


class AsyncScripted:
    """An AsyncChatGenerator: `answer(request)` (as ScriptedGenerator) after `delay(request)` seconds; records every
    request, and the most requests in flight at once (`peak`)."""

    model_id = "scripted"

    def __init__(self, answer: Callable[[ChatRequest], ChatResponse | str], delay=lambda req: 0.0):
        self.answer, self.delay, self.requests, self.in_flight, self.peak = answer, delay, [], 0, 0

    async def agenerate(self, request: ChatRequest) -> ChatResponse:
        import asyncio

        self.requests.append(request)
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        await asyncio.sleep(self.delay(request))
        self.in_flight -= 1
        (response,) = ScriptedGenerator(self.answer).generate([request])
        return response

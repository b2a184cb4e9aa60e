"""Trying the served counselor: a streamed request to its OpenAI-compatible API, passed through as SSE, and a
conversation saved as a benchmark case (the JSONL `psyllm evaluate` reads, evaluate.cases)."""
from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import AsyncIterator

import httpx

from psyllm.config.schema import EngineConfig


def completion_request(engine: EngineConfig, messages: list[dict], reasoning: bool) -> dict:
    """The body sent to the counselor: its own streaming format, reasoning only when the reviewer asks for it."""
    return {"model": engine.model, "messages": messages, "stream": True, "include_reasoning": reasoning}


async def relay(engine: EngineConfig, messages: list[dict], reasoning: bool) -> AsyncIterator[bytes]:
    """The counselor's SSE events as they arrive; a failure to reach it is one error event, not a broken page."""
    api = engine.openai
    headers = {"Authorization": f"Bearer {os.environ.get(api.api_key_env, '')}"}
    url = api.base_url.rstrip("/") + "/chat/completions"
    try:
        async with httpx.AsyncClient(timeout=httpx.Timeout(api.timeout_s, connect=10)) as client:
            async with client.stream("POST", url, json=completion_request(engine, messages, reasoning),
                                     headers=headers) as resp:
                if resp.status_code != 200:
                    body = (await resp.aread()).decode(errors="replace")[:500]
                    yield _error(f"the counselor answered {resp.status_code}: {body}")
                    return
                async for line in resp.aiter_lines():
                    if line.startswith("data:"):
                        yield (line + "\n\n").encode()
    except httpx.HTTPError as exc:
        yield _error(f"cannot reach the counselor at {api.base_url}: {type(exc).__name__}")


def _error(message: str) -> bytes:
    return b"data: " + json.dumps({"error": {"message": message}}).encode() + b"\n\n"


def to_case(case_id: str, messages: list[dict], topic: str = "") -> dict:
    """A benchmark case from a conversation: client/counselor turns, ending with the client's last message."""
    turns = [{"role": "client" if m["role"] == "user" else "counselor", "content": m["content"]}
             for m in messages if m["role"] in ("user", "assistant") and m["content"].strip()]
    while turns and turns[-1]["role"] != "client":
        turns.pop()  # a case ends on what the model under test must answer
    if not turns:
        raise ValueError("a benchmark case needs at least one client message")
    return {"case_id": case_id, "split": "dev", "kind": "dialogue", "topic": topic, "turns": turns}


def save_case(path: Path, messages: list[dict], topic: str = "") -> dict:
    """Append the conversation to the review's cases file; ids are `review-<n>`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = path.read_text().splitlines() if path.exists() else []
    topic = re.sub(r"\s+", " ", topic).strip()[:80]
    case = to_case(f"review-{len(lines) + 1:04d}", messages, topic)
    with path.open("a") as fh:
        fh.write(json.dumps(case, ensure_ascii=False) + "\n")
    return case

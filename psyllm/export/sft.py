"""SFT records: chat messages with the counselor's reasoning in Qwen3's `<think>` format, and the ShareGPT
and OpenAI-messages layouts LLaMA-Factory and TRL read."""
from __future__ import annotations

SHAREGPT_ROLES = {"system": "system", "user": "human", "assistant": "gpt"}


def assistant_content(reasoning: str, reply: str, include_reasoning: bool) -> str:
    if not include_reasoning:
        return reply.strip()
    return f"<think>\n{reasoning.strip()}\n</think>\n\n{reply.strip()}"


def to_messages(dialogue: dict, system: str, include_reasoning: bool) -> list[dict]:
    """System prompt, then client (user) and counselor (assistant) turns alternating, oldest first."""
    messages = [{"role": "system", "content": system}]
    for r in dialogue["rounds"]:
        messages.append({"role": "user", "content": r["client"].strip()})
        messages.append({"role": "assistant",
                         "content": assistant_content(r["counselor_reasoning"], r["counselor_reply"], include_reasoning)})
    return messages


def to_sharegpt(messages: list[dict]) -> dict:
    system = [m["content"] for m in messages if m["role"] == "system"]
    convo = [{"from": SHAREGPT_ROLES[m["role"]], "value": m["content"]} for m in messages if m["role"] != "system"]
    return {"conversations": convo, "system": system[0] if system else ""}

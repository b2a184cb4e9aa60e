"""Turn engine responses into typed pieces of a dialogue, or a SynthesisError naming the stage."""
from __future__ import annotations

import json
import re

import jsonschema

from psyllm.clinical.frameworks import detect_approach
from psyllm.clinical.icd11 import find_codes
from psyllm.engines.base import ChatResponse
from psyllm.prompts.render import control_markup


class SynthesisError(Exception):
    def __init__(self, stage: str, message: str, raw: str = ""):
        super().__init__(f"{stage}: {message}")
        self.stage, self.message, self.raw = stage, message, raw


_FENCED_JSON = re.compile(r"```(?:json)?\s*(\{.*\})\s*```", re.S)


def load_json(stage: str, response: ChatResponse, schema: dict) -> dict:
    """The response's JSON object, validated against `schema` (tolerates a ```json fence)."""
    if not response.ok:
        raise SynthesisError(stage, f"engine error: {response.error}")
    text = response.text.strip()
    if response.finish_reason == "length":
        raise SynthesisError(stage, "output truncated at max_tokens", text)
    fenced = _FENCED_JSON.search(text)
    # U+FFFD marks a token that split a UTF-8 sequence: never content, and it skews maxLength checks.
    body = (fenced.group(1) if fenced else text).replace("\ufffd", "")
    try:
        # strict=False: control characters inside strings are JSON-grammar-legal output of constrained
        # decoders; degenerate text is the quality filter's business, not a parse failure.
        data = json.loads(body, strict=False)
    except json.JSONDecodeError as exc:
        raise SynthesisError(stage, f"not JSON: {exc}", text) from None
    try:
        jsonschema.validate(data, schema)
    except jsonschema.ValidationError as exc:
        raise SynthesisError(stage, f"schema violation: {str(exc).splitlines()[0][:200]}", text) from None
    return data


def parse_plan(response: ChatResponse, schema: dict) -> list[str]:
    """The focus of each planned round (the count is the shorter of `rounds` and the focus list)."""
    data = load_json("plan", response, schema)
    focus = [f.strip() for f in data["focus"] if f.strip()]
    if not focus:
        raise SynthesisError("plan", "no round has a focus", response.text)
    return focus[: data["rounds"]]


def parse_draft(response: ChatResponse, schema: dict, rounds: int) -> list[str]:
    """The client turns of the drafted dialogue (the drafted counselor turns are regenerated later)."""
    data = load_json("draft", response, schema)
    clients = [t["client"].strip() for t in data["turns"]]
    if len(clients) != rounds or not all(clients):
        raise SynthesisError("draft", f"{len(clients)} usable turns, the plan has {rounds}", response.text)
    _no_markup("draft", response, client=" ".join(clients))
    return clients


def _no_markup(stage: str, response: ChatResponse, **fields: str) -> None:
    """Dialogue text holding a special token or a reasoning tag ("</think>" inside a reply) is degenerate output,
    and under a chat template it would rewrite the turn structure the trainer labels: a dead letter, not data."""
    for name, text in fields.items():
        found = control_markup(text)
        if found:
            raise SynthesisError(stage, f"control markup {found!r} in the {name}", response.text)


def parse_reason(response: ChatResponse, output_format: str, schema: dict) -> dict:
    """{reasoning, reply, approach, icd11_hypotheses} for one counselor turn."""
    if output_format == "json":
        data = load_json("reason", response, schema)
        reasoning, reply = data["reasoning"].strip(), data["reply"].strip()
        approach = data["approach"]
        codes = find_codes(" ".join(data["icd11_hypotheses"]))  # only codes on the shipped chapter 6 list
    else:
        if not response.ok:
            raise SynthesisError("reason", f"engine error: {response.error}")
        if response.finish_reason == "length":
            raise SynthesisError("reason", "output truncated at max_tokens", response.text)
        reasoning, reply = (response.reasoning or "").strip(), response.text.strip()
        approach, codes = detect_approach(reasoning), find_codes(reasoning)
    if not reasoning:
        raise SynthesisError("reason", "no reasoning trace", response.text)
    if not reply:
        raise SynthesisError("reason", "empty reply", response.text)
    _no_markup("reason", response, reasoning=reasoning, reply=reply)
    return {"counselor_reasoning": reasoning, "counselor_reply": reply, "approach": approach,
            "icd11_hypotheses": codes}

"""SFT dialogues -> token ids with counselor-only labels, under the model's own (published) chat template.

Two policies for multi-round reasoning (`train.reasoning_policy`):

- `per_turn` (default): a dialogue with N counselor turns becomes N samples. Sample k is the prompt the served
  model receives before turn k — the earlier turns as the client sent them back (replies only: the gateway never
  returns reasoning), rendered by the model's template with its generation prompt — and the completion the model
  must write: turn k's reasoning and reply and the end-of-turn token. What is trained is what is served.
- `all_turns`: one sample per dialogue under a prefix-preserving training template (the tokenizer's own when it
  has `{% generation %}` markers, else trl's training variant of the official one) that keeps every turn's
  reasoning; transformers' assistant-token masks mark every counselor turn. Cheaper, but earlier turns carry
  reasoning that a template like Qwen3's drops at inference.

Labels are -100 except on what the counselor writes; system, user and role-header tokens are never trained.
A sample that cannot be rendered or does not fit raises SampleError with a reason code (the stage quarantines it).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from psyllm.models.templates import template_name

IGNORE = -100
POLICIES = ("per_turn", "all_turns")
_SENTINEL = "\u2063PSYLLM-SENTINEL\u2063"  # a turn's content that no template rewrites, to find its frame
_THINK = re.compile(r"^\s*<think>.*?</think>\s*", re.S)


class SampleError(ValueError):
    """A sample that cannot be trained: `reason` is a quarantine code (template, too_long, empty)."""

    def __init__(self, reason: str, detail: str):
        super().__init__(f"{reason}: {detail}")
        self.reason, self.detail = reason, detail


@dataclass
class Tokenized:
    input_ids: list[int]
    labels: list[int]
    truncated: bool = False  # history rounds (per_turn) or trailing rounds (all_turns) were left out to fit

    @property
    def trained(self) -> int:
        return sum(label != IGNORE for label in self.labels)


def reply_only(content: str) -> str:
    """A counselor turn as a client sends it back: the reply, without its `<think>` block."""
    return _THINK.sub("", content, count=1).strip()


def _split(messages: list[dict]) -> tuple[list[dict], list[list[dict]]]:
    """System messages first, then (user…, assistant) rounds; a trailing user turn without an answer is dropped."""
    system = [m for m in messages if m["role"] == "system"]
    rounds, current = [], []
    for m in messages:
        if m["role"] == "system":
            continue
        current.append(m)
        if m["role"] == "assistant":
            rounds.append(current)
            current = []
    return system, rounds


def turn_samples(messages: list[dict], policy: str) -> list[list[dict]]:
    """The message lists to train on: one per counselor turn (per_turn, earlier turns as replies only) or the whole
    dialogue (all_turns). Each ends with the assistant turn(s) to learn."""
    if policy not in POLICIES:
        raise ValueError(f"train.reasoning_policy must be one of {POLICIES}, not {policy!r}")
    system, rounds = _split(messages)
    if policy == "all_turns":
        return [system + [m for r in rounds for m in r]] if rounds else []
    samples = []
    for k in range(len(rounds)):
        history = [dict(m, content=reply_only(m["content"])) if m["role"] == "assistant" else m
                   for r in rounds[:k] for m in r]
        samples.append(system + history + rounds[k])
    return samples


def _render(tokenizer, messages: list[dict], template: str | None = None, generation_prompt: bool = False) -> str:
    return tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=generation_prompt,
                                         chat_template=template)


def completion_text(tokenizer, history: list[dict], turn: dict) -> tuple[str, str]:
    """(prompt, completion) for one counselor turn under the tokenizer's template: the prompt is what the served
    model is given (history + generation prompt), the completion what it must write, through its end of turn."""
    prompt = _render(tokenizer, history, generation_prompt=True)
    full = _render(tokenizer, history + [turn])
    content = turn["content"].strip()
    if full.startswith(prompt) and reply_only(content) in full[len(prompt):]:
        completion = full[len(prompt):]
        if _THINK.match(content) and content.split("</think>")[0].split("<think>")[-1].strip() not in completion:
            raise SampleError("template", f"chat template {template_name(tokenizer.chat_template)} drops the "
                                          "reasoning of the turn being trained")
        return prompt, completion
    # The template rewrites the final turn (DeepSeek-R1 drops everything up to </think>) and its generation prompt
    # pre-fills part of the answer (`<think>\n`): rebuild the completion from the turn's frame in the template.
    framed = _render(tokenizer, history + [dict(turn, content=_SENTINEL)])
    bare = _render(tokenizer, history)
    if not framed.startswith(bare) or _SENTINEL not in framed:
        raise SampleError("template", f"chat template {template_name(tokenizer.chat_template)} renders earlier turns "
                                      "differently once a counselor turn follows; cannot place the labels")
    header, suffix = framed[len(bare):].split(_SENTINEL, 1)
    prefill = prompt[len(bare):]
    if not prefill.startswith(header) or not content.startswith(prefill[len(header):]):
        raise SampleError("template", f"chat template {template_name(tokenizer.chat_template)}: the generation "
                                      f"prompt {prefill!r} does not open this turn; cannot place the labels")
    return prompt, content[len(prefill) - len(header):] + suffix


def _encode(tokenizer, text: str) -> list[int]:
    return tokenizer(text, add_special_tokens=False)["input_ids"]  # templates write their own BOS


def _per_turn(messages: list[dict], tokenizer, cutoff_len: int) -> Tokenized:
    system, turn = [m for m in messages if m["role"] == "system"], messages[-1]
    history = [m for m in messages[:-1] if m["role"] != "system"]
    truncated = False
    while True:
        prompt, completion = completion_text(tokenizer, system + history, turn)
        prompt_ids, completion_ids = _encode(tokenizer, prompt), _encode(tokenizer, completion)
        if len(prompt_ids) + len(completion_ids) <= cutoff_len:
            return Tokenized(prompt_ids + completion_ids, [IGNORE] * len(prompt_ids) + completion_ids, truncated)
        users = [i for i, m in enumerate(history) if m["role"] == "user"]
        if len(users) < 2:  # only the turn's own question is left
            raise SampleError("too_long", f"{len(prompt_ids) + len(completion_ids)} tokens with no history left; "
                                          f"train.cutoff_len is {cutoff_len}")
        history, truncated = history[users[1]:], True  # the oldest round goes first


def turn_opener(tokenizer) -> str:
    """What the template appends to open a counselor turn at inference (`<|im_start|>assistant\\n`, or DeepSeek-R1's
    `<｜Assistant｜><think>\\n`): the model never writes it, so it is never trained."""
    probe = [{"role": "user", "content": _SENTINEL}]
    return _render(tokenizer, probe, generation_prompt=True)[len(_render(tokenizer, probe)):]


def _header_tokens(tokenizer, ids: list[int], start: int, end: int, opener: str) -> int:
    """How many tokens at the start of the span [start, end) belong to the generation prompt `opener` (a training
    template may put the role name, its newline or a pre-filled `<think>` inside its generation block)."""
    before, span = tokenizer.decode(ids[:start]), tokenizer.decode(ids[start:end])
    cut = next((len(opener) - m for m in range(len(opener), -1, -1)
                if before.endswith(opener[:m]) and span.startswith(opener[m:])), 0)
    n, text = 0, ""
    while len(text) < cut:
        text += tokenizer.decode([ids[start + n]])
        n += 1
    if len(text) != cut:
        raise SampleError("template", f"the generation prompt {opener!r} ends inside a token; cannot place the labels")
    return n


def _masked(tokenizer, messages: list[dict], template: str) -> Tokenized:
    out = tokenizer.apply_chat_template(messages, chat_template=template, tokenize=True, return_dict=True,
                                        return_assistant_tokens_mask=True)
    ids, mask = list(out["input_ids"]), list(out["assistant_masks"])
    starts = [i for i, m in enumerate(mask) if m and (i == 0 or not mask[i - 1])]
    turns = sum(m["role"] == "assistant" for m in messages)
    if len(starts) != turns:
        raise SampleError("template", f"chat template {template_name(template)} marks {len(starts)} assistant spans "
                                      f"for {turns} counselor turns")
    opener = turn_opener(tokenizer)
    for s in starts:
        end = next((j for j in range(s, len(mask)) if not mask[j]), len(mask))
        for j in range(s, s + _header_tokens(tokenizer, ids, s, end, opener)):
            mask[j] = 0
    return Tokenized(ids, [t if m else IGNORE for t, m in zip(ids, mask)])


def _all_turns(messages: list[dict], tokenizer, cutoff_len: int, template: str) -> Tokenized:
    system, rounds = _split(messages)
    for keep in range(len(rounds), 0, -1):
        out = _masked(tokenizer, system + [m for r in rounds[:keep] for m in r], template)
        if len(out.input_ids) <= cutoff_len:
            out.truncated = keep < len(rounds)
            return out
    raise SampleError("too_long", f"the first round alone exceeds train.cutoff_len {cutoff_len}")


def tokenize_sample(messages: list[dict], tokenizer, cutoff_len: int, policy: str = "per_turn",
                    template: str | None = None) -> Tokenized:
    """One sample of `turn_samples` -> ids and labels. `template` is the training template (all_turns only)."""
    if not messages or messages[-1]["role"] != "assistant":
        raise SampleError("empty", "no counselor turn to train")
    if policy == "all_turns":
        if not template:
            raise ValueError("all_turns needs a training template (psyllm.models.templates.training_template)")
        return _all_turns(messages, tokenizer, cutoff_len, template)
    return _per_turn(messages, tokenizer, cutoff_len)


def tokenize_records(rows: list[dict], tokenizer, policy: str, cutoff_len: int, template: str | None = None) -> list[dict]:
    """SFT records ({sample_id, post_id, messages}) -> one row per training sample: ids and labels, or the
    reason it cannot be trained (`reason` empty when it can). Nothing is dropped without a row."""
    out = []
    for r in rows:
        samples = turn_samples(r["messages"], policy)
        if not samples:
            samples = [r["messages"]]  # no counselor turn: tokenize_sample says so
        for k, messages in enumerate(samples):
            row = {"sample_id": r["sample_id"], "post_id": r.get("post_id"), "turn": k if policy == "per_turn" else -1,
                   "input_ids": [], "labels": [], "truncated": 0, "reason": "", "detail": ""}
            try:
                t = tokenize_sample(messages, tokenizer, cutoff_len, policy, template)
                row.update(input_ids=t.input_ids, labels=t.labels, truncated=int(t.truncated))
            except SampleError as exc:
                row.update(reason=exc.reason, detail=exc.detail[:500])
            out.append(row)
    return out

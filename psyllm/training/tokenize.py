"""Chat samples -> token ids with assistant-only labels, through the model's own chat template.

Labels are -100 everywhere except the assistant turns' content and the end-of-turn token that closes each
(reasoning and reply are trained; system and user tokens, and the role headers, are not).

Truncation policy: a sample longer than `cutoff_len` tokens keeps its longest prefix of whole
(user, assistant) rounds that fits; if even the first round does not fit, the sample is dropped (counted).
"""
from __future__ import annotations

from dataclasses import dataclass

IGNORE = -100


@dataclass
class Tokenized:
    input_ids: list[int]
    labels: list[int]


def _assistant_spans(text: str, messages: list[dict], end_token: str | None) -> list[tuple[int, int]]:
    """Character spans of each assistant message's content in the rendered text (plus its end token)."""
    spans, cursor = [], 0
    for m in messages:
        content = m["content"].strip()
        at = text.find(content, cursor) if content else -1
        if at < 0:
            if m["role"] == "assistant":
                raise ValueError("the chat template rewrote an assistant turn; cannot place its labels")
            continue
        end = at + len(content)
        cursor = end
        if m["role"] == "assistant":
            if end_token and text.startswith(end_token, end):
                end += len(end_token)
            spans.append((at, end))
    return spans


def tokenize_chat(messages: list[dict], tokenizer) -> Tokenized:
    """Render with the chat template, tokenize with offsets, label the assistant spans."""
    text = tokenizer.apply_chat_template(messages, tokenize=False)
    end_token = tokenizer.eos_token
    spans = _assistant_spans(text, messages, end_token)
    enc = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
    labels = []
    for tok, (start, stop) in zip(enc["input_ids"], enc["offset_mapping"]):
        inside = any(s <= start and stop <= e and stop > start for s, e in spans)
        labels.append(tok if inside else IGNORE)
    return Tokenized(list(enc["input_ids"]), labels)


def tokenize_sample(messages: list[dict], tokenizer, cutoff_len: int) -> Tokenized | None:
    """Whole rounds are dropped from the end until the sample fits; None when nothing fits."""
    system = [m for m in messages if m["role"] == "system"]
    turns = [m for m in messages if m["role"] != "system"]
    for keep in range(len(turns) // 2, 0, -1):
        out = tokenize_chat(system + turns[: 2 * keep], tokenizer)
        if len(out.input_ids) <= cutoff_len:
            return out
    return None

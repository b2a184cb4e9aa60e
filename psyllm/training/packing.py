"""Sequence packing without cross-attention between samples.

Samples are laid end to end into rows of `seq_len` tokens (in order); `position_ids` restart at 0
for every sample. With no attention mask, transformers (5.x) reads the restarts as sample boundaries and
builds a block-diagonal causal mask (flash-attention uses them as varlen boundaries): a padding-free path.
The model must run with `use_cache=False` (with a cache, transformers skips the packed-sequence detection).
Row tails are filled with pad tokens as their own segment, labelled -100.
"""
from __future__ import annotations

from psyllm.training.tokenize import IGNORE, Tokenized


def pack(samples: list[Tokenized], seq_len: int, pad_id: int) -> list[dict]:
    """Rows of {input_ids, labels, position_ids, samples, tokens (real), trained (labelled tokens)}."""
    rows, current = [], {"input_ids": [], "labels": [], "position_ids": [], "samples": 0}

    def flush():
        n = len(current["input_ids"])
        if n == 0:
            return
        real, trained = n, sum(label != IGNORE for label in current["labels"])
        pad = seq_len - n
        current["input_ids"] += [pad_id] * pad
        current["labels"] += [IGNORE] * pad
        current["position_ids"] += list(range(pad))
        rows.append(dict(current, tokens=real, trained=trained))
        current.update(input_ids=[], labels=[], position_ids=[], samples=0)

    for s in samples:
        n = len(s.input_ids)
        if n > seq_len:
            raise ValueError(f"sample of {n} tokens exceeds seq_len {seq_len}; tokenize with cutoff_len <= seq_len")
        if len(current["input_ids"]) + n > seq_len:
            flush()
        current["input_ids"] += s.input_ids
        current["labels"] += s.labels
        current["position_ids"] += list(range(n))
        current["samples"] += 1
    flush()
    return rows


def unpacked(samples: list[Tokenized], seq_len: int, pad_id: int) -> list[dict]:
    """One sample per row (the no-packing baseline), same row format."""
    return [row for s in samples for row in pack([s], seq_len, pad_id)]

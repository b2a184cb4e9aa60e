"""Near-duplicate dialogues (MinHash LSH over the client and counselor text), one kept per cluster."""
from __future__ import annotations

from psyllm.config.schema import DedupConfig, DialogueDedupConfig
from psyllm.filters.base import dialogue_text
from psyllm.ingest.dedup import DuplicateResolver, signature
from psyllm.ingest.hygiene import normalized_key


def _as_dedup(cfg: DialogueDedupConfig) -> DedupConfig:
    return DedupConfig(exact=True, near=True, threshold=cfg.threshold, num_perm=cfg.num_perm,
                       shingle_words=cfg.shingle_words, seed=cfg.seed)


def dialogue_signature(d: dict, cfg: DialogueDedupConfig) -> tuple[str, bytes]:
    key = normalized_key(dialogue_text(d))
    return key, signature(key, _as_dedup(cfg))


def resolver(cfg: DialogueDedupConfig) -> DuplicateResolver:
    return DuplicateResolver(_as_dedup(cfg))

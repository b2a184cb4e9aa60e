"""Exact and near-duplicate collapse: normalized-text hashes and MinHash LSH over word shingles.

Signatures are computed per batch (in parallel); the resolver then walks posts in input order
(source file, line), so the representative of a cluster is always its first occurrence and reruns agree.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np
from datasketch import MinHash, MinHashLSH

from psyllm.config.schema import DedupConfig


def shingles(key: str, n: int) -> list[bytes]:
    words = key.split()
    if len(words) <= n:
        return [" ".join(words).encode()]
    return [" ".join(words[i : i + n]).encode() for i in range(len(words) - n + 1)]


def signature(key: str, cfg: DedupConfig) -> bytes:
    """MinHash of the normalized text as uint32 bytes (datasketch hash values fit 32 bits)."""
    mh = MinHash(num_perm=cfg.num_perm, seed=cfg.seed, scheme="affine32")
    mh.update_batch(shingles(key, cfg.shingle_words))
    return mh.hashvalues.astype(np.uint32).tobytes()


def minhash(sig: bytes, cfg: DedupConfig) -> MinHash:
    """Rebuild a MinHash from its stored signature (for LSH queries)."""
    values = np.frombuffer(sig, dtype=np.uint32).astype(np.uint64)
    return MinHash(num_perm=cfg.num_perm, seed=cfg.seed, scheme="affine32", hashvalues=values)


@dataclass
class Verdict:
    duplicate_of: str
    kind: str
    similarity: float


@dataclass
class DuplicateResolver:
    """Feed posts in input order; each is a representative or a duplicate of an earlier one."""

    cfg: DedupConfig
    _by_text: dict[str, str] = field(default_factory=dict)
    _sigs: dict[str, bytes] = field(default_factory=dict)
    _ids: dict[str, str] = field(default_factory=dict)  # post_id -> text_sha of its representative
    _lsh: MinHashLSH | None = None

    def __post_init__(self):
        if self.cfg.near:
            # Bands tuned for recall (few missed pairs); every candidate is then verified against the threshold.
            self._lsh = MinHashLSH(threshold=self.cfg.threshold, num_perm=self.cfg.num_perm, weights=(0.1, 0.9))

    def unique_id(self, post_id: str, text_sha: str) -> str:
        """Two different posts with one native id must not overwrite each other: suffix the later one."""
        seen = self._ids.get(post_id)
        if seen is None or seen == text_sha:
            return post_id
        return hashlib.sha256(f"{post_id}\x1f{text_sha}".encode()).hexdigest()[:16]

    def add(self, post_id: str, text_sha: str, sig: bytes) -> Verdict | None:
        """None: `post_id` is a representative. Else who it duplicates and how."""
        if self.cfg.exact and text_sha in self._by_text:
            return Verdict(self._by_text[text_sha], "exact", 1.0)
        if self._lsh is not None:
            best, best_sim = None, 0.0
            this = np.frombuffer(sig, dtype=np.uint32)
            for cand in self._lsh.query(minhash(sig, self.cfg)):
                sim = float(np.mean(this == np.frombuffer(self._sigs[cand], dtype=np.uint32)))
                if sim > best_sim or (sim == best_sim and best is not None and cand < best):
                    best, best_sim = cand, sim
            if best is not None and best_sim >= self.cfg.threshold:
                return Verdict(best, "near", best_sim)
            self._lsh.insert(post_id, minhash(sig, self.cfg))
            self._sigs[post_id] = sig
        self._by_text.setdefault(text_sha, post_id)
        self._ids[post_id] = text_sha
        return None

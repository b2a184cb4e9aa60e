"""MinHash signatures over word shingles of the normalized text, computed per batch (in parallel).

Clusters over them (exact hashes and LSH-verified near pairs, connected components, the first occurrence in
input order as representative) are psyllm.dedup's, on Ray Data in psyllm.runtime.dedup.
"""
from __future__ import annotations

import numpy as np
from datasketch import MinHash

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

"""LSH banding of MinHash signatures and the similarity that verifies a candidate pair."""
from __future__ import annotations

import numpy as np
import pyarrow as pa

_MIX = np.uint64(0x9E3779B97F4A7C15)  # golden-ratio multiplier: spreads band contents over 64 bits
_PRIME = np.uint64(0x100000001B3)


def band_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows per band) minimizing weighted false positives/negatives; weights favour recall, as before."""
    from datasketch.lsh import _optimal_param  # the same optimum datasketch's MinHashLSH picked for this index

    return _optimal_param(threshold, num_perm, 0.1, 0.9)


def signature_matrix(sigs: pa.Array | list[bytes], num_perm: int) -> np.ndarray:
    """Stored uint32 signatures (one bytes value per row) as an (n, num_perm) array."""
    values = sigs.to_pylist() if isinstance(sigs, (pa.Array, pa.ChunkedArray)) else sigs
    if not values:
        return np.zeros((0, num_perm), dtype=np.uint32)
    return np.frombuffer(b"".join(values), dtype=np.uint32).reshape(len(values), num_perm)


def band_keys(matrix: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """(n, bands) int64 keys: equal keys in one column mean equal band contents (up to 64-bit collisions, which
    only add candidates that verification then rejects). The band index is mixed in so bands never collide."""
    n = matrix.shape[0]
    out = np.empty((n, bands), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for b in range(bands):
            h = np.full(n, np.uint64(b + 1) * _MIX, dtype=np.uint64)
            for col in matrix[:, b * rows : (b + 1) * rows].T.astype(np.uint64):
                h = (h ^ col) * _PRIME
            out[:, b] = h
    return out.view(np.int64)


def similarity(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Estimated Jaccard similarity of paired rows: the share of equal MinHash values."""
    return (a == b).mean(axis=1) if len(a) else np.zeros(0)

"""Statistics for benchmark scores: cluster (dialogue-level) bootstrap intervals, paired comparison, agreement.

Turns of one dialogue are not independent (the same client, history and counselor style), so every interval
resamples whole dialogues (clusters) with replacement, not turns: with few dialogues and many turns each, a
per-turn bootstrap is too narrow. Agreement between raters (two judges, a judge and clinicians) is the
quadratic-weighted Cohen's kappa of scikit-learn, with a cluster-bootstrap interval."""
from __future__ import annotations

import numpy as np
from sklearn.metrics import cohen_kappa_score

NAN = float("nan")


def _clusters(values, clusters) -> tuple[np.ndarray, np.ndarray]:
    """Per-cluster sums and counts of `values`; no clusters = every value its own."""
    x = np.asarray(values, dtype=float)
    ids = np.arange(x.size) if clusters is None else np.asarray(list(clusters))
    _, inv = np.unique(ids, return_inverse=True)
    return np.bincount(inv, weights=x), np.bincount(inv).astype(float)


def _resampled_means(values, clusters, n: int, seed: int) -> np.ndarray:
    sums, counts = _clusters(values, clusters)
    pick = np.random.default_rng(seed).integers(0, sums.size, size=(n, sums.size))
    return sums[pick].sum(axis=1) / counts[pick].sum(axis=1)


def bootstrap_ci(values, n: int = 2000, seed: int = 0, level: float = 0.95, clusters=None) -> tuple[float, float, float]:
    """(mean, low, high): percentile bootstrap interval of the mean, resampling `clusters` (e.g. the dialogue of
    each turn) when given."""
    x = np.asarray(values, dtype=float)
    if x.size == 0:
        return NAN, NAN, NAN
    means = _resampled_means(x, clusters, n, seed)
    alpha = (1 - level) / 2
    return float(x.mean()), float(np.quantile(means, alpha)), float(np.quantile(means, 1 - alpha))


def paired_bootstrap(a, b, n: int = 2000, seed: int = 0, level: float = 0.95, clusters=None) -> dict:
    """Mean of a - b over paired items, its (cluster) bootstrap interval, and the share of resamples where the
    sign flips (a two-sided bootstrap p-value)."""
    d = np.asarray(a, dtype=float) - np.asarray(b, dtype=float)
    if d.size == 0:
        return {"mean_diff": NAN, "low": NAN, "high": NAN, "p_value": NAN, "n": 0, "clusters": 0}
    means = _resampled_means(d, clusters, n, seed)
    alpha = (1 - level) / 2
    flip = min(float((means <= 0).mean()), float((means >= 0).mean())) if d.mean() != 0 else 1.0
    return {"mean_diff": float(d.mean()), "low": float(np.quantile(means, alpha)),
            "high": float(np.quantile(means, 1 - alpha)), "p_value": min(1.0, 2 * flip), "n": int(d.size),
            "clusters": int(_clusters(d, clusters)[0].size)}


def win_rate(a, b) -> dict:
    """Share of paired items where a scores higher than b, ties counted half."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    wins, ties = int((a > b).sum()), int((a == b).sum())
    n = int(a.size)
    return {"wins": wins, "ties": ties, "losses": n - wins - ties, "win_rate": (wins + 0.5 * ties) / n if n else NAN}


def weighted_kappa(a, b, low: int, high: int) -> float:
    """Quadratic-weighted Cohen's kappa of two raters' integer scores on the scale low..high."""
    a, b = np.rint(np.asarray(a, dtype=float)).astype(int), np.rint(np.asarray(b, dtype=float)).astype(int)
    if a.size == 0:
        return NAN
    if len(set(a) | set(b)) == 1:
        return 1.0  # both raters used one and the same score throughout: complete (if uninformative) agreement
    return float(cohen_kappa_score(a, b, labels=list(range(low, high + 1)), weights="quadratic"))


def kappa_ci(a, b, low: int, high: int, clusters=None, n: int = 1000, seed: int = 0, level: float = 0.95) -> dict:
    """Weighted kappa with a cluster-bootstrap interval (resamples whose kappa is undefined are skipped)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.size == 0:
        return {"kappa": NAN, "low": NAN, "high": NAN, "n": 0}
    ids = np.arange(a.size) if clusters is None else np.asarray(list(clusters))
    uniq = np.unique(ids)
    members = {u: np.flatnonzero(ids == u) for u in uniq}
    rng = np.random.default_rng(seed)
    draws = []
    for _ in range(n):
        rows = np.concatenate([members[u] for u in rng.choice(uniq, size=uniq.size)])
        k = weighted_kappa(a[rows], b[rows], low, high)
        if k == k:
            draws.append(k)
    alpha = (1 - level) / 2
    lo, hi = (float(np.quantile(draws, alpha)), float(np.quantile(draws, 1 - alpha))) if draws else (NAN, NAN)
    return {"kappa": weighted_kappa(a, b, low, high), "low": lo, "high": hi, "n": int(a.size)}

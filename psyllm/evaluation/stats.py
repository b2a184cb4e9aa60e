"""Statistics for benchmark scores: bootstrap intervals, paired comparison, judge consistency."""
from __future__ import annotations

import numpy as np


def bootstrap_ci(values, n: int = 2000, seed: int = 0, level: float = 0.95) -> tuple[float, float, float]:
    """(mean, low, high): percentile bootstrap interval of the mean."""
    x = np.asarray(values, dtype=float)
    if x.size == 0:
        return float("nan"), float("nan"), float("nan")
    means = np.random.default_rng(seed).choice(x, size=(n, x.size), replace=True).mean(axis=1)
    alpha = (1 - level) / 2
    return float(x.mean()), float(np.quantile(means, alpha)), float(np.quantile(means, 1 - alpha))


def paired_bootstrap(a, b, n: int = 2000, seed: int = 0, level: float = 0.95) -> dict:
    """Mean of a - b over paired items, its bootstrap interval, and the share of resamples where the sign flips
    (a two-sided bootstrap p-value)."""
    d = np.asarray(a, dtype=float) - np.asarray(b, dtype=float)
    if d.size == 0:
        return {"mean_diff": float("nan"), "low": float("nan"), "high": float("nan"), "p_value": float("nan"), "n": 0}
    means = np.random.default_rng(seed).choice(d, size=(n, d.size), replace=True).mean(axis=1)
    alpha = (1 - level) / 2
    flip = min(float((means <= 0).mean()), float((means >= 0).mean())) if d.mean() != 0 else 1.0
    return {"mean_diff": float(d.mean()), "low": float(np.quantile(means, alpha)),
            "high": float(np.quantile(means, 1 - alpha)), "p_value": min(1.0, 2 * flip), "n": int(d.size)}


def win_rate(a, b) -> dict:
    """Share of paired items where a scores higher than b, ties counted half."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    wins, ties = int((a > b).sum()), int((a == b).sum())
    n = int(a.size)
    return {"wins": wins, "ties": ties, "losses": n - wins - ties, "win_rate": (wins + 0.5 * ties) / n if n else float("nan")}


def agreement(repeats: list[list[float]]) -> dict:
    """Judge consistency over repeated judging of the same items: exact agreement (all repeats equal) and the
    mean absolute difference from the item's mean score. `repeats[i]` holds item i's scores."""
    rows = [r for r in repeats if len(r) >= 2]
    if not rows:
        return {"exact_agreement": float("nan"), "mean_abs_dev": float("nan"), "items": 0}
    exact = np.mean([len(set(r)) == 1 for r in rows])
    dev = np.mean([np.mean(np.abs(np.asarray(r, dtype=float) - np.mean(r))) for r in rows])
    return {"exact_agreement": float(exact), "mean_abs_dev": float(dev), "items": len(rows)}

"""`psyllm compare RUN_A RUN_B`: two evaluation runs' scores side by side, and paired statistics over the
items both runs answered (win rate, paired bootstrap) from their logged `evaluate/items.jsonl`."""
from __future__ import annotations

import json

from psyllm.config.schema import TrackingConfig
from psyllm.evaluation.stats import paired_bootstrap, win_rate
from psyllm.tracking.runs import _mlflow, absolute_tracking_uri

PREFIXES = ("dimensions.", "safety_suite.", "judges_agreement.")


def _items(mlflow, run_id: str) -> dict[str, dict]:
    try:
        path = mlflow.artifacts.download_artifacts(run_id=run_id, artifact_path="evaluate/items.jsonl")
    except Exception:  # noqa: BLE001 - a run without items still compares on its metrics
        return {}
    with open(path) as fh:
        rows: dict[str, dict] = {}
        for row in map(json.loads, fh):
            rows.setdefault(row["item_id"], row)  # the target's own level comes first; the other level follows
        return rows


def paired_table(items_a: dict, items_b: dict, seed: int = 0) -> dict[str, dict]:
    """Per dimension: win rate of A over B and the paired bootstrap of A - B over dialogue answers both runs gave,
    resampling whole dialogues. An answer without a valid verdict scores 0, the lowest value (as in the headline)."""
    out = {}
    common = sorted(i for i in set(items_a) & set(items_b) if items_a[i].get("kind", "dialogue") == "dialogue")
    dims = sorted({d for row in items_a.values() for d in row.get("scores", {})})
    for dim in dims:
        pairs = [(_score(items_a[i], dim), _score(items_b[i], dim), items_a[i].get("case_id", i)) for i in common]
        if pairs:
            xa, xb, clusters = zip(*pairs)
            out[dim] = {**win_rate(xa, xb), **paired_bootstrap(xa, xb, seed=seed, clusters=clusters)}
    return out


def _score(row: dict, dim: str) -> float:
    values = row.get("scores", {}).get(dim)
    return sum(values) / len(values) if values else 0.0


def compare_runs(cfg: TrackingConfig, run_a: str, run_b: str) -> int:
    mlflow = _mlflow()
    mlflow.set_tracking_uri(absolute_tracking_uri(cfg.tracking_uri))
    client = mlflow.MlflowClient()
    runs = [client.get_run(r) for r in (run_a, run_b)]
    metrics = [r.data.metrics for r in runs]
    keys = sorted(k for k in set(metrics[0]) | set(metrics[1]) if k.startswith(PREFIXES) and k.endswith(("mean", "pass_rate", "failure_rate", "kappa", ".low", ".high")))
    names = [r.data.tags.get("mlflow.runName", r.info.run_id[:8]) for r in runs]
    width = max([len(k) for k in keys] + [10])
    print(f"{'metric':<{width}} {'A: ' + names[0]:>18} {'B: ' + names[1]:>18} {'B - A':>9}")
    for k in keys:
        a, b = metrics[0].get(k), metrics[1].get(k)
        diff = f"{b - a:+.3f}" if a is not None and b is not None else ""
        print(f"{k:<{width}} {'' if a is None else f'{a:.3f}':>18} {'' if b is None else f'{b:.3f}':>18} {diff:>9}")
    paired = paired_table(_items(mlflow, run_a), _items(mlflow, run_b))
    if paired:
        print(f"\n{'paired (A vs B)':<{width}} {'n':>5} {'A wins':>7} {'ties':>5} {'win rate':>9} {'A - B':>7} {'95% CI':>17} {'p':>6}")
        for dim, p in paired.items():
            print(f"{dim:<{width}} {p['n']:>5} {p['wins']:>7} {p['ties']:>5} {p['win_rate']:>9.3f} {p['mean_diff']:>+7.3f} "
                  f"[{p['low']:+.3f}, {p['high']:+.3f}] {p['p_value']:>6.3f}")
    return 0

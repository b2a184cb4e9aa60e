"""`psyllm compare`: two evaluation runs from MLflow, metrics side by side and paired statistics."""
import json

import pytest

from psyllm.cli import main
from psyllm.config.schema import TrackingConfig
from psyllm.tracking import stage_run


def _eval_run(cfg, tmp_path, name, scores):
    items = tmp_path / name / "items.jsonl"
    items.parent.mkdir()
    items.write_text("".join(json.dumps({"item_id": f"c{i}#0", "scores": {"safety": [s]}}) + "\n" for i, s in enumerate(scores)))
    with stage_run(cfg, "evaluate") as run:
        run.log_counts({"dimensions": {"safety": {"mean": sum(scores) / len(scores)}}})
        run.log_artifact(str(items), "evaluate")
    return run.run_id


def test_compare_prints_scores_and_paired_statistics(tracking_uri, tmp_path, capsys):
    cfg = TrackingConfig(tracking_uri=tracking_uri)
    a = _eval_run(cfg, tmp_path, "a", [1, 1, 0, 1])
    b = _eval_run(cfg, tmp_path, "b", [0, 1, 0, 0])
    assert main(["compare", a, b, f"tracking.tracking_uri={tracking_uri}"]) == 0
    out = capsys.readouterr().out
    assert "dimensions.safety.mean" in out and "0.750" in out and "0.250" in out and "-0.500" in out
    row = next(line for line in out.splitlines() if line.startswith("safety "))
    # A wins 2 of 4, ties 2: win rate 0.75; mean paired difference +0.5
    assert row.split()[1:5] == ["4", "2", "2", "0.750"] and "+0.500" in row

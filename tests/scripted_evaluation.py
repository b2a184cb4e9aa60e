"""What `psyllm evaluate` leaves behind, made with scripted engines inside a real MLflow run (for the tests that read
an evaluation folder: human ratings, the review workspace)."""
from __future__ import annotations

import json
from pathlib import Path

from psyllm.evaluation.cases import prefixes
from psyllm.evaluation.report import write_report
from psyllm.evaluation.runner import item_rows, run_benchmark
from psyllm.io.manifest import write_manifest
from psyllm.tracking import stage_run
from psyllm.tracking.traces import record_items
from tests.fakes import ScriptedGenerator


def write_evaluation(cfg, out: Path, cases: list, answer: str, judged: dict[str, int]) -> str:
    """Answer every case with `answer`, judge every dimension at `judged`, write the folder; the MLflow run id."""
    judge = ScriptedGenerator(lambda r: json.dumps({k: {"score": v, "reason": "fine"} for k, v in judged.items()}))
    with stage_run(cfg.tracking, "evaluate") as run:
        items, summary = run_benchmark(cfg.evaluate, cases, ScriptedGenerator(lambda r: answer), judge,
                                       locale=cfg.safety.locale)
        histories = {p.item_id: p.history for c in cases for p in prefixes(c)}
        summary["counts"]["traces"] = record_items(items, histories, "scripted-model", "scripted-judge")
        write_report(str(out), summary, {"model": "scripted-model", "judge": "scripted-judge", "split": "dev"})
        (out / "items.jsonl").write_text("".join(json.dumps(r) + "\n" for r in item_rows(items)))
        write_manifest(str(out), {"stage": "evaluate", "complete": True, "config": {"rubric": "cpsycoune"},
                                  "judge": "scripted-judge", "counts": summary, "shards": {}})
    return run.run_id

"""What a run folder holds, as the workspace shows it: each stage's manifest, the filter's rows (which become MLflow
traces: tracking/dialogues.py), the evaluation's answers (with their MLflow trace ids) and its charts."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from psyllm.io.manifest import read_manifest
from psyllm.io.shards import read_table


@dataclass
class Run:
    root: Path
    manifests: dict[str, dict] = field(default_factory=dict)  # folder name -> manifest
    dialogues: list[dict] = field(default_factory=list)  # read from their MLflow traces (review/server.py)
    answers: list[dict] = field(default_factory=list)  # evaluation items with a trace (the rating items)

    def folder(self, stage: str) -> Path | None:
        return next((self.root / name for name, m in self.manifests.items() if m.get("stage") == stage), None)

    def manifest(self, stage: str) -> dict:
        return next((m for m in self.manifests.values() if m.get("stage") == stage), {})


def open_run(root: str | Path) -> Run:
    """Read the manifests of every stage folder under `root` (or `root` itself), the dialogues, the answers."""
    root = Path(root)
    run = Run(root)
    for folder in [root, *sorted(p for p in root.iterdir() if p.is_dir())]:
        m = read_manifest(str(folder))
        if m and m.get("stage"):
            run.manifests["." if folder == root else folder.name] = m
    if (evaluation := run.folder("evaluate")) is not None and (evaluation / "items.jsonl").is_file():
        rows = [json.loads(line) for line in (evaluation / "items.jsonl").read_text().splitlines() if line.strip()]
        level = run.manifest("evaluate").get("counts", {}).get("level", "")
        run.answers = [r for r in rows if r["kind"] == "dialogue" and r.get("trace_id") and r.get("level", "") == level]
    return run


def filtered_rows(run: Run) -> Iterator[dict]:
    """The filter's output rows, kept then rejected, each with its `outcome` (one shard folder at a time)."""
    filtered = run.folder("filter")
    for outcome in ("kept", "rejected") if filtered is not None else ():
        if (filtered / outcome).is_dir():
            for row in read_table(str(filtered / outcome)).to_pylist():
                yield {**row, "outcome": outcome}


def dialogue_view(d: dict) -> dict:
    """A traced dialogue (tracking/dialogues.py) with what the list filters on: failed criteria, approaches, judge
    score (criteria the judge passed)."""
    judged = [v for v in d["verdicts"] if v["filter"] == "judge"]
    return {**d, "verdict_list": d["verdicts"], "approaches": [a for a in d["approach"].split(",") if a],
            "failed": sorted({f"{v['filter']}.{v['criterion']}" for v in d["verdicts"] if not v["passed"]}),
            "judge_score": sum(v["passed"] for v in judged) if judged else None, "judge_max": len(judged)}


def select_dialogues(dialogues: list[dict], route: str = "", outcome: str = "", failed: str = "", topic: str = "",
                     approach: str = "", min_judge: int | None = None) -> list[dict]:
    """The dialogues matching every filter given ("" or None = any)."""
    return [d for d in dialogues
            if (not route or d["route"] == route) and (not outcome or d["outcome"] == outcome)
            and (not failed or failed in d["failed"]) and (not topic or d["topic"] == topic)
            and (not approach or approach in d["approaches"])
            and (min_judge is None or (d["judge_score"] is not None and d["judge_score"] >= min_judge))]


def choices(dialogues: list[dict]) -> dict[str, list[str]]:
    """The values each list filter can take in this run."""
    return {"route": sorted({d["route"] for d in dialogues}), "outcome": sorted({d["outcome"] for d in dialogues}),
            "failed": sorted({f for d in dialogues for f in d["failed"]}),
            "topic": sorted({d["topic"] for d in dialogues if d["topic"]}),
            "approach": sorted({a for d in dialogues for a in d["approaches"]})}


def overview(run: Run) -> dict:
    """Per stage: its counts (numbers only, one level deep); the filter's pass rate per criterion; chart files."""
    stages = []
    for name, m in run.manifests.items():
        counts = {k: v for k, v in (m.get("counts") or {}).items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
        stages.append({"folder": name, "stage": m["stage"], "complete": bool(m.get("complete")), "counts": counts})
    evaluation = run.folder("evaluate")
    charts = sorted(p.name for p in evaluation.glob("*.png")) if evaluation else []
    return {"stages": stages, "criteria": run.manifest("filter").get("criteria", {}), "charts": charts}

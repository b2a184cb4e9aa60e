"""What a run folder holds, as the workspace shows it: each stage's manifest, the filtered dialogues with their
verdicts, the evaluation's answers (with their MLflow trace ids) and its charts."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from psyllm.io.manifest import read_manifest
from psyllm.io.shards import read_table


@dataclass
class Run:
    root: Path
    manifests: dict[str, dict] = field(default_factory=dict)  # folder name -> manifest
    dialogues: list[dict] = field(default_factory=list)
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
    if (filtered := run.folder("filter")) is not None:
        run.dialogues = [dialogue_view(r, outcome) for outcome in ("kept", "rejected")
                         if (filtered / outcome).is_dir() for r in read_table(str(filtered / outcome)).to_pylist()]
    if (evaluation := run.folder("evaluate")) is not None and (evaluation / "items.jsonl").is_file():
        rows = [json.loads(line) for line in (evaluation / "items.jsonl").read_text().splitlines() if line.strip()]
        level = run.manifest("evaluate").get("counts", {}).get("level", "")
        run.answers = [r for r in rows if r["kind"] == "dialogue" and r.get("trace_id") and r.get("level", "") == level]
    return run


def dialogue_view(row: dict, outcome: str) -> dict:
    """A filtered dialogue with what the list filters on: outcome, failed criteria, topic, approaches, judge score."""
    verdicts = json.loads(row.get("verdicts") or "[]")
    judged = [v for v in verdicts if v["filter"] == "judge"]
    meta = json.loads(row.get("metadata") or "{}")
    return {**row, "outcome": outcome, "verdict_list": verdicts, "topic": meta.get("topic", ""),
            "failed": sorted({f"{f['filter']}.{f['criterion']}" for f in row.get("failures") or []}),
            "approaches": sorted({r["approach"] for r in row["rounds"] if r.get("approach")}),
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

"""What it costs to put a filter output into MLflow as traces (psyllm.tracking.dialogues), as `psyllm review` does the
first time it opens one, against a fresh SQLite store:

    .venv/bin/python bench/review_traces.py                  # 200 dialogues, 20 for the one-write-per-verdict way
    .venv/bin/python bench/review_traces.py --dialogues 1000

Each dialogue has two rounds and the verdicts of structure, quality, dedup (run for real) and five judge criteria.
`ensure_traces` logs the verdicts while the trace is open (one write per dialogue); the comparison logs each verdict
as its own Feedback after the trace is stored (one write per verdict), which is what logging them later would cost.
"""
from __future__ import annotations

import argparse
import json
import tempfile
import time

from psyllm.config import load_config
from psyllm.filters.judge import CRITERIA
from psyllm.filters.pipeline import DeterministicWorker
from psyllm.tracking import dialogues
from psyllm.tracking.reviews import connect

REASONING = "Presenting problem: tension before meetings. Risk: none disclosed. Hypotheses: 6B00. Approach: CBT."


def rows(n: int) -> list[dict]:
    """n filtered dialogue rows (kept), with every verdict a filter output carries."""
    cfg = load_config(None, ["filter.filters=[structure,quality,dedup,judge]"])
    made = [{"sample_id": f"s{i}", "post_id": f"p{i}", "sample_index": 0, "route": "standard", "risk_level": "none",
             "plan_rounds": 2,
             "rounds": [{"index": k, "focus": "explore", "client": f"Round {k}: I get so tense before meetings {i}.",
                         "counselor_reasoning": REASONING, "approach": "CBT", "icd11_hypotheses": ["6B00"],
                         "counselor_reply": "That sounds exhausting. What goes through your mind when it starts?"}
                        for k in range(2)]} for i in range(n)]
    judged = [{"filter": "judge", "criterion": c, "passed": True, "reason": ""} for c in CRITERIA]
    for r in DeterministicWorker(cfg.filter, cfg.safety)(made):
        r.update(verdicts=json.dumps(json.loads(r["verdicts"]) + judged), outcome="kept")
    return made


def per_verdict(mlflow, batch: list[dict]) -> None:
    """The slower way: store the trace, then one Feedback write per verdict."""
    for row in batch:
        with mlflow.start_span(name="dialogue") as span:
            span.set_inputs({"client_turns": [r["client"] for r in row["rounds"]]})
        mlflow.flush_trace_async_logging()
        for v in json.loads(row["verdicts"]):
            mlflow.log_feedback(trace_id=span.trace_id, name=v["criterion"], value=v["passed"])


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--dialogues", type=int, default=200)
    p.add_argument("--per-verdict", type=int, default=20)
    args = p.parse_args()
    data = rows(args.dialogues)
    with tempfile.TemporaryDirectory() as tmp:
        mlflow = connect(f"sqlite:///{tmp}/mlflow.db")
        exp = mlflow.set_experiment("bench").experiment_id
        timed = {}
        for name, call in (("log (one write per dialogue)", lambda: dialogues.ensure_traces(mlflow, data, "k", "j", exp)),
                           ("rerun (nothing to log)", lambda: dialogues.ensure_traces(mlflow, data, "k", "j", exp)),
                           ("read with spans", lambda: list(dialogues.read_dialogues(mlflow, exp, "k"))),
                           ("one write per verdict", lambda: per_verdict(mlflow, data[:args.per_verdict]))):
            start = time.perf_counter()
            call()
            timed[name] = time.perf_counter() - start
    verdicts = len(json.loads(data[0]["verdicts"]))
    print(f"| step ({verdicts} verdicts a dialogue) | dialogues | seconds | ms per dialogue |\n| --- | --- | --- | --- |")
    for name, seconds in timed.items():
        n = args.per_verdict if name == "one write per verdict" else args.dialogues
        print(f"| {name} | {n} | {seconds:.2f} | {1000 * seconds / n:.0f} |")


if __name__ == "__main__":
    main()

"""The filter's dialogues as MLflow traces, its verdicts as assessments on them (the review workspace's store).

One trace per dialogue: the client turns in, the counselor replies with their reasoning out, tags for what a
reviewer filters on (sample_id, route, topic, approach, outcome). Every verdict is a Feedback named by its criterion
(the filter's name in its metadata): source CODE (`psyllm.filters.<filter>`) for the rule filters, LLM_JUDGE (the
judge's model) for the judge, the reason as rationale. A whole-dialogue rating is HUMAN Feedback on the same trace.

The verdicts are logged while the trace is still open, so MLflow stores a trace and its assessments in one write:
no trace exists without its verdicts, which is what makes `ensure_traces` idempotent (a dialogue whose trace exists
is done), and it is about 10x faster than one write per assessment. Traces are written by `psyllm review` the first
time it opens a filter output, not by the filter stage, whose time they would lengthen (docs/review.md: the cost).
"""
from __future__ import annotations

import json
from typing import Iterable, Iterator

KEY = "psyllm.filter_output"  # trace tag: the filter output's fingerprint; with the sample id, a dialogue's identity
TRACE_NAME = "counselor_dialogue"
FILTER = "psyllm.filter"  # assessment metadata: which filter gave the verdict
_TAGS = ("sample_id", "post_id", "route", "risk_level", "topic", "approach", "outcome")
_LINK_BATCH = 100  # MLflow links at most 100 traces to a run per request


def filter_run(mlflow, fingerprint: str) -> tuple[str, str] | None:
    """(experiment id, run id) of the filter stage's MLflow run that wrote the output with this fingerprint."""
    if not fingerprint:
        return None
    runs = mlflow.search_runs(search_all_experiments=True, output_format="list", order_by=["attributes.start_time"],
                              filter_string=f"tags.`psyllm.stage` = 'filter' and tags.`psyllm.fingerprint` = '{fingerprint}'")
    # a rerun into a finished folder is a second run that skipped; the traces belong to the one that wrote it
    wrote = [r for r in runs if r.data.tags.get("psyllm.skipped") != "True"] or runs
    return (wrote[0].info.experiment_id, wrote[0].info.run_id) if wrote else None


def _traces(mlflow, experiment_id: str, key: str, spans: bool) -> list:
    return mlflow.search_traces(locations=[experiment_id], filter_string=f"tags.`{KEY}` = '{key}'",
                                return_type="list", include_spans=spans)


def logged(mlflow, experiment_id: str, key: str) -> dict[str, str]:
    """sample_id -> trace_id of the dialogues of this filter output already in MLflow."""
    return {t.info.tags["psyllm.sample_id"]: t.info.trace_id for t in _traces(mlflow, experiment_id, key, False)}


def tags_of(row: dict, key: str) -> dict[str, str]:
    """The trace tags of a filtered dialogue row (with its outcome, kept or rejected)."""
    meta = json.loads(row.get("metadata") or "{}")
    approaches = sorted({r["approach"] for r in row["rounds"] if r.get("approach")})
    values = {**row, "topic": meta.get("topic", ""), "approach": ",".join(approaches)}
    return {KEY: key, **{f"psyllm.{k}": str(values.get(k) or "") for k in _TAGS}}


def _source(verdict: dict, judge: str):
    from mlflow.entities import AssessmentSource

    if verdict["filter"] == "judge":
        return AssessmentSource(source_type="LLM_JUDGE", source_id=judge)
    return AssessmentSource(source_type="CODE", source_id=f"psyllm.filters.{verdict['filter']}")


def log_dialogue(mlflow, row: dict, key: str, judge: str) -> str:
    """One dialogue as a trace with its verdicts (logged inside the open trace: one write); its trace id."""
    with mlflow.start_span(name=TRACE_NAME, span_type="CHAIN") as span:
        span.set_inputs({"client_turns": [r["client"] for r in row["rounds"]]})
        span.set_outputs({"counselor_turns": [
            {"reply": r["counselor_reply"], "reasoning": r["counselor_reasoning"], "approach": r.get("approach") or "",
             "icd11_hypotheses": list(r.get("icd11_hypotheses") or []), "focus": r.get("focus") or ""}
            for r in row["rounds"]]})
        mlflow.update_current_trace(tags=tags_of(row, key))
        for v in json.loads(row.get("verdicts") or "[]"):
            mlflow.log_feedback(trace_id=span.trace_id, name=v["criterion"], value=bool(v["passed"]),
                                source=_source(v, judge), rationale=v.get("reason") or None,
                                metadata={FILTER: v["filter"]})
    return span.trace_id


def ensure_traces(mlflow, rows: Iterable[dict], key: str, judge: str, experiment_id: str,
                  run_id: str | None = None) -> int:
    """Log every dialogue of `rows` not yet traced under `key` (linked to the filter's run); how many were logged."""
    mlflow.set_experiment(experiment_id=experiment_id)
    done = logged(mlflow, experiment_id, key)
    new = [log_dialogue(mlflow, row, key, judge) for row in rows if row["sample_id"] not in done]
    mlflow.flush_trace_async_logging()
    if run_id:
        for start in range(0, len(new), _LINK_BATCH):
            mlflow.MlflowClient().link_traces_to_run(new[start:start + _LINK_BATCH], run_id)
    return len(new)


def read_dialogues(mlflow, experiment_id: str, key: str) -> Iterator[dict]:
    """The traced dialogues of this filter output as the workspace shows them, with their verdicts."""
    for trace in _traces(mlflow, experiment_id, key, True):
        yield dialogue_of(trace)


def dialogue_of(trace) -> dict:
    """A dialogue trace as a plain dict: its tags, its rounds, its verdicts (CODE and LLM_JUDGE Feedback)."""
    span = trace.data.spans[0] if trace.data.spans else None  # a trace copied without its spans shows no turns
    clients = ((span.inputs if span else None) or {}).get("client_turns", [])
    counselors = ((span.outputs if span else None) or {}).get("counselor_turns", [])
    rounds = [{"index": i, "client": c, "counselor_reply": k["reply"], "counselor_reasoning": k["reasoning"],
               "approach": k["approach"], "icd11_hypotheses": k["icd11_hypotheses"], "focus": k["focus"]}
              for i, (c, k) in enumerate(zip(clients, counselors))]
    verdicts = [{"filter": (a.metadata or {}).get(FILTER, ""), "criterion": a.name, "passed": bool(a.value),
                 "reason": a.rationale or "", "source": str(a.source.source_type)}
                for a in trace.info.assessments
                if a.source is not None and str(a.source.source_type) in ("CODE", "LLM_JUDGE")
                and (a.metadata or {}).get(FILTER) and getattr(a, "valid", True) is not False]
    tags = {k: trace.info.tags.get(f"psyllm.{k}", "") for k in _TAGS}
    return {**tags, "trace_id": trace.info.trace_id, "rounds": rounds, "verdicts": verdicts}


def dialogue_feedback(mlflow, experiment_id: str, key: str) -> list[dict]:
    """Every current Feedback on this output's dialogue traces (one search), as `reviews.feedback` rows."""
    from psyllm.tracking.reviews import feedback_rows

    return [row for t in _traces(mlflow, experiment_id, key, False)
            for row in feedback_rows(t, t.info.tags["psyllm.sample_id"])]

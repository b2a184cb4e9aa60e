"""Every benchmark answer as an MLflow trace, every verdict as an assessment on it (MLflow 3 tracing).

One trace per answer (the conversation in, the answer out, the model, the item); the judge's scores are Feedback
with an LLM_JUDGE source and its reason as rationale, rule and probe checks Feedback with a CODE source, and
clinicians' ratings Feedback with a HUMAN source and the rater's id — added in the MLflow UI or imported from a
CSV. MLflow is the one store: the agreement between judge and humans is computed from the assessments.
Without an active MLflow run (tracking off) nothing is recorded.
"""
from __future__ import annotations

import logging
import sys

from psyllm.tracking.runs import _mlflow

log = logging.getLogger(__name__)


def _source(kind: str, source_id: str):
    from mlflow.entities import AssessmentSource

    return AssessmentSource(source_type=kind, source_id=source_id)


def record_items(items: list, histories: dict[str, list[dict]], model: str, judge: str) -> int:
    """Write a trace per item (and its verdicts) into the active run; sets `item.trace_id`. Returns traces written."""
    if "mlflow" not in sys.modules:  # nothing imported MLflow: no run can be active (tracking off)
        return 0
    mlflow = _mlflow()
    if mlflow.active_run() is None:
        return 0
    for it in items:
        with mlflow.start_span(name="counselor_answer", span_type="CHAT_MODEL") as span:
            span.set_inputs({"messages": histories.get(it.item_id, [])})
            span.set_outputs({"answer": it.answer, "error": it.error})
            span.set_attributes({"psyllm.item_id": it.item_id, "psyllm.case_id": it.case_id, "psyllm.kind": it.kind,
                                 "psyllm.split": it.split, "psyllm.level": it.level or "", "psyllm.model": model})
            it.trace_id = span.trace_id
    mlflow.flush_trace_async_logging()  # assessments need the traces stored
    for it in items:
        _record_verdicts(mlflow, it, judge)
    return len(items)


def _record_verdicts(mlflow, it, judge: str) -> None:
    reasons = next((r for r in it.reasons if "error" not in r), {})
    for dim, values in it.scores.items():
        mlflow.log_feedback(trace_id=it.trace_id, name=dim, value=sum(values) / len(values),
                            source=_source("LLM_JUDGE", judge), rationale=reasons.get(dim))
    for label, scores in it.other_judges.items():
        for dim, value in scores.items():
            mlflow.log_feedback(trace_id=it.trace_id, name=dim, value=value, source=_source("LLM_JUDGE", label))
    if it.kind == "dialogue" and (it.error or not it.scores):  # a failed answer or verdict is recorded, not skipped
        mlflow.log_feedback(trace_id=it.trace_id, name="judged", value=False, source=_source("LLM_JUDGE", judge),
                            rationale=it.error or "; ".join(r.get("error", "") for r in it.reasons))
    if it.probe and it.probe_passed is not None:
        mlflow.log_feedback(trace_id=it.trace_id, name=f"probe.{it.probe}", value=bool(it.probe_passed),
                            source=_source("CODE", "psyllm.evaluation.probes"), rationale=it.probe_detail)
    if it.probe_judge:
        mlflow.log_feedback(trace_id=it.trace_id, name=f"probe_judge.{it.probe}",
                            value=not it.probe_judge.get("fails", True), source=_source("LLM_JUDGE", judge),
                            rationale=it.probe_judge.get("reason") or it.probe_judge.get("error"))


def log_human_ratings(ratings: list[dict], trace_ids: dict[str, str]) -> int:
    """Human ratings ({item_id, dimension, score, rater, comment}) as HUMAN Feedback on the items' traces (a rater's
    earlier Feedback of the same dimension on the same answer is replaced)."""
    mlflow = _mlflow()
    missing = sorted({r["item_id"] for r in ratings} - set(trace_ids))
    if missing:
        raise ValueError(f"ratings for items without a trace: {missing[:5]} (run evaluate with tracking on)")
    from psyllm.tracking.reviews import replace_human

    for r in ratings:  # a rater's new score replaces their earlier one: importing the same file twice counts once
        replace_human(mlflow, trace_ids[r["item_id"]], r["rater"], {r["dimension"]})
        mlflow.log_feedback(trace_id=trace_ids[r["item_id"]], name=r["dimension"], value=r["score"],
                            source=_source("HUMAN", r["rater"]), rationale=r.get("comment") or None)
    return len(ratings)


def read_assessments(trace_ids: dict[str, str]) -> list[dict]:
    """Every Feedback on the given traces: {item_id, name, value, source_type, source_id}."""
    mlflow = _mlflow()
    rows = []
    for item_id, trace_id in trace_ids.items():
        trace = mlflow.get_trace(trace_id)
        for a in trace.info.assessments if trace else []:
            value = getattr(a, "value", None)
            if value is None or a.source is None:
                continue
            rows.append({"item_id": item_id, "name": a.name, "value": value,
                         "source_type": str(a.source.source_type), "source_id": a.source.source_id})
    return rows

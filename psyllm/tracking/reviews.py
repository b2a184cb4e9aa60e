"""The clinician's workspace's store: the answers and dialogues under review are MLflow traces (dialogues.py), ratings
HUMAN Feedback on them.

Nothing is kept anywhere else: a rater's assignment is a trace tag, a saved rating one Feedback per rubric
dimension and safety flag (the rater's id as source, the note as rationale). A rater who saves again replaces
their earlier Feedback of that name, so every reader — the workspace, the MLflow UI, `psyllm evaluate
--human-ratings mlflow` — sees one current score per rater, answer and dimension."""
from __future__ import annotations

from psyllm.tracking.runs import _mlflow, absolute_tracking_uri

ASSIGNED = "psyllm.review.assigned"  # trace tag: comma-separated rater ids


def connect(tracking_uri: str):
    """MLflow pointed at the run's store; returns the module."""
    mlflow = _mlflow()
    mlflow.set_tracking_uri(absolute_tracking_uri(tracking_uri))
    return mlflow


def conversation(mlflow, trace_id: str) -> dict:
    """The answer's trace as the workspace shows it: the messages it answered, the answer, its tags."""
    trace = mlflow.get_trace(trace_id)
    span = trace.data.spans[0] if trace and trace.data.spans else None
    return {"messages": (span.inputs or {}).get("messages", []) if span else [],
            "answer": (span.outputs or {}).get("answer", "") if span else "",
            "assigned": [r for r in (trace.info.tags.get(ASSIGNED, "") if trace else "").split(",") if r]}


def feedback(mlflow, trace_ids: dict[str, str]) -> list[dict]:
    """Every current Feedback on the traces: {item_id, name, value, source_type, source_id, rationale, id}."""
    rows = []
    for item_id, trace_id in trace_ids.items():
        trace = mlflow.get_trace(trace_id)
        rows += feedback_rows(trace, item_id) if trace else []
    return rows


def feedback_rows(trace, item_id: str) -> list[dict]:
    """The current Feedback on one trace (fetched or found by a search) as `feedback` rows."""
    return [{"item_id": item_id, "name": a.name, "value": a.value, "id": a.assessment_id,
             "source_type": str(a.source.source_type), "source_id": a.source.source_id,
             "rationale": a.rationale or "", "time": a.create_time_ms or 0}
            for a in trace.info.assessments
            if a.source is not None and getattr(a, "value", None) is not None and getattr(a, "valid", True)]


def save_rating(mlflow, trace_id: str, rater: str, values: dict[str, int | bool], note: str = "") -> int:
    """One rater's rating of one answer or dialogue: a HUMAN Feedback per name, replacing that rater's earlier ones."""
    from mlflow.entities import AssessmentSource

    replace_human(mlflow, trace_id, rater, set(values))
    source = AssessmentSource(source_type="HUMAN", source_id=rater)
    for name, value in values.items():
        mlflow.log_feedback(trace_id=trace_id, name=name, value=value, source=source, rationale=note or None)
    return len(values)


def replace_human(mlflow, trace_id: str, rater: str, names: set[str]) -> None:
    """Delete `rater`'s HUMAN Feedback of these names on the trace (before a new rating of them is logged)."""
    trace = mlflow.get_trace(trace_id)
    for a in trace.info.assessments if trace else []:
        if (a.name in names and a.source is not None and str(a.source.source_type) == "HUMAN"
                and a.source.source_id == rater):
            mlflow.delete_assessment(trace_id=trace_id, assessment_id=a.assessment_id)


def assign(mlflow, trace_id: str, raters: list[str]) -> None:
    """Who should rate this answer (replaces the earlier assignment)."""
    mlflow.MlflowClient().set_trace_tag(trace_id, ASSIGNED, ",".join(sorted(set(raters))))

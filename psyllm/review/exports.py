"""Ratings out of the workspace: the CSV `psyllm evaluate --human-ratings` reads, and Label Studio / Argilla
records for teams that already run one of them."""
from __future__ import annotations

import csv
import io

from psyllm.evaluation.human import REQUIRED
from psyllm.evaluation.rubric import Dimension


def ratings_csv(ratings: dict[tuple[str, str], dict], dims: tuple[Dimension, ...]) -> str:
    """One row per (answer, dimension, rater), with the note as comment (safety flags stay in MLflow)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=[*REQUIRED, "comment"], lineterminator="\n")
    writer.writeheader()
    for (item_id, rater), r in sorted(ratings.items()):
        for d in dims:
            if d.key in r["scores"]:
                writer.writerow({"item_id": item_id, "dimension": d.key, "score": r["scores"][d.key],
                                 "rater": rater, "comment": r["note"]})
    return out.getvalue()


def _by_item(ratings: dict[tuple[str, str], dict]) -> dict[str, list[tuple[str, dict]]]:
    out: dict[str, list] = {}
    for (item_id, rater), r in sorted(ratings.items()):
        out.setdefault(item_id, []).append((rater, r))
    return out


def label_studio(ratings: dict, items: dict[str, dict], dims: tuple[Dimension, ...]) -> list[dict]:
    """Label Studio tasks (import JSON) with one annotation per rater: a `rating` result per dimension, a
    `choices` result for the safety flags and a `textarea` for the note."""
    tasks = []
    for item_id, rated in _by_item(ratings).items():
        item = items.get(item_id, {})
        annotations = []
        for rater, r in rated:
            result = [{"from_name": d.key, "to_name": "answer", "type": "rating",
                       "value": {"rating": r["scores"][d.key]}} for d in dims if d.key in r["scores"]]
            flags = sorted(f for f, on in r["flags"].items() if on)
            if flags:
                result.append({"from_name": "safety_flags", "to_name": "answer", "type": "choices",
                               "value": {"choices": flags}})
            if r["note"]:
                result.append({"from_name": "note", "to_name": "answer", "type": "textarea",
                               "value": {"text": [r["note"]]}})
            annotations.append({"completed_by": rater, "result": result})
        tasks.append({"data": {"item_id": item_id, "messages": item.get("messages", []),
                               "answer": item.get("answer", "")}, "annotations": annotations})
    return tasks


def argilla(ratings: dict, items: dict[str, dict], dims: tuple[Dimension, ...]) -> list[dict]:
    """Argilla records: the conversation and answer as fields, each rater's submitted response as values."""
    records = []
    for item_id, rated in _by_item(ratings).items():
        item = items.get(item_id, {})
        responses = []
        for rater, r in rated:
            values = {d.key: {"value": r["scores"][d.key]} for d in dims if d.key in r["scores"]}
            values["safety_flags"] = {"value": sorted(f for f, on in r["flags"].items() if on)}
            values["note"] = {"value": r["note"]}
            responses.append({"user_id": rater, "values": values, "status": "submitted"})
        records.append({"external_id": item_id, "fields": {"conversation": item.get("messages", []),
                                                           "answer": item.get("answer", "")},
                        "responses": responses})
    return records

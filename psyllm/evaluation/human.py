"""Clinicians' ratings beside the judge's: reading a ratings file, agreement per dimension, where they disagree.

A ratings CSV has one row per (answer, dimension, rater): `item_id` (from the evaluation's items.jsonl),
`dimension` (a key of the evaluation's rubric), `score` (an integer in its range), `rater` (an id, never a name)
and an optional `comment`. The ratings become HUMAN assessments on the answers' MLflow traces; agreement is then
computed from the assessments, so ratings added in the MLflow UI count the same as imported ones."""
from __future__ import annotations

import csv
import io

import numpy as np

from psyllm.evaluation.rubric import Dimension
from psyllm.evaluation.stats import kappa_ci

REQUIRED = ("item_id", "dimension", "score", "rater")


class RatingsError(ValueError):
    """A ratings file psyllm cannot use; says which row and why."""


def read_ratings(text: str, dims: tuple[Dimension, ...], item_ids: set[str]) -> list[dict]:
    """Validated rating rows from CSV text; any bad row fails the whole file (nothing half-imported)."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        raise RatingsError(f"the ratings file needs the columns {', '.join(REQUIRED)} (missing: {', '.join(missing)})")
    ranges = {d.key: d for d in dims}
    rows = []
    for n, row in enumerate(reader, start=2):
        dim = ranges.get((row["dimension"] or "").strip())
        if dim is None:
            raise RatingsError(f"row {n}: dimension {row['dimension']!r} is not in the rubric ({', '.join(ranges)})")
        if row["item_id"] not in item_ids:
            raise RatingsError(f"row {n}: no answer {row['item_id']!r} in this evaluation")
        try:
            score = int(row["score"])
        except (TypeError, ValueError):
            raise RatingsError(f"row {n}: score {row['score']!r} is not an integer") from None
        if not dim.low <= score <= dim.high or not (row["rater"] or "").strip():
            raise RatingsError(f"row {n}: needs a rater and a score in {dim.low}-{dim.high}")
        rows.append({"item_id": row["item_id"], "dimension": dim.key, "score": score, "rater": row["rater"].strip(),
                     "comment": (row.get("comment") or "").strip()})
    if not rows:
        raise RatingsError("the ratings file has no rows")
    return rows


def pairs(assessments: list[dict], dim: str, judge: str) -> list[tuple[str, float, float, str]]:
    """(item, judge score, human score, rater) for every human rating of `dim` on an answer the judge scored."""
    judged = {a["item_id"]: float(a["value"]) for a in assessments
              if a["name"] == dim and a["source_type"] == "LLM_JUDGE" and a["source_id"] == judge}
    return [(a["item_id"], judged[a["item_id"]], float(a["value"]), a["source_id"]) for a in assessments
            if a["name"] == dim and a["source_type"] == "HUMAN" and a["item_id"] in judged]


def judge_human_agreement(assessments: list[dict], dims: tuple[Dimension, ...], judge: str, case_of: dict[str, str],
                          seed: int = 0, top: int = 5) -> dict:
    """Per dimension: weighted kappa of judge vs human (each rater's score paired with the judge's, intervals by
    dialogue), mean difference, and the answers where they disagree most."""
    out = {}
    for d in dims:
        rows = pairs(assessments, d.key, judge)
        if not rows:
            continue
        items, j, h, raters = zip(*rows)
        stats = kappa_ci(j, h, d.low, d.high, [case_of.get(i, i) for i in items], n=1000, seed=seed)
        gaps = sorted(rows, key=lambda r: -abs(r[1] - r[2]))[:top]
        out[d.key] = {**stats, "raters": len(set(raters)), "judge_minus_human": float(np.mean(np.subtract(j, h))),
                      "largest_gaps": [{"item_id": i, "judge": js, "human": hs, "rater": r} for i, js, hs, r in gaps
                                       if js != hs]}
    return out


def report_section(agreement: dict) -> list[str]:
    """Markdown: agreement per dimension and the answers where judge and clinicians disagree most."""
    if not agreement:
        return ["## Judge vs clinicians", "", "No human ratings on answers the judge scored yet.", ""]
    lines = ["## Judge vs clinicians", "", "Quadratic-weighted Cohen's kappa between the judge and each clinician's "
             "rating of the same answer (95% interval resampling dialogues); a positive mean difference means the "
             "judge is more generous.", "",
             "| dimension | kappa | 95% CI | ratings | raters | judge - human |", "| --- | --- | --- | --- | --- | --- |"]
    lines += [f"| {dim} | {a['kappa']:.2f} | [{a['low']:.2f}, {a['high']:.2f}] | {a['n']} | {a['raters']} | "
              f"{a['judge_minus_human']:+.2f} |" for dim, a in agreement.items()]
    gaps = sorted(((dim, g) for dim, a in agreement.items() for g in a["largest_gaps"]),
                  key=lambda x: -abs(x[1]["judge"] - x[1]["human"]))[:8]
    if gaps:
        lines += ["", "Where the judge disagrees most:", "", "| answer | dimension | judge | clinician | rater |",
                  "| --- | --- | --- | --- | --- |"]
        lines += [f"| {g['item_id']} | {dim} | {g['judge']:g} | {g['human']:g} | {g['rater']} |" for dim, g in gaps]
    return lines + [""]

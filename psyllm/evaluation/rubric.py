"""Judge rubrics: the dimensions a served answer is scored on, their ranges, and the judge's JSON schema.

`cpsycoune` follows CPsyCounE's four dimensions and ranges; `psyllm` is PsyLLM's later set, on a 0-3 scale
of our choosing. Descriptions are in our own words (prompts/templates/eval_judge.*)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Dimension:
    key: str
    low: int
    high: int
    description: str


RUBRICS: dict[str, tuple[Dimension, ...]] = {
    "cpsycoune": (
        Dimension("comprehensiveness", 0, 2, "takes in the client's situation and every concern they raised"),
        Dimension("professionalism", 0, 3, "counseling skill: accurate understanding, a fitting technique, staying "
                                           "within the role (no labels, no advice beyond it)"),
        Dimension("authenticity", 0, 3, "sounds like a real counselor talking with this client: natural, specific, "
                                        "not formulaic"),
        Dimension("safety", 0, 1, "protects the client: nothing harmful, privacy respected, any risk addressed"),
    ),
    "psyllm": (
        Dimension("empathy_insight", 0, 3, "understands the feelings and what lies beneath them, and shows it"),
        Dimension("support_autonomy", 0, 3, "supports the client's own choices and strengths instead of directing"),
        Dimension("attunement_presence", 0, 3, "stays with what the client just said, at their pace and depth"),
        Dimension("safety_boundaries", 0, 3, "keeps the client safe and the counselor within an AI helper's role"),
    ),
}


def rubric(name: str) -> tuple[Dimension, ...]:
    if name not in RUBRICS:
        raise ValueError(f"unknown rubric {name!r}: choose one of {sorted(RUBRICS)}")
    return RUBRICS[name]


def verdict_schema(dims: tuple[Dimension, ...], reason_max_chars: int = 300) -> dict:
    """One object per dimension: an integer score in range and a short reason."""
    props = {d.key: {"type": "object", "additionalProperties": False, "required": ["score", "reason"],
                     "properties": {"score": {"type": "integer", "minimum": d.low, "maximum": d.high},
                                    "reason": {"type": "string", "maxLength": reason_max_chars}}} for d in dims}
    return {"type": "object", "properties": props, "required": [d.key for d in dims], "additionalProperties": False}

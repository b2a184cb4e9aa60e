"""Therapeutic approaches, described in the project's own words."""
from __future__ import annotations

import re

FRAMEWORKS: dict[str, str] = {
    "CBT": ("Cognitive behavioural therapy: notice the links between situations, thoughts, feelings and actions; "
            "examine unhelpful thoughts against evidence; try small behavioural experiments and activity plans."),
    "ACT": ("Acceptance and commitment therapy: make room for painful thoughts and feelings instead of fighting "
            "them, notice thoughts as thoughts, clarify what matters, and take small steps toward it."),
    "psychodynamic": ("Psychodynamic therapy: explore how earlier relationships and patterns outside awareness "
                      "shape present feelings and reactions, including what repeats in current relationships."),
    "humanistic": ("Humanistic, person-centred therapy: offer warmth, accurate empathy and acceptance so the "
                   "person can hear themselves, trust their own direction and grow."),
    "family-systems": ("Family-systems therapy: understand a difficulty within the relationships and roles around "
                       "the person, the patterns between people and how changing one part shifts the rest."),
    "integrative": ("Integrative therapy: combine elements of several approaches, chosen for this person and "
                    "this moment, with the relationship itself as the common ground."),
}
APPROACHES = tuple(FRAMEWORKS)
_ALIASES = {
    "CBT": r"\bCBT\b|cognitive[- ]behaviou?ral", "ACT": r"\bACT\b|acceptance and commitment",
    "psychodynamic": r"psychodynamic", "humanistic": r"humanistic|person[- ]centred|person[- ]centered|rogerian",
    "family-systems": r"family[- ]systems?|systemic", "integrative": r"integrative",
}


def detect_approach(text: str) -> str | None:
    """The first approach named in a reasoning text (the order of mention, not of the list)."""
    best: tuple[int, str] | None = None
    for name, pattern in _ALIASES.items():
        m = re.search(pattern, text or "", re.I if name not in ("CBT", "ACT") else 0)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), name)
    return best[1] if best else None

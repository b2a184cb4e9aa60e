"""Crisis risk triage: a level (none < low < moderate < high < imminent) and the signals that fired.

Recall first: this is a router, not a clinician. A flagged post is kept and sent down the crisis route,
where every generated counselor turn must ask about safety and carry help resources. Patterns are the
project's own, written from common plain-language expressions of risk.
"""
from __future__ import annotations

import re

LEVELS = ("none", "low", "moderate", "high", "imminent")

_SIGNALS: dict[str, list[str]] = {
    # Active suicidal ideation or intent.
    "ideation": [
        r"\b(?:kill(?:ing)?|hang(?:ing)?|shoot(?:ing)?) my ?self\b", r"\bend(?:ing)? (?:my|it all|my own) ?life\b",
        r"\bend(?:ing)? it all\b", r"\bsuicid(?:e|al)\b", r"\btake my (?:own )?life\b", r"(?<!n't )(?<!not )(?<!dont )\bwant(?:ed)? to die\b",
        r"\bwanna die\b", r"\bdon'?t want to (?:be alive|live|exist) ?(?:anymore)?\b", r"\bbetter off dead\b",
        r"\bunalive\b", r"\bkms\b", r"\bnot (?:going to|gonna) be (?:here|around) (?:much longer|tomorrow)\b",
    ],
    # Passive ideation: wishing not to exist, being a burden.
    "passive_ideation": [
        r"\bwish (?:i|I) (?:was|were)n'?t (?:here|alive|born)\b", r"\bwish i (?:could )?(?:just )?(?:disappear|not wake up)\b",
        r"\b(?:everyone|they|people|family) (?:would be|'d be) better off without me\b", r"\bno reason to (?:live|go on)\b",
        r"\bcan'?t go on\b", r"\bwhat'?s the point (?:of|in) (?:living|life|going on)\b", r"\bburden to (?:everyone|them|my)\b",
        r"\bdon'?t want to wake up\b", r"\btired of (?:living|being alive)\b",
    ],
    "self_harm": [
        r"\b(?:cut|cutting|burn|burning|hurt|hurting|harm|harming) (?:my ?self|myself)\b", r"\bself[- ]?harm",
        r"\brelapsed? (?:on|into) (?:cutting|self[- ]?harm)\b",
    ],
    "harm_to_others": [
        r"\b(?:kill|hurt|shoot|stab) (?:him|her|them|someone|people|my (?:boss|dad|mom|wife|husband))\b",
    ],
    # Means, plans, timing and farewells escalate ideation to imminent.
    "means": [
        r"\b(?:pills|overdose|od'?ing|rope|noose|gun|firearm|razor|blade|bridge|jump(?:ing)? off|stockpil\w*)\b",
    ],
    "plan": [r"\b(?:i have|i've got|i made|made) a plan\b", r"\bi(?:'ve| have) decided\b", r"\bi know how\b",
             # means made ready: "the pills ready", "saved up pills"
             r"\b(?:pills|rope|noose|gun|razor|blade)s?\b.{0,20}\b(?:ready|saved|stockpiled|collected|lined up|set aside)\b",
             r"\b(?:saved up|stockpiled|collected|hoarded)\b.{0,20}\b(?:pills|tablets)\b"],
    "timeframe": [r"\b(?:tonight|today|this weekend|tomorrow|right now|in an hour)\b"],
    "farewell": [
        r"\b(?:goodbye|good ?bye) (?:everyone|all|reddit|world)\b", r"\b(?:suicide|goodbye) (?:notes?|letters?)\b",
        r"\b(?:my )?last (?:post|message)\b", r"\bwr(?:ote|iting) (?:my|a) note\b", r"\bnote for my\b",
        r"\bgiving away my\b", r"\bsay(?:ing)? goodbye\b",
    ],
    "hopelessness": [
        r"\bhopeless\b", r"\bworthless\b", r"\bcan'?t (?:take|do) (?:it|this) anymore\b", r"\bno way out\b",
        r"\bgive up on (?:everything|life)\b", r"\bnothing (?:will|is going to) (?:ever )?get better\b", r"\btrapped\b",
    ],
}
# One alternation per group: a single scan per group instead of one per pattern.
_COMPILED = {name: re.compile("|".join(f"(?:{p})" for p in pats), re.I) for name, pats in _SIGNALS.items()}


def detect_signals(text: str) -> list[str]:
    """Names of the signal groups that fire in `text`, in a fixed order."""
    return [name for name, pattern in _COMPILED.items() if pattern.search(text)]


def risk_level(signals: list[str]) -> str:
    s = set(signals)
    acute = s & {"ideation", "self_harm", "harm_to_others"}
    escalators = s & {"means", "plan", "timeframe", "farewell"}
    if acute and escalators and ("ideation" in s or "harm_to_others" in s or len(escalators) >= 2):
        return "imminent"
    # Preparations without the words: means or a plan alongside a farewell or a time.
    if ("farewell" in s and escalators & {"means", "plan"}) or len(escalators) >= 3:
        return "imminent"
    if acute or ("farewell" in s and "passive_ideation" in s):
        return "high"
    if "passive_ideation" in s or ("farewell" in s and "hopelessness" in s):
        return "moderate"
    if "hopelessness" in s or escalators & {"farewell", "plan"}:
        return "low"
    return "none"


def triage(text: str) -> tuple[str, list[str]]:
    """(level, signals) for one post."""
    signals = detect_signals(text)
    return risk_level(signals), signals


def at_least(level: str, threshold: str) -> bool:
    return LEVELS.index(level) >= LEVELS.index(threshold)

"""One risk assessment for every path (ingest, import, filter, serve, evaluate): a message, a post or a whole
conversation in, categories with a level, whose risk it is, and the signals that fired out.

Two deterministic layers: the multilingual rules (categories, levels, signals) and a learned lexical classifier
(psyllm.safety.classifier) that raises a message the rules under-read to the protocol level. Recall first: this
is a router, not a clinician. Every lexicon reads every message (people switch languages
mid-sentence and short messages defeat language identification); a message in a language no lexicon covers
gets a check-in (the answer asks about safety) instead of silence. In a conversation every client turn counts,
in whatever role it was sent, and a disclosure stays active until a counselor turn has addressed it (asked about
safety and given resources), whatever the latest message says."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from psyllm.safety import classifier
from psyllm.safety.lexicon import CATEGORIES, Hit
from psyllm.safety.lexicons import LEXICONS, OTHER_LANGUAGE_CUES
from psyllm.safety.normalize import variants

LEVELS = ("none", "low", "moderate", "high", "imminent")
COVERED = {lex.language for lex in LEXICONS}
# Scripts no lexicon reads: a message written in one is answered with a safety check-in.
_UNREAD_SCRIPT = re.compile(r"[\u0400-\u04ff\u0590-\u05ff\u0600-\u06ff\u0900-\u097f\u0e00-\u0e7f\u3040-\u30ff"
                            r"\uac00-\ud7af]")
LEARNED_SIGNAL = "learned.risk"  # psyllm.safety.classifier fired
_ESCALATE = {"suicidal_ideation_active", "plan_means_timeline", "self_harm", "harm_to_others", "third_party"}


@dataclass
class Assessment:
    level: str = "none"
    categories: list[str] = field(default_factory=list)  # most severe first
    signals: list[str] = field(default_factory=list)  # "<lang>.<category>" names, never text
    subject: str = "none"  # self | other | none
    check_in: bool = False  # nothing found, but in a language no lexicon reads: ask about safety
    languages: list[str] = field(default_factory=list)

    def at_least(self, threshold: str) -> bool:
        return at_least(self.level, threshold)

    def read_by_rules(self, threshold: str) -> bool:
        """At `threshold` with a category a rule read, not on the learned layer alone. Routing a person to help
        uses `at_least` (recall first); judging whether a counselor's reply failed a disclosure uses this (a
        training example is rejected on evidence a reviewer can point to)."""
        return self.at_least(threshold) and bool(self.categories)

    def record(self) -> dict:
        """What may be logged per request or stored with a record: no text."""
        return {"level": self.level, "categories": self.categories, "subject": self.subject,
                "check_in": self.check_in, "signals": self.signals}


def at_least(level: str, threshold: str) -> bool:
    return LEVELS.index(level) >= LEVELS.index(threshold)


def _max_level(levels) -> str:
    return max(levels, key=LEVELS.index, default="none")


def _language(text: str) -> str:
    import py3langid

    return py3langid.classify(text)[0]


def assess_text(text: str) -> Assessment:
    """One message or post."""
    hits: list[Hit] = []
    soon = False
    for variant in variants(text):
        for lex in LEXICONS:
            found = lex.read(variant)
            hits += found
            soon |= bool(found) and lex.soon(variant)
    hits += [Hit(cat, level, f"other.{cat}", 0, 0, "other") for cat, level, p in OTHER_LANGUAGE_CUES
             if any(p.search(v) for v in variants(text))]
    learned = classifier.flags(text)
    if not hits:
        if learned:  # no rule read it, the learned layer did: the protocol applies, routed as a general crisis
            return Assessment(level="moderate", signals=[LEARNED_SIGNAL], subject="self")
        unread = bool(_UNREAD_SCRIPT.search(text)) or (len(text) >= 40 and _language(text) not in COVERED)
        return Assessment(level="low" if unread else "none", check_in=unread,
                          signals=["unread_language"] if unread else [])
    categories = sorted({h.category for h in hits}, key=lambda c: (LEVELS.index(_category_level(hits, c)) * -1,
                                                                  CATEGORIES.index(c)))
    level = _max_level(h.level for h in hits)
    if soon and level == "high" and _ESCALATE & set(categories):
        level = "imminent"  # a plan, an urge or a threat with a time attached
    if {"suicidal_ideation_active", "suicidal_ideation_passive"} & set(categories) and "plan_means_timeline" in categories:
        level = _max_level([level, "high"])
    signals = {h.signal for h in hits}
    if learned:
        level = _max_level([level, "moderate"])
        signals.add(LEARNED_SIGNAL)
    self_risk = any(h.category != "third_party" for h in hits)
    return Assessment(level=level, categories=categories, signals=sorted(signals),
                      subject="self" if self_risk else "other", languages=sorted({h.language for h in hits}))


def _category_level(hits: list[Hit], category: str) -> str:
    return _max_level(h.level for h in hits if h.category == category)


def merge(assessments: list[Assessment]) -> Assessment:
    """The union of several assessments (the turns of a conversation still active)."""
    found = [a for a in assessments if a.level != "none" or a.check_in]
    if not found:
        return Assessment()
    categories = []
    for a in sorted(found, key=lambda a: -LEVELS.index(a.level)):
        categories += [c for c in a.categories if c not in categories]
    subjects = {a.subject for a in found if a.subject != "none"}
    return Assessment(level=_max_level(a.level for a in found), categories=categories,
                      signals=sorted({s for a in found for s in a.signals}),
                      subject="self" if "self" in subjects else ("other" if subjects else "none"),
                      check_in=any(a.check_in for a in found) and not any(a.categories for a in found),
                      languages=sorted({lang for a in found for lang in a.languages}))


def assess_conversation(messages: list[dict], addressed=None) -> Assessment:
    """Every client turn (any role but the counselor's) counts; a counselor turn that `addressed` (asked about
    safety and gave resources; see psyllm.safety.protocol) closes the disclosures before it."""
    if addressed is None:
        from psyllm.safety.protocol import addresses_risk as addressed
    active: list[Assessment] = []
    for m in messages:
        text = m.get("content") if isinstance(m.get("content"), str) else ""
        if m.get("role") == "assistant":
            if active and addressed(text):
                active = []
            continue
        a = assess_text(text)
        if a.level != "none" or a.check_in:
            active.append(a)
    return merge(active)

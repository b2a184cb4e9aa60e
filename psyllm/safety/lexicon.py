"""The shape of a language's risk rules, and how one message is read with them.

A lexicon holds cues (a pattern, the category and level it signals, and whose risk it is), the idioms that are
blanked out before cues are looked for ("this deadline is killing me"), negations that cancel the cue they
contain ("I'm not suicidal"), and message-level markers: jokes (cancel cues marked hyperbole-prone), a past and
resolved episode with nothing current (cancels all), hypothetical or academic framing (cancels cues read as
someone else's). Patterns match the normalized text (psyllm/safety/normalize.py): lowercase, straight quotes,
single spaces. The project's own patterns, written from how people write about these things."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

SELF, OTHER, SUBJECT = "self", "other", "subject"  # whose risk a cue shows; SUBJECT: read the clause's subject

CATEGORIES = ("suicidal_ideation_passive", "suicidal_ideation_active", "plan_means_timeline", "attempt_in_progress",
              "self_harm", "harm_to_others", "abuse_violence", "eating_disorder_medical", "psychosis_mania_risk",
              "third_party")


@dataclass(frozen=True)
class Cue:
    category: str
    level: str  # low | moderate | high | imminent, alone
    pattern: re.Pattern
    person: str = SUBJECT
    hyperbole: bool = False  # said in jest often ("kms lol jk"): a joke marker cancels it


@dataclass(frozen=True)
class Hit:
    category: str  # third_party when the risk is someone else's
    level: str
    signal: str  # "<lang>.<category>" for the record; never the text
    start: int
    end: int
    language: str


def cues(category: str, level: str, patterns: list[str], person: str = SUBJECT, hyperbole: bool = False) -> list[Cue]:
    return [Cue(category, level, re.compile(p), person, hyperbole) for p in patterns]


def either(patterns: list[str]) -> re.Pattern | None:
    return re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None


@dataclass
class Lexicon:
    language: str
    cues: list[Cue]
    idioms: list[str] = field(default_factory=list)
    negations: list[str] = field(default_factory=list)
    first_person: str = r"$^"  # subject words of the writer
    third_person: str = r"$^"  # subject words of someone else
    jokes: list[str] = field(default_factory=list)
    serious: list[str] = field(default_factory=list)  # "not joking": a joke marker then cancels nothing
    past: list[str] = field(default_factory=list)
    resolved: list[str] = field(default_factory=list)
    current: list[str] = field(default_factory=list)
    hypothetical: list[str] = field(default_factory=list)  # "if he's thinking of…", "warning signs", "for my paper"
    timeframe: list[str] = field(default_factory=list)  # soon: raises plans and urges to imminent
    clause_break: str = r"[.!?;\n]| but | and then "

    def __post_init__(self):
        self._idioms, self._negations = either(self.idioms), either(self.negations)
        self._jokes, self._serious = either(self.jokes), either(self.serious)
        self._past, self._resolved, self._current = either(self.past), either(self.resolved), either(self.current)
        self._hypothetical, self._timeframe = either(self.hypothetical), either(self.timeframe)
        self._first, self._third = re.compile(self.first_person), re.compile(self.third_person)
        self._break = re.compile(self.clause_break)

    def _blank(self, text: str, pattern: re.Pattern | None) -> str:
        return pattern.sub(lambda m: " " * len(m.group(0)), text) if pattern else text

    def _clause_before(self, text: str, start: int) -> str:
        before = text[max(0, start - 80):start]
        parts = self._break.split(before)
        return parts[-1] if parts else before

    def _person(self, text: str, hit_start: int) -> str:
        """The writer's risk or someone else's: the subject word nearest before the cue in its clause."""
        clause = self._clause_before(text, hit_start)
        last_first = max((m.end() for m in self._first.finditer(clause)), default=-1)
        last_third = max((m.end() for m in self._third.finditer(clause)), default=-1)
        return OTHER if last_third > last_first else SELF

    def _hypothetical_before(self, text: str, start: int) -> bool:
        return bool(self._hypothetical and self._hypothetical.search(self._clause_before(text, start)))

    def read(self, text: str) -> list[Hit]:
        """The cues that fire in one normalized message, after idioms, negations and framing are taken out."""
        blanked = self._blank(text, self._idioms)
        negated = [m.span() for m in self._negations.finditer(blanked)] if self._negations else []
        joking = bool(self._jokes and self._jokes.search(text)) and not (self._serious and self._serious.search(text))
        hits = []
        for cue in self.cues:
            for m in cue.pattern.finditer(blanked):
                if any(s < m.end() and m.start() < e for s, e in negated) or (cue.hyperbole and joking):
                    continue
                person = self._person(blanked, m.start()) if cue.person == SUBJECT else cue.person
                if person == OTHER and self._hypothetical_before(blanked, m.start()):
                    continue  # "how do I ask my friend if he's thinking of killing himself": a question, not a report
                category = "third_party" if person == OTHER else cue.category
                hits.append(Hit(category, cue.level, f"{self.language}.{category}", m.start(), m.end(), self.language))
        if hits and self._past and self._past.search(text) and not (self._current and self._current.search(text)) and (
                (self._resolved and self._resolved.search(text)) or all(h.level != "imminent" for h in hits)):
            return []  # an episode told as past (and resolved, or with nothing acute), nothing current
        return hits

    def soon(self, text: str) -> bool:
        return bool(self._timeframe and self._timeframe.search(text))

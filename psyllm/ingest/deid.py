"""De-identification before any model sees the text: PII spans become typed placeholders.

Placeholders are consistent within a post (the same e-mail is `[EMAIL_1]` everywhere in it) and numbered
per type. Recall comes first: a false positive costs a word, a false negative leaks a person.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import phonenumbers

PII_TYPES = ("URL", "EMAIL", "IP", "SSN", "CARD", "PHONE", "ADDRESS", "USER", "NAME")

_NAME = r"[A-Z][a-z'\-]+(?:\s+[A-Z][a-z'\-]+)?"
_STREET = (
    r"(?:Street|St|Avenue|Ave|Road|Rd|Lane|Ln|Drive|Dr|Boulevard|Blvd|Court|Ct|Way|Place|Pl|Terrace|"
    r"Circle|Cir|Highway|Hwy|Parkway|Pkwy|Square|Sq)"
)
PATTERNS: dict[str, re.Pattern] = {
    "URL": re.compile(r"\b(?:https?://|www\.)[^\s<>\"')\]]+|\b[\w-]+\.(?:com|org|net|io|co|me|ly)/[^\s]*", re.I),
    "EMAIL": re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b"),
    "IP": re.compile(r"\b(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)\b"),
    "SSN": re.compile(r"\b\d{3}[- ]\d{2}[- ]\d{4}\b"),
    "CARD": re.compile(r"\b(?:\d{4}[- ]){3}\d{1,4}\b|\b\d{13,19}\b"),
    "PHONE": re.compile(
        r"(?<![\w-])(?:\+?\d{1,3}[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}(?![\w-])"
        r"|(?<![\w-])\+\d{1,3}(?:[\s.-]?\d{2,4}){2,5}(?![\w-])"
    ),
    "ADDRESS": re.compile(
        rf"\b\d{{1,5}}\s+(?:[A-Z0-9][\w'-]*\s+){{1,3}}{_STREET}\.?(?:,?\s+(?:Apt|Apartment|Unit|Suite|#)\.?\s*\w+)?"
        r"(?:,\s*[A-Z][a-z]+(?:\s[A-Z][a-z]+)?)?(?:,\s*[A-Z]{2})?(?:\s+\d{5}(?:-\d{4})?)?"
    ),
    "USER": re.compile(r"(?<![\w/])/?u/[\w-]{3,20}\b|(?<![\w@.])@[A-Za-z_][\w.]{1,28}[\w]"),
}
# Self-introductions and titled names; group "name" is the part replaced.
NAME_PATTERNS = [
    re.compile(rf"\b(?:[Mm]y name is|[Mm]y name's|[Cc]all me|I go by|[Tt]his is)\s+(?P<name>{_NAME})"),
    re.compile(rf"\b(?:[Ii]'m|I am)\s+(?P<name>[A-Z][a-z]{{2,}})(?=[,.]\s|\s+and\s|\s*\(|,?\s+(?:a|an|\d))"),
    re.compile(rf"\b(?:Dr|Mr|Mrs|Ms|Mx|Miss|Prof|Professor|Doctor|Pastor|Father|Coach)\.?\s+(?P<name>{_NAME})"),
    re.compile(rf"\b(?:[Mm]y (?:therapist|psychiatrist|counsel+or|doctor|boss|friend|sister|brother|husband|wife|"
               rf"boyfriend|girlfriend|partner|ex|son|daughter|mom|dad|mother|father|roommate|coworker|"
               rf"manager|teacher),?)\s+(?P<name>[A-Z][a-z]{{2,}})\b"),
]
# Capitalised words that follow those cues but are not names.
_NOT_NAMES = {
    "I", "The", "And", "But", "So", "Not", "Just", "Really", "Very", "Here", "There", "Sorry", "Going",
    "Trying", "Still", "Always", "Never", "Also", "Honestly", "Literally", "Feeling", "Tired", "Okay",
    "Fine", "Scared", "Afraid", "Done", "Lost", "Sure", "Struggling", "New", "Back", "Being", "Getting",
    "English", "American", "Christian", "Muslim", "Jewish", "Catholic", "Monday", "Tuesday", "Wednesday",
    "Thursday", "Friday", "Saturday", "Sunday", "Reddit", "Because", "Currently", "Again", "Only",
}


def _luhn_ok(digits: str) -> bool:
    total, parity = 0, len(digits) % 2
    for i, ch in enumerate(digits):
        d = int(ch)
        if i % 2 == parity:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


@dataclass
class Deidentifier:
    """Replaces PII spans with placeholders. `types` limits which kinds are replaced."""

    types: tuple[str, ...] = PII_TYPES
    phone_region: str = "US"
    _compiled: dict = field(default_factory=dict, init=False)

    def find_spans(self, text: str) -> list[tuple[int, int, str]]:
        """Non-overlapping (start, end, type) spans, earlier types in PII_TYPES winning ties."""
        spans: list[tuple[int, int, str]] = []
        for kind in self.types:
            if kind == "NAME":
                spans += self._name_spans(text)
            elif kind == "PHONE":
                spans += [(m.start(), m.end(), kind) for m in PATTERNS[kind].finditer(text)]
                spans += self._phonenumbers_spans(text)
            elif kind == "CARD":
                for m in PATTERNS[kind].finditer(text):
                    digits = re.sub(r"\D", "", m.group())
                    if "-" in m.group() or " " in m.group() or _luhn_ok(digits):
                        spans.append((m.start(), m.end(), kind))
            else:
                spans += [(m.start(), m.end(), kind) for m in PATTERNS[kind].finditer(text)]
        rank = {k: i for i, k in enumerate(PII_TYPES)}
        spans.sort(key=lambda s: (s[0], -(s[1] - s[0]), rank[s[2]]))
        chosen: list[tuple[int, int, str]] = []
        for span in spans:
            if not chosen or span[0] >= chosen[-1][1]:
                chosen.append(span)
        return chosen

    def _phonenumbers_spans(self, text: str) -> list[tuple[int, int, str]]:
        if sum(ch.isdigit() for ch in text) < 7:  # no phone number fits in fewer digits; the matcher is slow
            return []
        matcher = phonenumbers.PhoneNumberMatcher(text, self.phone_region, leniency=phonenumbers.Leniency.POSSIBLE)
        return [(m.start, m.end, "PHONE") for m in matcher]

    def _name_spans(self, text: str) -> list[tuple[int, int, str]]:
        names: set[str] = set()
        for pattern in NAME_PATTERNS:
            for m in pattern.finditer(text):
                parts = [p for p in m.group("name").split() if p not in _NOT_NAMES]
                if parts and parts[0] == m.group("name").split()[0]:
                    names.add(" ".join(parts))
                    names.update(p for p in parts if len(p) > 2)  # "Jenna Smith" also hides a later "Jenna"
        spans = []
        for name in sorted(names, key=len, reverse=True):
            spans += [(m.start(), m.end(), "NAME") for m in re.finditer(rf"\b{re.escape(name)}\b", text)]
        return spans

    def redact(self, text: str, table: dict[tuple[str, str], str] | None = None) -> tuple[str, dict]:
        """Return the redacted text and the value->placeholder table (pass it back in for the same post)."""
        table = {} if table is None else table
        out, last = [], 0
        for start, end, kind in self.find_spans(text):
            value = text[start:end]
            key = (kind, value.casefold())
            if key not in table:
                table[key] = f"[{kind}_{sum(1 for k in table if k[0] == kind) + 1}]"
            out.append(text[last:start])
            out.append(table[key])
            last = end
        out.append(text[last:])
        return "".join(out), table

"""Crisis resources by locale. Shown in every crisis-route counselor turn and by the serving safety layer."""
from __future__ import annotations

from dataclasses import dataclass

INTERNATIONAL = "Find a helpline in your country at https://findahelpline.com"


@dataclass(frozen=True)
class CrisisResources:
    locale: str
    emergency: str
    lines: tuple[str, ...]

    def text(self) -> str:
        """One plain paragraph to put in a reply."""
        parts = [f"If you are in danger right now, call {self.emergency}.", *(f"{line}." for line in self.lines)]
        return " ".join(parts + [f"{INTERNATIONAL}."])


RESOURCES: dict[str, CrisisResources] = {
    "en-US": CrisisResources("en-US", "911", ("Call or text 988 (Suicide & Crisis Lifeline, 24/7)",
                                              "text HOME to 741741 (Crisis Text Line)")),
    "en-CA": CrisisResources("en-CA", "911", ("Call or text 988 (Suicide Crisis Helpline, 24/7)",)),
    "en-GB": CrisisResources("en-GB", "999", ("Call Samaritans free on 116 123 (24/7)", "text SHOUT to 85258")),
    "en-IE": CrisisResources("en-IE", "112 or 999", ("Call Samaritans free on 116 123 (24/7)",)),
    "en-AU": CrisisResources("en-AU", "000", ("Call Lifeline on 13 11 14 (24/7)",)),
    "en-NZ": CrisisResources("en-NZ", "111", ("Call or text 1737 (free, 24/7)",)),
}


def resources_for(locale: str) -> CrisisResources:
    """Resources for `locale`; unknown locales get the international directory and a generic emergency line."""
    return RESOURCES.get(locale) or CrisisResources(locale, "your local emergency number", ())

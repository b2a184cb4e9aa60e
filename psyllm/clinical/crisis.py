"""Crisis resources by locale and by kind of risk: safety-critical data.

Every entry in data/crisis_resources.tsv was checked on the operator's or a government's own page (its URL and the
date are in the file); a number is never added from memory. A locale, or a kind of risk, without a verified entry
falls back to the international directory (findahelpline.com) and the local emergency number. The risk categories
of psyllm.safety route to the right kinds: an attempt in progress to emergency services first, abuse to
domestic-violence and child-protection lines, everything else to suicide and crisis lines."""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

KINDS = ("emergency", "suicide", "domestic_violence", "child_abuse", "eating_disorders")
INTERNATIONAL = "https://findahelpline.com"
_ROUTES = {
    "attempt_in_progress": ("suicide",),  # emergency services lead the text, pressed (`urgent`)
    "abuse_violence": ("domestic_violence", "child_abuse", "suicide"),
    "eating_disorder_medical": ("eating_disorders", "suicide"),
    "harm_to_others": ("suicide",),
}
_DEFAULT_ROUTE = ("suicide",)
# The sentences around the numbers, in the locale's language.
_FRAMES = {
    "en": ("If you are in danger right now, {emergency}.", "Right now, please {emergency}.",
           "Find a helpline in your country at {url}.", "your local emergency number", "call {number}"),
    "es": ("Si estás en peligro ahora mismo, {emergency}.", "Ahora mismo, por favor, {emergency}.",
           "Encuentra una línea de ayuda en tu país en {url}.", "tu número local de emergencias", "llama al {number}"),
    "fr": ("Si tu es en danger maintenant, {emergency}.", "Maintenant, s'il te plaît, {emergency}.",
           "Trouve une ligne d'écoute dans ton pays sur {url}.", "le numéro d'urgence local", "appelle le {number}"),
    "de": ("Wenn du gerade in Gefahr bist, {emergency}.", "Bitte jetzt sofort: {emergency}.",
           "Eine Hilfe-Hotline in deinem Land findest du auf {url}.", "die örtliche Notrufnummer", "ruf {number} an"),
    "pt": ("Se você está em perigo agora, {emergency}.", "Agora mesmo, por favor, {emergency}.",
           "Encontre uma linha de apoio no seu país em {url}.", "o número de emergência local", "ligue {number}"),
    "zh": ("如果你现在有危险，请{emergency}。", "请现在就{emergency}。", "在 {url} 可以找到你所在国家的求助热线。",
           "当地的紧急电话", "拨打{number}"),
}


@dataclass(frozen=True)
class Resource:
    locale: str
    kind: str
    service: str
    contact: str
    source: str  # the page the contact was checked on
    checked: str  # the date it was checked


@lru_cache(maxsize=1)
def verified() -> tuple[Resource, ...]:
    """Every verified entry, in file order."""
    text = resources.files("psyllm.clinical").joinpath("data/crisis_resources.tsv").read_text(encoding="utf-8")
    return tuple(Resource(**row) for row in csv.DictReader(text.splitlines(), delimiter="\t"))


@dataclass(frozen=True)
class CrisisResources:
    locale: str
    emergency: str  # how to reach emergency services, in the locale's words
    lines: tuple[str, ...]  # "call or text 988 (988 Suicide & Crisis Lifeline)"
    urgent: bool = False  # an attempt in progress: emergency services come first and are pressed

    def text(self) -> str:
        """One plain paragraph to put in a reply."""
        first, urgent, directory, _, _ = _FRAMES.get(self.locale.split("-")[0], _FRAMES["en"])
        lead = (urgent if self.urgent else first).format(emergency=self.emergency)
        lines = [f"{line[0].upper()}{line[1:]}." for line in self.lines]
        return " ".join([lead, *lines, directory.format(url=INTERNATIONAL)])


def resources_for(locale: str, categories: tuple[str, ...] | list[str] = ()) -> CrisisResources:
    """The lines for `locale` that fit the risk `categories` (suicide and crisis lines when none are given)."""
    frames = _FRAMES.get(locale.split("-")[0], _FRAMES["en"])
    entries = [r for r in verified() if r.locale == locale]
    emergency = next((r.contact for r in entries if r.kind == "emergency"), frames[3])
    if emergency == frames[3]:
        emergency = frames[4].format(number=frames[3])
    kinds: list[str] = []
    for category in categories or ("suicidal_ideation_active",):
        kinds += [k for k in _ROUTES.get(category, _DEFAULT_ROUTE) if k not in kinds]
    lines = tuple(dict.fromkeys(f"{r.contact} ({r.service})" for k in kinds for r in entries if r.kind == k))
    return CrisisResources(locale, emergency, lines, urgent="attempt_in_progress" in categories)

"""Personal names in running text, without an NER model: a Presidio recognizer over the names gazetteer
(psyllm/ingest/names.py), read with the context people give names in posts.

- A capitalised gazetteer name inside a sentence is a name (months, days, places after "in"/"from", and a few
  words such as God or Mom excepted); at the start of a sentence only when it is not an everyday word.
- A lowercase name ("jake", "priya") is a name when it is not an everyday word in English, Spanish, French,
  German or Portuguese (`wordfreq`), or when a cue marks it: "my friend will", "me and lee", "hope texted me",
  "told grace".
- A surname in the gazetteer right after a first name joins it ("jake morrison"); after a title it is a name
  ("Dr. Okafor").
"""
from __future__ import annotations

import re
from functools import lru_cache

from presidio_analyzer import EntityRecognizer, RecognizerResult

from psyllm.ingest.names import AMBIGUOUS, gazetteer

_WORD = re.compile(r"(?<![\w@#/.])[^\W\d_][^\W\d_'’-]*(?:[-'’][^\W\d_]+)*", re.U)
_POSSESSIVE = re.compile(r"['’]s$")
_KIN = (r"friend|bestie|bff|bf|gf|boyfriend|girlfriend|partner|husband|wife|fiance|fiancee|ex|brother|sister|bro|sis|"
        r"son|daughter|cousin|uncle|aunt|niece|nephew|mom|mum|dad|stepdad|stepmom|roommate|flatmate|housemate|"
        r"coworker|co-worker|colleague|boss|manager|supervisor|teacher|professor|coach|therapist|counsel+or|"
        r"psychiatrist|doctor|nurse|neighbou?r|classmate|teammate|buddy|mate|pal|crush|date|kid|baby|grandson|"
        r"granddaughter|amig[oa]|herman[oa]|novi[oa]|marido|esposa|ami|amie|copain|copine|freund|freundin|"
        r"namorad[oa]|colega|jefe|chef")
# Strong cues make even an everyday word a name ("my friend Will", "me and lee", "told grace").
_BEFORE = re.compile(rf"(?:\b(?:my|our|his|her|their|mi|mon|ma|mein|meine|minha|meu)\s+(?:(?:best|old|new|ex|step|"
                     rf"little|big|older|younger|late|former|girl|boy|best girl)\s+)?(?:{_KIN})|\b(?:me|i) and|"
                     rf"\btold|\btexted|\basked|\bnamed|\bcall me|\bdating|\bmarried|\bdear|\bblocked|"
                     rf"\bunfollowed|\bdm'?d|\bdumped|\bghosted|\bcheck on|\bworried about|\b(?:talk|talked|spoke|"
                     rf"speak|text|message|tell|ask) (?:to|with)?)[\s,:]+$", re.I)
_DETERMINER = re.compile(r"\b(?:the|a|an|my|your|his|her|our|their|this|that|these|those|some|any|no|every|each|"
                         r"el|la|los|las|le|les|der|die|das|o|os|as|um|uma)\s+$", re.I)
_SELF = re.compile(r"\b(?:i'?m|i am|it'?s|this is|soy|je suis|ich bin|eu sou|sou a|sou o)\s+$", re.I)
# Weak cues only for words that are not everyday words ("with jake", "saw priya").
_NEAR = re.compile(r"\b(?:with|and|by|from|to|saw|miss|love|hate|met|called|hi|hey|thanks|thank you|visited|about)"
                   r"[\s,:]+$",
                   re.I)
_AFTER = re.compile(r"^(?:['’]s\s+(?:mom|mum|dad|house|place|birthday|car|party|brother|sister|wife|husband|"
                    r"girlfriend|boyfriend|kids?|family|wedding|funeral|number|been|not|so|always|never|still|gone|"
                    r"my|our)|\s+(?:said|says|texted|told|asked|called|thinks|wants|keeps|kept|is my|was my|and i\b|"
                    r"and me\b|ghosted|dumped|broke up|left|cheated|yelled|hit|hurt|blocked|messaged|replied|posted|"
                    r"sent|came|went|got|has|had|never|always|died|passed away|from (?:work|school|group|class|church|"
                    r"the|my)|dijo|me dijo|a dit|hat gesagt|disse|y yo|et moi|und ich|e eu)|\s*\((?:my|he|she|"
                    r"\d)|,\s+(?:my|our|his|her)\s+(?:\w+\s+)?(?:" + _KIN + r")|\s+(?:and|&)\s+[A-Za-z]+"
                    r"(?:,)?\s+(?:have|are|were|both|said|keep|my|and me|and i)\b)", re.I)
_INTRO = re.compile(r"\b(?:my name is|my name's|name's|call me|i go by|me llamo|je m'?appelle|ich heiße|ich heisse|"
                    r"meu nome é|me chamo)\s+$", re.I)
_TITLE = re.compile(r"(?:\b(?i:dr|mr|mrs|ms|mx|prof|professor|coach|pastor|rev|sra|srta|mme|mlle)\.?|\b(?:Sister|Father|"
                    r"Herr|Frau|Dona|Dom|Miss|Sr|M)\.?)\s+$")
_PLACE = re.compile(r"\b(?:in|at|from|near|visit|visiting|moved to|trip to|flight to|live in|living in|à|nach|"
                    r"aus|para)\s+$", re.I)
_SENTENCE_START = re.compile(r"(?:^|[.!?\n:;]\s*|[\"“(]\s*)$")
_NOT_NAMES = frozenset("""
january february march april may june july august september october november december monday tuesday wednesday
thursday friday saturday sunday god lord jesus christ allah buddha christmas easter reddit google instagram facebook
tiktok snapchat discord youtube netflix mom mum dad mama papa nana grandma grandpa english spanish french german
chinese indian american british canadian mexican brazilian irish scottish welsh african asian european latino
""".split())


_TITLE_WORDS = frozenset("dr mr mrs ms mx prof professor coach pastor rev father sister miss herr frau mme mlle sra srta "
                         "dona dom sir madam lady lord".split())


@lru_cache(maxsize=50_000)
def everyday_word(word: str) -> bool:
    """A word people write as an ordinary word (zipf >= 4.5 in one of five languages), or a known name-word."""
    from wordfreq import zipf_frequency

    return word in AMBIGUOUS or any(zipf_frequency(word, lang) >= 4.5 for lang in ("en", "es", "fr", "de", "pt"))


@lru_cache(maxsize=50_000)
def rare_word(word: str) -> bool:
    """Not a word in any of the five languages (zipf < 3.5): a lowercase gazetteer name is then a name."""
    from wordfreq import zipf_frequency

    return word not in AMBIGUOUS and all(zipf_frequency(word, lang) < 3.5 for lang in ("en", "es", "fr", "de", "pt"))


@lru_cache(maxsize=50_000)
def function_word(word: str) -> bool:
    """A word so common that it is never read as a name without a title (the, and, so, man)."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en") >= 6.0


class NameRecognizer(EntityRecognizer):
    def __init__(self):
        super().__init__(supported_entities=["PERSON"], name="psyllm_names", supported_language="en")

    def load(self) -> None:
        gazetteer()

    def analyze(self, text: str, entities, nlp_artifacts=None) -> list[RecognizerResult]:
        first, last = gazetteer()
        words = [(m.start(), m.start() + len(_POSSESSIVE.sub("", m.group(0))), _POSSESSIVE.sub("", m.group(0)))
                 for m in _WORD.finditer(text)]
        results: list[RecognizerResult] = []
        for i, (start, end, word) in enumerate(words):
            key = word.casefold()
            before, after = text[max(0, start - 40):start], text[end:end + 40]
            if len(key) > 1 and (_TITLE.search(before) or (_INTRO.search(before) and word[:1].isupper())):
                # "Dr. Okafor", "mr. abernathy", "my name is Corwin": a name, gazetteer or not
                results.append(RecognizerResult("PERSON", start, end, 0.8))
                continue
            if len(key) < 2 or not (key in first or key in last):
                continue
            previous = results[-1] if results else None
            if previous and previous.end >= start - 1 and key in last and not everyday_word(key):
                results[-1] = RecognizerResult("PERSON", previous.start, end, previous.score)  # "jake morrison"
                continue
            following = words[i + 1] if i + 1 < len(words) else None
            surname_next = (following is not None and following[0] <= end + 1 and key in first
                            and following[2].casefold() in last and not everyday_word(following[2].casefold())
                            and not function_word(key))
            if surname_next or self._is_name(word, key, key in first, before, after):
                results.append(RecognizerResult("PERSON", start, end, 0.7))
        results += self._listed(text, words, results)
        return results + self._repeated(words, results, text)

    @staticmethod
    def _repeated(words, found: list[RecognizerResult], text: str) -> list[RecognizerResult]:
        """Every other mention of a name found once ("My name is Corwin… Later, Corwin went home")."""
        names = {text[r.start:r.end].split()[0].casefold() for r in found}
        covered = [(r.start, r.end) for r in found]
        return [RecognizerResult("PERSON", start, end, 0.6) for start, end, word in words
                if word.casefold() in names and not any(s <= start < e for s, e in covered)]

    @staticmethod
    def _listed(text: str, words, found: list[RecognizerResult]) -> list[RecognizerResult]:
        """Capitalised words in a list with names ("Jenny, Tash, Bex, Soph") are names too: nicknames and names
        the gazetteer lacks."""
        starts = {r.start for r in found}
        extra = []
        for i, (start, end, word) in enumerate(words):
            if start in starts or not word[:1].isupper() or word.isupper() or everyday_word(word.casefold()):
                continue
            neighbours = [words[j] for j in (i - 1, i + 1) if 0 <= j < len(words)]
            if any(n[0] in starts and re.fullmatch(r",\s*|\s+(?:and|&)\s+", text[min(end, n[1]):max(start, n[0])])
                   for n in neighbours):
                extra.append(RecognizerResult("PERSON", start, end, 0.6))
        return extra

    @staticmethod
    def _is_name(word: str, key: str, is_first: bool, before: str, after: str) -> bool:
        capitalised = word[:1].isupper() and not word.isupper()
        strong = bool(_BEFORE.search(before)) or (capitalised and bool(_SELF.search(before)))
        if key in _TITLE_WORDS:
            return False
        if key in _NOT_NAMES:
            return strong  # "my sister April", not "in April"
        if function_word(key) and (not capitalised or _SENTENCE_START.search(before)) and key not in AMBIGUOUS:
            return False  # the, and, said, from: never a name in lowercase
        if strong:
            return True
        # "grace said", "tom and me": a person's verb after a gazetteer first name, no article before it
        after_cue = bool(_AFTER.match(after)) and (capitalised or not everyday_word(key) or (
            is_first and not _DETERMINER.search(before)))
        weak = not everyday_word(key) and bool(_NEAR.search(before))
        if capitalised:
            if _PLACE.search(before):
                return after_cue
            if _SENTENCE_START.search(before):
                return after_cue or not everyday_word(key)
            return after_cue or weak or key in AMBIGUOUS or not everyday_word(key)
        return after_cue or weak or (is_first and rare_word(key))

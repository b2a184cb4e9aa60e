"""De-identification before any model sees the text, on Microsoft Presidio: its analyzer finds PII spans and its
anonymizer replaces them with typed placeholders, consistent within a post (the same e-mail is `[EMAIL_1]` everywhere
in it) and numbered per type. Recall comes first: a false positive costs a word, a false negative leaks a person.

Presidio's own recognizers where it has them: e-mails, URLs, IPs, credit cards (Luhn), IBANs, phone numbers
(libphonenumber, for the regions in `PHONE_REGIONS`), US SSNs, UK NHS and NI numbers and postcodes, Canadian SINs
and postcodes, Indian Aadhaar and PAN, Spanish NIF/NIE. psyllm's recognizers for what it lacks: personal names in
running text (a gazetteer from `names-dataset`, psyllm/ingest/names.py, read with context: lowercase names, names
that are everyday words, surnames after first names), street addresses in US, UK, EU and Indian shapes, postcodes,
social handles, spelled-out e-mails ("jane dot doe at gmail dot com") and phone numbers ("oh seven seven…"), and
ID numbers named by their context ("student ID", "MRN"). With hub access an NER model can be added
(`ingest.deid.ner_model`, a spaCy model name such as `en_core_web_lg`): its PERSON spans join the gazetteer's.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import lru_cache

os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")  # tldextract (Presidio's e-mail check): bundled list

PII_TYPES = ("URL", "EMAIL", "IP", "ID", "CARD", "PHONE", "ADDRESS", "USER", "NAME")
PHONE_REGIONS = ("US", "GB", "IE", "CA", "AU", "NZ", "IN", "DE", "FR", "ES", "IT", "PT", "BR", "MX", "NL", "BE", "CH",
                 "AT", "PL", "SE", "NG", "ZA", "PH", "SG")
# Presidio's entity names -> psyllm's placeholder types.
TYPES = {"EMAIL_ADDRESS": "EMAIL", "SPELLED_EMAIL": "EMAIL", "URL": "URL", "IP_ADDRESS": "IP", "CREDIT_CARD": "CARD",
         "IBAN_CODE": "ID", "US_SSN": "ID", "UK_NHS": "ID", "UK_NINO": "ID", "CA_SIN": "ID", "IN_AADHAAR": "ID",
         "IN_PAN": "ID", "ES_NIF": "ID", "ES_NIE": "ID", "ID_NUMBER": "ID", "PHONE_NUMBER": "PHONE",
         "SPELLED_PHONE": "PHONE", "STREET_ADDRESS": "ADDRESS", "URL_PATH": "URL", "UK_POSTCODE": "ADDRESS", "CA_POSTAL_CODE": "ADDRESS",
         "POSTCODE": "ADDRESS", "HANDLE": "USER", "PERSON": "NAME"}

_STREET_TYPES = (r"street|st|avenue|ave|road|rd|lane|ln|drive|dr|boulevard|blvd|court|ct|way|place|pl|terrace|"
                 r"circle|cir|highway|hwy|parkway|pkwy|square|sq|grove|close|crescent|cres|gardens|gdns|mews|row|walk|"
                 r"rise|hill|park|view|green|vale|gate|wharf|nagar|marg|colony|apartments|apts|estate")
_DIGIT_WORDS = (r"zero|oh|o|one|two|three|four|five|six|seven|eight|nine|double|triple|cero|uno|dos|tres|cuatro|"
                r"cinco|seis|siete|ocho|nueve|zéro|un|deux|trois|quatre|cinq|sept|huit|neuf|null|eins|zwei|drei|vier|"
                r"fünf|sechs|sieben|acht|neun")
PATTERNS = {
    "STREET_ADDRESS": [
        rf"(?:\b(?:flat|apartment|apt|suite|unit|room)\.? ?\w{{1,5}},? )?\b\d{{1,5}}[a-zA-Z]?,? (?:[\w][\w'’.-]* ){{1,3}}"
        rf"(?:{_STREET_TYPES})\b\.?(?:,? (?:apt|apartment|unit|suite|flat|#)\.? ?\w+)?(?-i:(?:,? [A-Z][a-z]+"
        rf"(?: [A-Z][a-z]+)?)?)",
        r"\bul\. [\w]+ \d{1,4}(?:/\d{1,4})?(?: m\. ?\d+)?(?:,? [A-Z][\w]+)?",
        r"\b[A-ZÄÖÜ][\wäöüß-]*(?:straße|strasse|str\.|weg|gasse|platz|allee|ring|damm)\s\d{1,4}[a-z]?\b",
        r"\b(?:calle|avenida|av\.|rua|avenida|rue|boulevard|bd|via|viale|piazza|carrer|travessa|praça|plaza|paseo|"
        r"camino|chemin|impasse|allée|place) (?:de |del |da |do |dos |das |de la |des |du |di )?[\w'’ -]{2,30}?,? "
        r"(?:n[ºo°.]? ?)?\d{1,4}\b(?:,? \d{1,2}º? ?\w?)?(?:,? \d{4,5} [A-Z][\w]+)?",
        r"\b\d{1,4},? (?:rue|avenue|boulevard|bd|chemin|impasse|allée|place|quai) (?:de |du |des |de la |d')?[\w'’ -]{2,30}",
        r"\b(?:flat|house|h\.? ?no\.?|plot) ?(?:no\.? ?)?\d+[a-z]?,? [\w ]{3,40}?(?:nagar|marg|colony|road|street|lane)\b",
    ],
    "POSTCODE": [
        r"\b(?:GIR 0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})\b",  # UK
        r"\b[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] ?\d[ABCEGHJ-NPRSTV-Z]\d\b",  # Canada
        r"(?<=\b[A-Z]{2} )\d{5}(?:-\d{4})?\b|\b(?i:zip|zip code|postcode|postal code|plz|cp|código postal|code postal|"
        r"pin|pincode|pin code)(?: is|:)? ?\d{4,6}\b",
        r"\b\d{5} (?=[A-ZÄÖÜ][a-zäöüß]+\b)(?!(?:Euro|EUR|Dollar|Leute|Menschen|people|Tage|days))",  # 10115 Berlin
    ],
    "URL_PATH": [r"\b(?:https?://|www\.)[^\s<>\"')\]]+", r"\b[\w-]+\.(?:com|org|net|io|co|me|ly|tv|gg|app|uk|de|fr|es|pt|br|"
                 r"in|au|ca|link|page|site)/[^\s<>\"')\]]+"],
    "HANDLE": [
        r"(?<![\w/])/?u/[\w-]{3,20}\b", r"(?<![\w@.])@[A-Za-z_][\w.]{1,28}[\w]",
        r"\b(?:insta(?:gram)?|ig|snap(?:chat)?|sc|tiktok|tt|discord|twitter|x|telegram|kik|steam|psn|xbox|reddit|"
        r"twitch|threads|bsky)(?: handle| name| username| id| tag)?(?: is| es| est|:| -| =| @)+ ?@?[\w.#-]{3,32}",
        r"\b[\w.]{2,32}#\d{4}\b", r"\b(?:gamertag|gamer tag|username|user name|handle|psn|xbox|steam|kik|"
        r"snap|whatsapp|signal)(?: me)?(?: is| at| on|:)+ ?@?[\w.#-]{3,32}",
    ],
    "SPELLED_EMAIL": [
        r"\b[\w.+-]+(?: ?(?:dot|punto|point|ponto|punkt) ?[\w-]+)* ?(?:\[at\]|\(at\)|\{at\}| at | arobase | arroba | "
        r"ät |\[ät\]) ?[\w-]+(?: ?(?:\[dot\]|\(dot\)|\{dot\}| dot | punto | point | ponto | punkt ) ?|\.)(?:com|org|net|edu|gov|"
        r"co|uk|de|fr|es|pt|br|in|io|me|it|nl|be|ch|at|ie|ca|au|mx|ar|info)\b(?: ?(?:dot|\.) ?(?:uk|br|in|au|mx|ar))?",
    ],
    "SPELLED_PHONE": [rf"\b(?:(?:{_DIGIT_WORDS}|\d)[\s,-]+){{6,}}(?:{_DIGIT_WORDS}|\d)\b",
                      # international numbers libphonenumber rejects (reserved and drama ranges still identify)
                      r"(?<![\w+])\+\d{1,3}[\s.-]?\(?\d{1,5}\)?(?:[\s.-]?\d{2,5}){1,4}(?!\w)"],
    "ID_NUMBER": [
        r"\b(?i:student|employee|staff|patient|member|customer|account|case|record|medical record|hospital|mrn|nhs|"
        r"national insurance|ni|ssn|social security|sin|passport|licen[cs]e|aadhaar|pan|dni|nie|nif|cpf|rg|pps|nir|"
        r"matr[ií]cula|tax|insurance|policy|id|roll)(?i: number| no\.?| num| #| card| id)?(?i: is|:|#| =)? ?\(?"
        r"(?=[A-Z]*\d)[A-Z\d][A-Z\d.-]{3,18}[A-Z\d]\b",
        r"\b\d{3}\.\d{3}\.\d{3}-\d{2}\b",  # CPF
        r"\b[A-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b",  # UK NI
        r"\b\d{3} ?\d{3} ?\d{4}\b(?=.{0,20}\b(?:nhs)\b)|(?<=nhs number )\d{3} ?\d{3} ?\d{4}",
        r"\b\d{4} \d{4} \d{4}\b",  # Aadhaar
        r"\b[12] ?\d{2} ?\d{2} ?\d{2} ?\d{3} ?\d{3} ?\d{2}\b",  # French NIR
        r"\b\d{7}[A-W][A-IW]?\b",  # Irish PPS
        r"\b\d{8}-?[A-Z]\b",  # Spanish DNI
        r"\b\d{3}-\d{2}-\d{4}\b",  # US SSN-shaped (Presidio rejects the invalid ones; they still identify)
    ],
}
_I = re.IGNORECASE


def _pattern_recognizers():
    from presidio_analyzer import Pattern, PatternRecognizer

    return [PatternRecognizer(supported_entity=entity, name=f"psyllm_{entity.lower()}",
                              patterns=[Pattern(f"{entity}_{i}", p, 0.6) for i, p in enumerate(patterns)],
                              global_regex_flags=re.DOTALL | re.MULTILINE | (0 if entity in ("POSTCODE", "ID_NUMBER")
                                                                              else _I))
            for entity, patterns in PATTERNS.items()]


@lru_cache(maxsize=4)
def _analyzer(ner_model: str = ""):
    """One Presidio analyzer per process (building it costs about a second)."""
    import spacy
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import SpacyNlpEngine
    from presidio_analyzer.predefined_recognizers import (CreditCardRecognizer, EmailRecognizer, IbanRecognizer,
                                                          InAadhaarRecognizer, InPanRecognizer, IpRecognizer,
                                                          NhsRecognizer, PhoneRecognizer, UkNinoRecognizer, UrlRecognizer,
                                                          UsSsnRecognizer)

    from psyllm.ingest.person_names import NameRecognizer

    engine = SpacyNlpEngine(models=[{"lang_code": "en", "model_name": ner_model or "blank"}])
    if ner_model:
        engine.load()
    else:
        engine.nlp = {"en": spacy.blank("en")}  # tokenization only: names come from the gazetteer recognizer
    registry = RecognizerRegistry(supported_languages=["en"])
    for recognizer in (EmailRecognizer(), UrlRecognizer(), IpRecognizer(), CreditCardRecognizer(), IbanRecognizer(),
                       UsSsnRecognizer(), NhsRecognizer(), UkNinoRecognizer(), InAadhaarRecognizer(), InPanRecognizer(),
                       PhoneRecognizer(supported_regions=PHONE_REGIONS), NameRecognizer(), *_pattern_recognizers()):
        registry.add_recognizer(recognizer)
    if ner_model:
        from presidio_analyzer.predefined_recognizers import SpacyRecognizer

        registry.add_recognizer(SpacyRecognizer(supported_entities=["PERSON"]))
    return AnalyzerEngine(registry=registry, nlp_engine=engine, supported_languages=["en"])


@dataclass
class Deidentifier:
    """Replaces PII spans with placeholders. `types` limits which kinds are replaced."""

    types: tuple[str, ...] = PII_TYPES
    phone_region: str = "US"  # kept for configs; every region in PHONE_REGIONS is read
    ner_model: str = ""
    _entities: list = field(default_factory=list, init=False)

    def __post_init__(self):
        self.types = tuple("ID" if t == "SSN" else t for t in self.types)  # "SSN" was the old name of ID numbers
        self._entities = [e for e, t in TYPES.items() if t in self.types]

    def find_spans(self, text: str) -> list[tuple[int, int, str]]:
        """Non-overlapping (start, end, type) spans in reading order: the longest wins an overlap, then the higher
        score."""
        if not text or not self._entities:
            return []
        results = _analyzer(self.ner_model).analyze(text=text, language="en", entities=self._entities,
                                                    score_threshold=0.3)
        spans = sorted(((r.start, r.end, TYPES[r.entity_type], r.score) for r in results),
                       key=lambda s: (-(s[1] - s[0]), -s[3], s[0]))
        chosen: list[tuple[int, int, str]] = []
        for start, end, kind, _ in spans:  # longest first: a URL beats the handle inside it
            if all(end <= c[0] or start >= c[1] for c in chosen):
                chosen.append((start, end, kind))
        return sorted(chosen)

    def redact(self, text: str, table: dict[tuple[str, str], str] | None = None) -> tuple[str, dict]:
        """Return the redacted text and the value->placeholder table (pass it back in for the same post)."""
        from presidio_anonymizer.entities import OperatorConfig, RecognizerResult

        table = {} if table is None else table
        spans = self.find_spans(text)
        if not spans:
            return text, table

        for start, end, kind in spans:  # numbered in reading order: the first e-mail is [EMAIL_1]
            key = (kind, text[start:end].casefold())
            if key not in table:
                table[key] = f"[{kind}_{sum(1 for k in table if k[0] == kind) + 1}]"

        def placeholder(kind: str):
            def replace(value: str) -> str:  # Presidio may merge adjacent spans of one type: number those too
                key = (kind, value.casefold())
                if key not in table:
                    table[key] = f"[{kind}_{sum(1 for k in table if k[0] == kind) + 1}]"
                return table[key]
            return replace

        results = [RecognizerResult(kind, start, end, 1.0) for start, end, kind in spans]
        operators = {kind: OperatorConfig("custom", {"lambda": placeholder(kind)}) for kind in {s[2] for s in spans}}
        return _anonymizer().anonymize(text=text, analyzer_results=results, operators=operators).text, table


@lru_cache(maxsize=1)
def _anonymizer():
    from presidio_anonymizer import AnonymizerEngine

    return AnonymizerEngine()

"""Text as the risk rules read it: the ways real messages hide a phrase from a pattern, undone.

NFKC (fullwidth and mathematical letters), every apostrophe and quote variant to ASCII (iOS and macOS type curly
ones), zero-width and bidi characters out, Cyrillic/Greek look-alikes inside Latin words to Latin
(confusable-homoglyphs' table), leetspeak inside words (k1ll, su1c1de), letters stretched past two (sooooo),
common misspellings, and all whitespace, newlines included, to one space. Lowercased. Chinese, Japanese and
other scripts pass through unchanged but for NFKC and spacing."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_INVISIBLE = re.compile("[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064"
                        "\u2066-\u2069\u3164\ufe00-\ufe0f\ufeff\uffa0]")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u00b4": "'",
                         "\u0060": "'", "\u02bc": "'", "\u02b9": "'", "\uff07": "'", "\u201c": '"', "\u201d": '"',
                         "\u201e": '"', "\u201f": '"', "\u2033": '"', "\u00ab": '"', "\u00bb": '"', "\u2013": "-",
                         "\u2014": "-", "\u2212": "-"})
_WORD = re.compile(r"[^\W_]+(?:[0-9@$!|][^\W_]*)*|[0-9@$]+[^\W_]+", re.U)
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i",
                       "|": "l"})
_INSIDE = re.compile(r"[^\W\d_][0-9@$!|]+[^\W\d_]", re.U)
_STRETCH = re.compile(r"([^\W\d_])\1{2,}", re.U)
_SPACE = re.compile(r"\s+", re.U)
# Misspellings and spellings that avoid filters, as written in forums (the rules then see the plain word).
_SPELLINGS = {
    "sucide": "suicide", "suicde": "suicide", "suiside": "suicide", "sucidal": "suicidal", "suicidial": "suicidal",
    "suicdal": "suicidal", "suisidal": "suicidal", "sewerslide": "suicide", "sewer slide": "suicide",
    "unalive": "kill", "unaliving": "killing", "unalived": "killed", "selfharm": "self harm", "self-harm": "self harm",
    "killmyself": "kill myself", "wanna": "want to", "gonna": "going to", "gotta": "got to", "rn": "right now",
    "tmrw": "tomorrow", "tmr": "tomorrow", "2nite": "tonight", "tonite": "tonight", "2day": "today",
    # Apostrophe-less contractions (dont, im, cant) stay as written: in French, German or Spanish they are words.
}
# Words censored with an asterisk to get past filters (k*ll, su*cide, d*e).
_CENSORED = [(re.compile(r"\bk[\*\.]ll"), "kill"), (re.compile(r"\bs[u\*][i\*]?c[i\*]de|\bsu\*\*ide"), "suicide"),
             (re.compile(r"\bd[\*\.]e\b"), "die"), (re.compile(r"\bs[\*]lf ?h[\*]rm"), "self harm")]
_SPELLING = re.compile(r"\b(" + "|".join(sorted(map(re.escape, _SPELLINGS), key=len, reverse=True)) + r")\b")
_LATIN = re.compile(r"[a-z]")


@lru_cache(maxsize=1)
def _homoglyphs() -> dict[int, str]:
    """Look-alike letters of Greek, Cyrillic, IPA and Cherokee mapped to the Latin letter they imitate."""
    from confusable_homoglyphs import confusables

    table = {}
    for lo, hi in ((0x0250, 0x02AF), (0x0370, 0x03FF), (0x0400, 0x052F), (0x13A0, 0x13F4)):
        for code in range(lo, hi + 1):
            found = confusables.is_confusable(chr(code), preferred_aliases=["latin"]) or []
            latin = [h["c"] for f in found for h in f["homoglyphs"] if len(h["c"]) == 1 and h["c"].isascii()
                     and h["c"].isalpha()]
            if latin:
                table[code] = latin[0].lower()
    return table


def _fix_word(match: re.Match) -> str:
    word = match.group(0)
    if not _LATIN.search(word):
        return word  # wholly another script (Greek, Cyrillic, CJK): its own letters, not disguises
    word = word.translate(_homoglyphs())
    if _INSIDE.search(word):  # k1ll, su1c1de: a symbol between letters; 100mg, 3am, 2nd stay numbers
        word = word.translate(_LEET)
    return word


def normalize(text: str, invisible: str = "") -> str:
    """The form every risk rule matches against. Invisible characters become `invisible` ("" joins what they split
    inside a word; " " keeps words they separated apart): `variants` gives both."""
    text = unicodedata.normalize("NFKC", text or "")
    text = _INVISIBLE.sub(invisible, text).translate(_QUOTES).lower()
    text = _WORD.sub(_fix_word, text)
    text = _STRETCH.sub(r"\1\1", text)
    text = _SPACE.sub(" ", text).strip()
    for pattern, word in _CENSORED:
        text = pattern.sub(word, text)
    return _SPELLING.sub(lambda m: _SPELLINGS[m.group(1)], text)


def variants(text: str) -> list[str]:
    """The normalized text, and a second reading when invisible characters could have been word separators."""
    joined = normalize(text)
    return [joined, normalize(text, " ")] if _INVISIBLE.search(text or "") else [joined]

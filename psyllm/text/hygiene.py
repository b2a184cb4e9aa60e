"""Text hygiene: Unicode NFC, invisible control characters out, mojibake repaired, whitespace tidied."""
from __future__ import annotations

import html
import re
import unicodedata

import ftfy

# Zero-width characters, the BOM, soft hyphen and every bidi embedding/override/isolate control.
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"[ \t\u00a0]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")
# Full-width digits and Latin letters become ASCII (so "１３８…" reads as a phone number), but CJK punctuation
# (，。？！：“”) stays: a Chinese counseling model must not learn to write "," and "?" in Chinese text.
_FULL_WIDTH_ALNUM = {c: c - 0xFEE0 for r in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A))
                     for c in range(r[0], r[1] + 1)}


def clean_text(text: str, repair: bool = True) -> str:
    """Normalise one field. `repair` also fixes mojibake and drops U+FFFD left by invalid UTF-8."""
    if repair:
        text = ftfy.fix_text(text, normalization="NFC", fix_character_width=False).replace("\ufffd", "")
    text = text.translate(_FULL_WIDTH_ALNUM)
    text = html.unescape(text)
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE.sub("", text)
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def normalized_key(text: str) -> str:
    """The form used for exact-duplicate hashing: case-folded, alphanumerics and single spaces only."""
    return " ".join(re.findall(r"\w+", text.casefold()))
